"""Rule-based step typing: every rule that labels a step, in the order they are tried.

A step is typed by how it opens (the move its first sentence makes, see ``moves``) and then by
what it contains. The first rule that fires gives the type; the types are the keys of the
default label schema. A project whose schema renames or drops a type still gets the types it
has: a type missing from the schema leaves the step untyped ("").

    opens with            contains                          type
    "Wait", "Hmm", "No,"  -                                 backtrack
    "Let me check" ...    -                                 verify
    "So the answer",      -                                 conclude
      "Therefore" ...
    "I remember that",    -                                 premise
      "We are given" ...
    "First", "Let's",     no calculation                    plan
      "Alternatively" ...
    anything              \\boxed{}, "final answer"          conclude
    anything              "check", "verify" in the opening  verify
    - (first step)        no calculation                    premise
    anything              a calculation                     compute
    anything              -                                 plan
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from .moves import (
    ALTERNATIVE, BACKTRACK, CONCLUDE, PLAN, RECALL, VERIFY, MoveMatcher, move_matcher,
)
from .schema import DEFAULT_LABEL_SCHEMA
from .steps import SegmentedStep

# Opening moves that decide the type on their own.
_TYPE_OF_MOVE = {
    BACKTRACK: "backtrack", VERIFY: "verify", CONCLUDE: "conclude", RECALL: "premise",
}
_PLANNING_MOVES = {PLAN, ALTERNATIVE}

# A digit and an operator ("2 + 3"), "=" and a value ("= 5"), or a LaTeX operator ("\frac"):
# ``\d\s*[-+*/×÷^=<>≤≥]\s*[\d(a-z\\]|[=≈]\s*-?[\d(\\]|\\(?:frac|sqrt|cdot|times|sum|int)\b``,
# spelled with one class of the three first characters and a look back to tell them apart,
# so that the regex engine skips to candidates in C (twice as fast; ``test_typing``).
_CALCULATION = re.compile(
    r"[\d=≈\\](?:(?<=\d)\s*[-+*/×÷^=<>≤≥]\s*[\d(a-z\\]|(?<=[=≈])\s*-?[\d(\\]"
    r"|(?<=\\)(?:frac|sqrt|cdot|times|sum|int)\b)"
)
# A character every match of ``_CALCULATION`` has (an operator, "=" or a backslash): one
# scan for it rules out the steps without one, at a fraction of ``_CALCULATION``'s price.
_CALCULATION_HINT = re.compile(r"[-+*/×÷^=<>≤≥≈\\]")
_BOXED = re.compile(r"\\boxed\s*\{")
_FINAL_ANSWER = re.compile(r"(?i)\bfinal answer\b")
# What every match of ``_FINAL_ANSWER`` holds once lower-cased: its letters n, a and l (no
# character but their own two cases matches them ignoring case, and each lowers to one
# character; "i" and "s" would not do: "ı", "İ", "ſ" match them and lower to something else).
# A substring test of the lowered step rules out most steps at a third of a regex scan's price.
_FINAL_ANSWER_HINT = "nal an"
_CHECKING = re.compile(r"(?i)\b(?:check|verify|verif(?:y|ies|ied|ication)|confirm|double[- ]check)")
# Every match of ``_CHECKING`` holds one of these once lower-cased (no character but the ASCII
# letters' own cases and the Kelvin sign, which lowers to "k", matches "c", "h", "e", "k",
# "o", "n", "f", "v" or "r" ignoring case; "i" matches "İ", which lowers to "i" and a combining
# dot, and "ı", which lowers to itself; "verif" would not do). Four substring tests rule out
# most openings at a third of ``_CHECKING``'s price ("ver" alone let "every", "however" and
# "over" through). ``_opens_with_checking`` spells them out.
_CHECKING_HINTS = ("check", "veri", "conf", "verı")
# What a step may start with before its first sentence: a list or step marker, a bold title.
_MARKER = re.compile(
    r"[ \t>#]*(?:\*\*|__)?(?:(?:step[ \t]*)?\d{1,3}[.):]|[-*+](?=\s))?(?:\*\*|__)?[ \t]*"
    r"(?:\*\*[^*\n]{1,80}\*\*[:.]?[ \t]*)?",
    re.IGNORECASE,
)
# What "s" of "step" matches ignoring case (the long s, "ſ", too).
_STEP_S = "sSſ"
_OPENING_CHARS = 200  # the "opening" of a step, where checking words count


def type_of(text: str, step: SegmentedStep, index: int, opening_move: str | None) -> str:
    """The default-schema type of ``step`` (the ``index``-th step of ``text``)."""
    if opening_move in _TYPE_OF_MOVE:
        return _TYPE_OF_MOVE[opening_move]
    return _type_by_content(text[step.start : step.end], index, opening_move in _PLANNING_MOVES)


def _type_by_content(body: str, index: int, plans: bool) -> str:
    """The type of a step whose opening move decides nothing by itself (``plans``: it opens
    with a planning move), as the table above says. The calculation scan, the dearest, runs
    only where the type depends on it: a step that concludes or checks without opening with a
    plan is typed before it."""
    if plans:
        if not _calculates(body):
            return "plan"
        if _gives_answer(body):
            return "conclude"
        return "verify" if _opens_with_checking(body) else "compute"
    if _gives_answer(body):
        return "conclude"
    if _opens_with_checking(body):
        return "verify"
    if _calculates(body):
        return "compute"
    return "premise" if index == 0 else "plan"


def _calculates(body: str) -> bool:
    """Whether ``body`` holds a calculation ("2 + 3", "= 5", "\\frac")."""
    return _CALCULATION_HINT.search(body) is not None and _CALCULATION.search(body) is not None


def _gives_answer(body: str) -> bool:
    """Whether ``body`` has a ``\\boxed{}`` or says "final answer"."""
    if _BOXED.search(body):
        return True
    return _FINAL_ANSWER_HINT in body.lower() and _FINAL_ANSWER.search(body) is not None


def _opens_with_checking(body: str) -> bool:
    """Whether "check", "verify", "confirm" ... are said in the opening of ``body``."""
    opening = body[:_OPENING_CHARS].lower()
    if not (
        "check" in opening or "veri" in opening or "conf" in opening or "verı" in opening
    ):
        return False
    return _CHECKING.search(body, 0, _OPENING_CHARS) is not None


def tag_steps(
    text: str, steps: Sequence[SegmentedStep], schema: Iterable[dict] | None = None
) -> None:
    """Set ``type`` on each step (in place) to a key of ``schema`` (default schema if None)."""
    keys = _schema_keys(DEFAULT_LABEL_SCHEMA if schema is None else schema)
    openings = _opening_moves(text, steps, move_matcher())
    # ``type_of``, spelled out: a worker types every step it cuts, so calls per step count.
    by_move, planning = _TYPE_OF_MOVE, _PLANNING_MOVES
    for index, (step, move) in enumerate(zip(steps, openings)):
        kind = by_move.get(move)
        if kind is None:
            kind = _type_by_content(text[step.start : step.end], index, move in planning)
        step.type = keys.get(kind, "")


def _opening_moves(text: str, steps: Sequence[SegmentedStep], matcher: MoveMatcher) -> list:
    return matcher.kinds(text, [_after_marker(text, step.start, step.end) for step in steps])


def _after_marker(text: str, start: int, end: int) -> int:
    """Where the step's first sentence starts: after its marker, if it has one. Only a
    character that is no letter, or "s" (of "Step 1."), may start a marker: most steps start
    with a word, and a look at its first character is cheaper than the regex."""
    first = text[start : start + 1]
    if first.isalpha() and first not in _STEP_S:
        return start
    return _MARKER.match(text, start, end).end()


def _schema_keys(schema: Iterable[dict]) -> dict[str, str]:
    """Default type -> the project's key for it, matched by key, then by name."""
    keys: dict[str, str] = {}
    for label in schema:  # each text's steps are typed against it: lower each label once
        said = (str(label.get("key", "")).lower(), str(label.get("name", "")).lower())
        for default in ("premise", "plan", "compute", "verify", "backtrack", "conclude"):
            if default in said:
                keys.setdefault(default, label["key"])
    return keys
