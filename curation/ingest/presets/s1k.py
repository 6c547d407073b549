"""s1K / s1K-1.1 (simplescaling): one row per question with a teacher's thinking and attempt.

s1K-1.1 columns: ``question``, ``solution`` (the reference solution), ``cot_type``,
``source_type``, ``metadata``, ``deepseek_thinking_trajectory`` / ``deepseek_attempt`` /
``deepseek_grade``, ``gemini_thinking_trajectory`` / ``gemini_attempt`` / ``gemini_grade``.
The original s1K has ``thinking_trajectories`` (a one-item list) and ``attempt`` from Gemini.
"""

from __future__ import annotations

from curation.traces.records import InvalidRecord, TraceRecord
from ._fields import as_list, optional_str, require_str, scalar_fields, teacher_from, type_name

NAME = "s1k"
DESCRIPTION = "s1K-style rows: question, <teacher>_thinking_trajectory, <teacher>_attempt, solution"
OPTIONS = {
    "teacher": 'which teacher\'s columns to import: "deepseek" (default when present) or "gemini"',
    "teacher_model": "the exact teacher name to record instead of the generic one",
}

TEACHERS = {
    "deepseek": (
        "deepseek_thinking_trajectory",
        "deepseek_attempt",
        "deepseek_grade",
        "DeepSeek-R1",
    ),
    "gemini": (
        "gemini_thinking_trajectory",
        "gemini_attempt",
        "gemini_grade",
        "Gemini 2.0 Flash Thinking",
    ),
}
V1_COLUMNS = ("thinking_trajectories", "attempt")  # s1K 1.0: Gemini only
METADATA = ("cot_type", "source_type", "metadata")


def score(record: dict) -> float:
    if "question" not in record:
        return 0
    has_teacher = any(TEACHERS[t][0] in record for t in TEACHERS) or V1_COLUMNS[0] in record
    return 9 if has_teacher else 0


def matches(record: dict) -> bool:
    return score(record) > 0


def to_trace(record: dict, options: dict) -> TraceRecord:
    teacher = _choose_teacher(record, options)
    if teacher == "v1":
        reasoning, response, grade, model = (
            _v1_reasoning(record),
            optional_str(record, "attempt"),
            None,
            TEACHERS["gemini"][3],
        )
    else:
        thinking_key, attempt_key, grade_key, model = TEACHERS[teacher]
        reasoning = require_str(record, thinking_key)
        response = optional_str(record, attempt_key)
        grade = record.get(grade_key)
    source = {
        "teacher": "gemini" if teacher == "v1" else teacher,
        **scalar_fields(record, METADATA),
    }
    if isinstance(grade, (str, bool, int)):
        source["grade"] = grade
    return TraceRecord(
        problem=require_str(record, "question"),
        reasoning=reasoning,
        response=response,
        answer=optional_str(record, "solution"),
        teacher_model=teacher_from({}, (), options) or model,
        source=source,
    )


def _choose_teacher(record: dict, options: dict) -> str:
    chosen = options.get("teacher")
    if chosen is not None and chosen not in TEACHERS:
        raise InvalidRecord(f"option 'teacher' must be one of {sorted(TEACHERS)}, got {chosen!r}")
    if chosen is None:  # default: DeepSeek where the row has it, else Gemini, else s1K 1.0
        chosen = next((t for t in TEACHERS if record.get(TEACHERS[t][0]) is not None), None)
    if chosen is None and record.get(V1_COLUMNS[0]) is not None:
        return "v1"
    if chosen is None:
        raise InvalidRecord(
            "no thinking trajectory column (deepseek_thinking_trajectory, "
            "gemini_thinking_trajectory or thinking_trajectories)"
        )
    return chosen


def _v1_reasoning(record: dict) -> str:
    value = as_list(record["thinking_trajectories"])
    if isinstance(value, str):
        return value
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise InvalidRecord(
            f"field 'thinking_trajectories' must be a list of strings, got {type_name(value)}"
        )
    return "\n\n".join(value)
