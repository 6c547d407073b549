"""When a line break does not end a step: the line after it continues the line before.

Models break lines inside a step to set off an equation, to list details after a colon, or
to wrap an expression; they also break lines between steps. These rules tell the two apart
from the two lines alone, for ``solution`` (text without blank lines) and ``discourse``.
"""
from __future__ import annotations

import re

# The line before ends mid-sentence or mid-expression.
_OPEN_END = re.compile(r"[:,;=+\-*/\\&]\s*$")
# The line starts by closing or extending what came before.
_CONTINUING_START = re.compile(r"[,.;=+*/^_&|]|\\[\])]|\\end\b")
DISPLAY_START = re.compile(r"\\\[|\$\$|\\begin\{")
DISPLAY_END = re.compile(r"(?:\\\]|\$\$|\\end\{[^}]*\})\s*[.,;]?\s*$")
_LIST_ITEM = re.compile(r"[ \t]*(?:[-*+]|\d{1,3}[.)])[ \t]")


def continues(previous: str, line: str) -> bool:
    """Whether ``line`` continues the step whose last line is ``previous`` (both non-blank)."""
    previous = previous.rstrip()
    body = line.lstrip()
    if _OPEN_END.search(previous) or _CONTINUING_START.match(body) or DISPLAY_START.match(body):
        return True
    # A lower-case start continues a sentence, unless the line before ended one.
    if body[:1].islower() and previous[-1:] not in ".!?":
        return True
    if _LIST_ITEM.match(line) and _LIST_ITEM.match(previous):
        return True
    # After a display equation the step goes on, unless a new sentence starts (a capital).
    return bool(DISPLAY_END.search(previous)) and not body[:1].isupper()
