"""Reading model output that may be malformed, truncated, over-long or hostile.

Every reader returns a value or a ``Discard`` with a reason from the fixed list below; none
raises. Reasons are counted per job, so a lead sees "12 out-of-range, 3 truncated" rather than
a crashed job or, worse, a label built from a wrong index.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import orjson

EMPTY = "empty"
TRUNCATED = "truncated"
OVER_LONG = "over-long"
NO_ANSWER = "no-answer"
NOT_AN_INTEGER = "not-an-integer"
OUT_OF_RANGE = "out-of-range"
MALFORMED_JSON = "malformed-json"
FORMAT = "format"
ANSWER_CHANGED = "answer-changed"
NOT_FOLLOWING = "not-following"
NO_VALID_SAMPLE = "no-valid-sample"
ENDPOINT = "endpoint-error"
CANCELLED = "cancelled"
INTERNAL = "internal-error"

MAX_OUTPUT_CHARS = 200_000
_INTEGER = re.compile(r"[+-]?\d{1,9}")


@dataclass(frozen=True)
class Discard:
    """Why an output was not used."""

    reason: str
    detail: str = ""


def screen(text: str, *, truncated: bool = False, max_chars: int = MAX_OUTPUT_CHARS) -> Discard | None:
    """The reason to drop ``text`` before reading it at all, or None."""
    if not text or not text.strip():
        return Discard(EMPTY)
    if len(text) > max_chars:
        return Discard(OVER_LONG, f"{len(text)} characters")
    if truncated:
        return Discard(TRUNCATED, "the model stopped at its token limit")
    return None


def last_boxed(text: str) -> str | None:
    """The content of the last ``\\boxed{...}`` (braces balanced), or None."""
    start = text.rfind("\\boxed{")
    if start == -1:
        return None
    depth, i = 0, start + len("\\boxed")
    for j in range(i, min(len(text), i + 2000)):
        depth += {"{": 1, "}": -1}.get(text[j], 0)
        if depth == 0:
            return text[i + 1 : j]
    return None


def index_in_range(raw: Any, low: int, high: int) -> int | Discard:
    """``raw`` (text or JSON value) as a whole number in ``[low, high]``, or a Discard."""
    if isinstance(raw, bool) or isinstance(raw, float):
        return Discard(NOT_AN_INTEGER, repr(raw)[:40])
    if isinstance(raw, str):
        cleaned = raw.strip().strip("$").strip()
        if not _INTEGER.fullmatch(cleaned):
            return Discard(NOT_AN_INTEGER, cleaned[:40])
        raw = int(cleaned)
    if not isinstance(raw, int):
        return Discard(NOT_AN_INTEGER, type(raw).__name__)
    if not low <= raw <= high:
        return Discard(OUT_OF_RANGE, f"{raw} not in [{low}, {high}]")
    return raw


def json_object(text: str) -> dict | Discard:
    """The JSON object in ``text`` (a code fence or prose around it is tolerated)."""
    start, end = text.find("{"), text.rfind("}")
    if start == -1 or end <= start:
        return Discard(MALFORMED_JSON, "no JSON object")
    try:
        value = orjson.loads(text[start : end + 1])
    except orjson.JSONDecodeError:
        return Discard(MALFORMED_JSON, "invalid JSON")
    return value if isinstance(value, dict) else Discard(MALFORMED_JSON, "not an object")
