"""Protected regions: math and code that a step boundary must never fall inside.

A cut inside ``$...$``, ``$$...$$``, ``\\[...\\]``, ``\\(...\\)``, ``\\begin{env}...\\end{env}``,
inline code or a fenced code block would hand a trainer half a formula, so every strategy
proposes cuts and ``Regions.allows`` vetoes those strictly inside a region. Fences are found
first (they are rare and win over the math inside them), then math by scanning from each
opening delimiter to its closer.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

# A code block: a run of three or more backticks (models open them mid-line too, as in
# "Here: ```python") up to the same run, or a tilde fence at a line start up to its closing
# line; an unclosed one runs to the end of the text, as in CommonMark.
_FENCE = re.compile(
    r"(?P<ticks>`{3,})(?:.*?(?<!`)(?P=ticks)(?!`)|.*\Z)"
    r"|^[ \t]*(?P<tildes>~{3,})[^\n]*(?:\n|\Z).*?(?:^[ \t]*(?P=tildes)~*[ \t]*$|\Z)",
    re.MULTILINE | re.DOTALL,
)

# An opening delimiter; escaped backslashes and dollars are matched too, so that they open
# nothing ("\\[2pt]" is a line break, "\$5" a price): ``\\[\\$]``, ``\$\$?``, ``\\[``, ``\\(``,
# ``\\begin{env}`` (group 1: env) or a run of backticks. Spelled as one class of the first
# characters, then the rest told apart by looking back at it: the engine then skips to those
# characters in C, six times faster than trying every alternative at every character.
_OPENER = re.compile(r"[\\$`](?:(?<=\\)(?:[\\$\[(]|begin\{([A-Za-z*]+)\})|(?<=\$)\$?|(?<=`)`*)")
_CLOSER = {"$$": "$$", "\\[": "\\]", "\\(": "\\)"}
# Display math longer than this is taken for an unclosed opener (keeps the scan linear).
_MAX_DISPLAY = 20_000
# Inline ``$`` follows pandoc: the opening ``$`` is followed by a non-space, the closing one
# preceded by a non-space and not followed by a digit ("costs $5 and $6" is not math), and
# inline math never spans a blank line.
_INLINE = re.compile(r"\$(?=\S)(?:[^$\\\n]|\\.|\n(?![ \t]*\n))+?(?<=\S)\$(?!\d)", re.DOTALL)
_MATH_CHARS = ("$", "\\", "`")


@dataclass(frozen=True, slots=True)
class Regions:
    """Sorted, non-overlapping protected spans ``[start, end)`` of one text."""

    starts: tuple[int, ...]
    ends: tuple[int, ...]

    def allows(self, pos: int) -> bool:
        """True when a step boundary may fall at ``pos`` (not strictly inside a region)."""
        i = bisect_right(self.starts, pos) - 1
        return i < 0 or pos >= self.ends[i] or pos == self.starts[i]

    def filter(self, cuts: Iterable[int]) -> list[int]:
        """The cuts that ``allows``, in order (``cuts`` must be sorted)."""
        if not self.starts:
            return list(cuts)
        kept = []
        i, n = 0, len(self.starts)
        for pos in cuts:
            while i < n and self.ends[i] <= pos:
                i += 1
            if i == n or pos <= self.starts[i]:
                kept.append(pos)
        return kept

    def __iter__(self):
        return iter(zip(self.starts, self.ends))


NO_REGIONS = Regions((), ())


def find_regions(text: str) -> Regions:
    """The math and code regions of ``text``."""
    spans: list[tuple[int, int]] = []
    gaps = [(0, len(text))]
    # (A one-character test first: it scans far faster than a three-character one.)
    if ("`" in text and "```" in text) or ("~" in text and "~~~" in text):
        fences = [(m.start(), m.end()) for m in _FENCE.finditer(text)]
        # Without the indent and line ends around them: a step may end just before a space.
        spans.extend(_trimmed(text, start, end) for start, end in fences)
        gaps = _gaps(fences, len(text))
    if any(ch in text for ch in _MATH_CHARS):
        for start, end in gaps:
            spans.extend(_math_regions(text, start, end))
        spans.sort()
    return Regions(tuple(s for s, _ in spans), tuple(e for _, e in spans))


def _math_regions(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Math and inline-code regions of ``text[start:end]``, scanning from opener to closer
    (``str.find`` for the closer: far faster than a lazy regex over long formulas)."""
    found = []
    pos = start
    while (opener := _OPENER.search(text, pos, end)) is not None:
        close = _closing_end(text, opener, end)
        if close is None:
            pos = opener.end()
        else:
            found.append((opener.start(), close))
            pos = close
    return found


def _closing_end(text: str, opener: re.Match, end: int) -> int | None:
    """Where the region opened by ``opener`` ends, or None when it opens none."""
    token = opener.group()
    if token in ("\\\\", "\\$"):
        return None
    if token == "$":
        inline = _INLINE.match(text, opener.start(), end)
        return inline.end() if inline else None
    if token.startswith("`"):
        return _code_end(text, opener, end)
    closer = f"\\end{{{opener.group(1)}}}" if token.startswith("\\begin") else _CLOSER[token]
    limit = min(end, opener.end() + _MAX_DISPLAY)
    found = text.find(closer, opener.end() + 1, limit)  # at least one character inside
    return None if found == -1 else found + len(closer)


def _code_end(text: str, opener: re.Match, end: int) -> int | None:
    """Inline code: the same run of backticks later on the same line."""
    ticks = opener.group()
    line_end = text.find("\n", opener.end(), end)
    line_end = end if line_end == -1 else line_end
    pos = opener.end() + 1  # at least one character of code
    while (found := text.find(ticks, pos, line_end)) != -1:
        after = found + len(ticks)
        if text[found - 1] != "`" and text[after : after + 1] != "`":
            return after
        pos = after
    return None


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    piece = text[start:end]
    return start + len(piece) - len(piece.lstrip()), start + len(piece.rstrip())


def _gaps(spans: list[tuple[int, int]], length: int) -> list[tuple[int, int]]:
    gaps, pos = [], 0
    for start, end in spans:
        gaps.append((pos, start))
        pos = end
    gaps.append((pos, length))
    return gaps
