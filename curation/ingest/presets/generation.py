"""Raw generations: one text field holding ``[prompt]<think>reasoning</think>response``.

The text field is the first of TEXT_FIELDS that holds a thinking tag (else the first one
present). The problem comes from a field when the record has one (PROBLEM_PATHS); the
echoed prompt before ``<think>`` then goes to ``source['prompt']``. Without a problem
field, the text before ``<think>`` is the problem.

Messy generations (see ``think.split_think``): only ``</think>`` (R1-distill templates open
the block in the prompt) splits there; no ``</think>`` means the generation was cut off:
all of it is reasoning and ``source['truncated']`` is true. A text with no tag at all is
treated the same way by default, because this preset is for reasoning models (option
``untagged="response"`` for models that do not think aloud).
"""

from __future__ import annotations

from curation.traces.records import InvalidRecord, TraceRecord
from ..think import has_think_tag, split_think
from ._fields import get_path, metadata_fields, teacher_from, type_name

NAME = "generation"
DESCRIPTION = (
    "raw generations: a text field with <think>...</think> "
    "(solution, full_response, response, output, ...)"
)
OPTIONS = {
    "field": "the text field (default: the first of %s with a think tag)",
    "untagged": '"reasoning" (default) or "response": where a text without any think tag goes',
    "teacher_model": "teacher name for records that do not name one",
}

TEXT_FIELDS = (
    "full_response",
    "generation",
    "generated_text",
    "full_output",
    "solution",
    "response",
    "output",
    "completion",
    "model_output",
    "text",
)
OPTIONS["field"] %= ", ".join(TEXT_FIELDS)
PROBLEM_PATHS = (
    "problem",
    "question",
    "prompt",
    "input",
    "instruction",
    "_problem.problem",
    "_problem.question",
)
ANSWER_PATHS = (
    "ground_truth",
    "gt_answer",
    "reference_answer",
    "expected_answer",
    "_problem.gt_answer",
    "_problem.answer",
    "answer",
)
TEACHER_FIELDS = ("model", "model_name", "generator", "teacher")
# Raw generations may carry no problem at all (then the prefix is the problem, maybe empty);
# an empty problem *field* is still refused, in ``to_trace``.
PROBLEM_OPTIONAL = True


def score(record: dict) -> float:
    values = [record.get(key) for key in TEXT_FIELDS]
    if any(isinstance(v, str) and has_think_tag(v) for v in values):
        return 4
    if any(isinstance(v, str) and v.strip() for v in values):
        return 1
    # A text field of the wrong type: still this shape, so the records get a precise reason.
    return 0.5 if any(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values) else 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    text_key = _text_field(record, options)
    untagged = options.get("untagged", "reasoning")
    if untagged not in ("reasoning", "response"):
        raise InvalidRecord(
            f"option 'untagged' must be 'reasoning' or 'response', got {untagged!r}"
        )
    split = split_think(record[text_key], untagged=untagged)
    problem_path, problem = _first_text(record, PROBLEM_PATHS)
    if not problem_path and not split.prefix.strip():
        _refuse_empty_problem_field(record)
    answer_path, answer = _first_text(record, ANSWER_PATHS)
    # Other small fields (ids, is_correct, the model's own answer when a gold one won) go along.
    source = metadata_fields(record, exclude=(text_key, problem_path, answer_path))
    source["text_field"] = text_key
    if split.truncated:
        source["truncated"] = True
    if problem_path and split.prefix:
        source["prompt"] = split.prefix
    return TraceRecord(
        problem=problem if problem_path else split.prefix,
        reasoning=split.reasoning,
        response=split.response,
        answer=answer,
        teacher_model=teacher_from(record, TEACHER_FIELDS, options),
        source=source,
    )


def _text_field(record: dict, options: dict) -> str:
    if options.get("field"):
        key = options["field"]
        if not isinstance(record.get(key), str):
            raise InvalidRecord(f"field '{key}' must be a string, got {type_name(record.get(key))}")
        return key
    present = [key for key in TEXT_FIELDS if isinstance(record.get(key), str)]
    if not present:
        wrong = next((key for key in TEXT_FIELDS if record.get(key) is not None), None)
        if wrong:  # the field is there, with the wrong type: say that, not "no text field"
            raise InvalidRecord(
                f"field '{wrong}' must be a string, got {type_name(record[wrong])}"
            )
        raise InvalidRecord(f"no text field: expected one of {', '.join(TEXT_FIELDS)}")
    return next((key for key in present if has_think_tag(record[key])), present[0])


def _refuse_empty_problem_field(record: dict) -> None:
    """A record whose problem field is there but blank is bad input, as a missing one is."""
    for path in PROBLEM_PATHS:
        value = get_path(record, path)
        if isinstance(value, str):
            raise InvalidRecord(f"field '{path}' is empty")


def _first_text(record: dict, paths: tuple[str, ...]) -> tuple[str, str]:
    """(path, value) of the first path holding a non-empty string (numbers written out)."""
    for path in paths:
        value = get_path(record, path)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, str) and value.strip():
            return path, value
    return "", ""
