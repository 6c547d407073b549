"""PRM800K (openai/prm800k): one labelled solution per line, a human rating per step.

Schema (from the dataset README)::

    question: {problem, ground_truth_solution, ground_truth_answer,
               pre_generated_steps?, pre_generated_answer?, pre_generated_verifier_score?}
    label: {steps: [{completions: [{text, rating, flagged}], human_completion, chosen_completion}],
            total_time, finish_reason}
    labeler, timestamp, generation, is_quality_control_question, is_initial_screening_question

Phase 2 rows carry the full model solution in ``pre_generated_steps``; labelers stopped at
the first error, so steps past the labelled ones stay unrated. Phase 1 rows are rebuilt
from the chosen completions (``chosen_completion``), or the labeler's own step
(``human_completion``, a +1 step by the labelling instructions, stored with rating null).

Steps are joined with "\\n": the PRM800K generator wrote one step per line, so this gives
back the text the model produced (the final step carries its own "\\n\\n# Answer\\n\\n...").
"""

from __future__ import annotations

from curation.traces.records import InvalidRecord, StepSpan, TraceRecord, spans_from_steps
from ._fields import scalar_fields, teacher_from, type_name

NAME = "prm800k"
DESCRIPTION = "PRM800K labelled solutions: question.problem, label.steps[].completions with ratings"
OPTIONS = {"teacher_model": "teacher name (default: the PRM800K generator, a GPT-4 model)"}

STEP_JOINER = "\n"
GENERATOR = "GPT-4 (PRM800K generator)"
HUMAN_NOTE = "written by the labeler (human_completion)"
UNCHOSEN_NOTE = "labelling stopped here; first completion rated -1 (or the first) kept"
FLAGGED_NOTE = "flagged by the labeler"
RATINGS = (-1, 0, 1, None)
ROW_METADATA = (
    "labeler",
    "timestamp",
    "generation",
    "is_quality_control_question",
    "is_initial_screening_question",
)
QUESTION_METADATA = (
    "ground_truth_solution",
    "pre_generated_answer",
    "pre_generated_verifier_score",
)


def score(record: dict) -> float:
    label, question = record.get("label"), record.get("question")
    if (
        isinstance(label, dict)
        and "steps" in label
        and isinstance(question, dict)
        and "problem" in question
    ):
        return 10
    return 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    question = _require_dict(record, "question")
    label = _require_dict(record, "label")
    label_steps = _label_steps(label)
    pre_generated = question.get("pre_generated_steps")
    if pre_generated:
        texts, ratings, notes = _phase2_steps(pre_generated, label_steps)
    else:
        texts, ratings, notes = _phase1_steps(label_steps)
    if not texts:
        raise InvalidRecord("the solution has no steps")
    response, spans = spans_from_steps(texts, STEP_JOINER)
    _label_spans(spans, ratings, notes)
    problem = question.get("problem")
    if not isinstance(problem, str):
        raise InvalidRecord(f"field 'question.problem' must be a string, got {type_name(problem)}")
    answer = question.get("ground_truth_answer")
    source = {
        **scalar_fields(record, ROW_METADATA),
        **scalar_fields(question, QUESTION_METADATA),
        **scalar_fields(label, ("finish_reason", "total_time")),
        "phase": 2 if pre_generated else 1,
    }
    return TraceRecord(
        problem=problem,
        response=response,
        answer=answer if isinstance(answer, str) else "",
        teacher_model=teacher_from({}, (), options) or GENERATOR,
        source=source,
        steps=spans,
        steps_field="response",
    )


def _require_dict(record: dict, key: str) -> dict:
    value = record.get(key)
    if not isinstance(value, dict):
        raise InvalidRecord(f"field '{key}' must be an object, got {type_name(value)}")
    return value


def _label_steps(label: dict) -> list[dict]:
    steps = label.get("steps")
    if not isinstance(steps, list) or not all(isinstance(step, dict) for step in steps):
        raise InvalidRecord("field 'label.steps' must be a list of objects")
    return steps


def _completions(step: dict, index: int) -> list[dict]:
    completions = step.get("completions") or []
    if not isinstance(completions, list) or not all(
        isinstance(c, dict) and isinstance(c.get("text"), str) for c in completions
    ):
        raise InvalidRecord(
            f"label.steps[{index}].completions must be a list of {{text, rating}} objects"
        )
    return completions


def _rating(completion: dict, index: int) -> int | None:
    rating = completion.get("rating")
    if rating not in RATINGS or isinstance(rating, bool):
        raise InvalidRecord(
            f"label.steps[{index}] has rating {rating!r}; PRM800K ratings are -1, 0, +1"
        )
    return rating


def _phase2_steps(pre_generated: object, label_steps: list[dict]):
    """The model's full solution; each step rated by the completion carrying its text."""
    if not isinstance(pre_generated, list) or not all(isinstance(t, str) for t in pre_generated):
        raise InvalidRecord("field 'question.pre_generated_steps' must be a list of strings")
    ratings: list[int | None] = []
    notes: list[str] = []
    for index, text in enumerate(pre_generated):
        same = (
            [c for c in _completions(label_steps[index], index) if c["text"] == text]
            if index < len(label_steps)
            else []
        )
        ratings.append(_rating(same[0], index) if same else None)
        notes.append(FLAGGED_NOTE if same and same[0].get("flagged") else "")
    return pre_generated, ratings, notes


def _phase1_steps(label_steps: list[dict]):
    """The trajectory the labeler walked: chosen completions, or the labeler's own step."""
    texts: list[str] = []
    ratings: list[int | None] = []
    notes: list[str] = []
    for index, step in enumerate(label_steps):
        text, rating, note, last = _walked_step(step, index)
        texts.append(text)
        ratings.append(rating)
        notes.append(note)
        if last:
            break
    return texts, ratings, notes


def _walked_step(step: dict, index: int) -> tuple[str, int | None, str, bool]:
    completions = _completions(step, index)
    chosen = step.get("chosen_completion")
    if isinstance(chosen, int) and not isinstance(chosen, bool):
        if not 0 <= chosen < len(completions):
            raise InvalidRecord(f"label.steps[{index}].chosen_completion {chosen} is out of range")
        completion = completions[chosen]
        return (
            completion["text"],
            _rating(completion, index),
            FLAGGED_NOTE if completion.get("flagged") else "",
            False,
        )
    human = step.get("human_completion")
    if isinstance(human, str):
        human = {"text": human}
    if isinstance(human, dict) and isinstance(human.get("text"), str):
        rating = human.get("rating")
        return human["text"], 1 if rating is None else _rating(human, index), HUMAN_NOTE, False
    if not completions:
        raise InvalidRecord(f"label.steps[{index}] has no completion to follow")
    wrong = [c for c in completions if c.get("rating") == -1]
    completion = wrong[0] if wrong else completions[0]
    return completion["text"], _rating(completion, index), UNCHOSEN_NOTE, True


def _label_spans(spans: list[StepSpan], ratings: list[int | None], notes: list[str]) -> None:
    for span, rating, note in zip(spans, ratings, notes, strict=True):
        span.rating = rating
        span.note = note
