"""Step lists labelled with their first error: BIG-Bench-Mistake and PRMBench.

BIG-Bench-Mistake: ``input, steps[], target, answer, mistake_index`` (0-based first
mistake, null if none). ``target`` is the gold answer (our ``answer``); ``answer`` is what
the model concluded (kept in ``source['model_answer']``). Steps are one per line in the
original CoT, so they are joined with "\\n".

PRMBench: ``modified_question`` (or ``question``), ``modified_process[]`` /
``original_process[]``, ``error_steps`` (1-based, every injected error), ``classification``,
``idx``, ``reason``. Its steps come from PRM800K, one per line: joined with "\\n".
Labels apply to the modified process. An empty ``error_steps`` means "not annotated"
(PRMBench only holds solutions with injected errors; its multi-solution QwQ set keeps
its human labels elsewhere), so those steps stay unrated. An error index outside the step
list means the labels belong to another version of the steps: the row is refused.

Ratings: +1 before the first error, -1 at it and at every other listed error, unrated
after the first error otherwise (see ``first_error_ratings``).
"""

from __future__ import annotations

from curation.traces.records import InvalidRecord, TraceRecord, spans_from_steps
from ._fields import (
    as_list,
    first_key,
    optional_int,
    optional_str,
    require_str,
    require_str_list,
    scalar_fields,
    teacher_from,
    type_name,
)
from ._labels import first_error_ratings, rate

NAME = "first_error"
DESCRIPTION = (
    "step lists with a first-error label: "
    "BIG-Bench-Mistake (mistake_index) or PRMBench (error_steps)"
)
OPTIONS = {
    "process": 'PRMBench only: "modified" (default, labelled) or "original" (unrated)',
    "teacher_model": "teacher name (neither source names one)",
}

STEP_JOINER = "\n"
PRMBENCH_METADATA = ("idx", "classification", "reason", "original_question", "ground_truth")


def score(record: dict) -> float:
    if isinstance(record.get("steps"), list) and "mistake_index" in record:
        return 9
    if "error_steps" in record and ("modified_process" in record or "original_process" in record):
        return 9
    return 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    if "mistake_index" in record:
        return _bigbench_mistake(record, options)
    if "error_steps" in record:
        return _prmbench(record, options)
    raise InvalidRecord(
        "neither 'mistake_index' (BIG-Bench-Mistake) nor 'error_steps' (PRMBench) is present"
    )


def _bigbench_mistake(record: dict, options: dict) -> TraceRecord:
    steps = require_str_list(record, "steps")
    mistake = optional_int(record, "mistake_index")
    response, spans = spans_from_steps(steps, STEP_JOINER)
    rate(spans, first_error_ratings(len(steps), mistake))
    source = {"mistake_index": mistake, "model_answer": optional_str(record, "answer")}
    answer = (
        optional_str(record, "target") if "target" in record else optional_str(record, "answer")
    )
    return TraceRecord(
        problem=require_str(record, "input"),
        response=response,
        answer=answer,
        teacher_model=teacher_from(record, ("model", "generator"), options),
        source=source,
        steps=spans,
        steps_field="response",
    )


def _prmbench(record: dict, options: dict) -> TraceRecord:
    process = options.get("process", "modified")
    if process not in ("modified", "original"):
        raise InvalidRecord(f"option 'process' must be 'modified' or 'original', got {process!r}")
    key = (
        f"{process}_process"
        if f"{process}_process" in record
        else first_key(record, ("modified_process", "original_process"))
    )
    if key is None:
        raise InvalidRecord("field 'modified_process' is missing")
    steps = require_str_list(record, key)
    response, spans = spans_from_steps(steps, STEP_JOINER)
    modified = key == "modified_process"
    errors = (
        _error_steps(record, len(steps)) if modified else []
    )  # labels describe the modified steps
    if errors:
        rate(spans, first_error_ratings(len(steps), errors[0], errors[1:]))
    question_keys = (
        ("modified_question", "question") if modified else ("original_question", "question")
    )
    source = {
        **scalar_fields(record, PRMBENCH_METADATA),
        "process": key,
        "error_steps": [index + 1 for index in errors],
    }  # 1-based, as in PRMBench
    return TraceRecord(
        problem=require_str(record, first_key(record, question_keys) or question_keys[0]),
        response=response,
        answer=optional_str(record, "ground_truth"),
        teacher_model=teacher_from(record, ("model", "generator"), options),
        source=source,
        steps=spans,
        steps_field="response",
    )


def _error_steps(record: dict, count: int) -> list[int]:
    """``error_steps`` as sorted 0-based indexes; refuse labels that point past the steps."""
    raw = as_list(record.get("error_steps"))
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in raw
    ):
        raise InvalidRecord(
            f"field 'error_steps' must be a list of step numbers, got {type_name(raw)}"
        )
    outside = [i for i in raw if not 1 <= i <= count]
    if outside:
        raise InvalidRecord(
            f"error_steps {outside} are outside the {count} steps (1-based): "
            "the labels do not match this step list"
        )
    return sorted({i - 1 for i in raw})
