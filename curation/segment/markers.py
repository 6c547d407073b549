"""Markers of a structured solution: ``Step N``, numbered items, headings, bullets, and the
step titles they carry. ``solution`` cuts at them.

The strongest kind present at least twice decides: ``Step N`` markers (``**Step N**``,
``### Step N:``, ``Step N.``), else the items of the top-level numbered list, else markdown
headings, else top-level bullets. Numbers must run 1, 2, 3 ... so a nested list restarting at
1, or a year at a line start, is not taken for a step. Headings start steps alongside numbered
steps, except a trailing "Final Answer" heading, which stays with the last step.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator



def _at_line_start(body: str, flags: int = 0) -> tuple[re.Pattern, re.Pattern]:
    """A pattern anchored at line starts, and its scanner: the same body after a literal
    newline, run over "\n" + text (``_Lines.find``). The scanner's matches start where the
    anchored pattern's do, but the regex engine jumps from newline to newline instead of
    trying the anchor at every position (several times faster on long traces)."""
    return re.compile("^" + body, flags | re.MULTILINE), re.compile("\n" + body, flags)


_STEP, _STEP_SCAN = _at_line_start(
    r"[ \t>]*(?:#{1,6}[ \t]*)?(?:\*\*|__)?[ \t]*step[ \t]*(\d{1,3})\b", re.IGNORECASE
)
_NUMBERED, _NUMBERED_SCAN = _at_line_start(
    r"([ \t]*)(?:\*\*)?(\d{1,3})(?:[.)]|\*\*[.)]?)(?:\*\*)?[ \t]+(?=\S)"
)
_HEADING, _HEADING_SCAN = _at_line_start(r"[ \t]{0,3}#{1,6}[ \t]+(?=\S)")
_BULLET, _BULLET_SCAN = _at_line_start(r"[-*+][ \t]+(?=\S)")
_BLANK_LINE = re.compile(r"\n[ \t]*\n\s*")
# In one-line text (steps joined by spaces) markers follow a sentence end instead of a newline.
_INLINE_STEP = re.compile(r"(?i)(?:^|(?<=\s))(?:\*\*)?step[ \t]*(\d{1,3})\b")
# ("... a multiple of 2. 2. That means": the first "2." ends a sentence, the second is a marker.)
_INLINE_NUMBERED = re.compile(r"(?:^|(?<=\s))()(\d{1,2})[.)][ \t]+(?=\S)(?!\d{1,2}[.)]\s)")

_TITLE_BOLD = re.compile(r"[ \t]*\*\*([^*\n]{1,80}?)[:.]?\*\*")
_STEP_TITLE = re.compile(
    r"(?i)[ \t>#*_]*step[ \t]*\d{1,3}[ \t]*[:.)\-–—]?[ \t]*([^\n*]{0,80}?)[ \t]*[*_]*[ \t]*$"
)
_HEADING_TEXT = re.compile(r"[ \t]*#{1,6}[ \t]+(?:\*\*)?([^\n*]{1,80}?)(?:\*\*)?[ \t]*:?[ \t]*$")
_ANSWER_HEADING = re.compile(
    r"(?i)[ \t#>*_]*(final[ \t]+answer|answer|conclusion|summary|result)\b"
)


def marker_cuts(text: str) -> tuple[list[int], dict[int, str]] | None:
    """Cut positions at the strongest kind of marker present, with the steps' titles."""
    lines = _Lines(text)
    step = _consecutive(lines.find(_STEP_SCAN))
    if len(step) >= 2:
        return _with_headings(lines, step), {p: _step_title(text, p) for p in step}
    outline = _Outline(text)
    items = (m for m in lines.find(_NUMBERED_SCAN) if outline.holds(m.start(), _NUMBERED))
    numbered = _top_level(items)
    if len(numbered) >= 2:
        return _with_headings(lines, numbered), {p: _bold_title(text, p) for p in numbered}
    headings = lines.headings()
    if len(headings) >= 2:
        return _drop_answer_heading(text, headings), {p: _heading_title(text, p) for p in headings}
    bullets = [p for p in lines.starts(_BULLET_SCAN) if outline.holds(p, _BULLET, True)]
    if len(bullets) >= 2:
        return bullets, {p: _bold_title(text, p) for p in bullets}
    if "\n" not in text.strip():
        inline = _consecutive(_INLINE_STEP.finditer(text)) or _consecutive(
            _INLINE_NUMBERED.finditer(text), group=2
        )
        if len(inline) >= 2:
            return inline, {p: _bold_title(text, p) for p in inline}
    return None


class _Lines:
    """A text prepared for the line-start scanners (``_at_line_start``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._padded = "\n" + text  # a match at padded[p] is the line that starts at text[p]
        self._headings: list[int] | None = None

    def find(self, scanner: re.Pattern) -> Iterator[re.Match]:
        """Matches at line starts; ``start()`` and the groups are those of ``text``."""
        return scanner.finditer(self._padded)

    def starts(self, scanner: re.Pattern) -> list[int]:
        return [m.start() for m in scanner.finditer(self._padded)]

    def headings(self) -> list[int]:
        """Where the markdown headings start (found once: two kinds of steps use them)."""
        if self._headings is None:
            self._headings = self.starts(_HEADING_SCAN)
        return self._headings


class _Outline:
    """Which list items belong to the outline of a solution rather than to a paragraph.

    An item is a step when its list is part of the text's outline: it starts a blank-line
    block, or sits in a block that is itself a list (begins with an item of the same kind).
    "First, the books:\n- a\n- b" is one step with details, not three steps. In a text
    without blank lines a numbered list is the outline; a bulleted one only when the text
    starts with it.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._block_starts: list[int] | None = None

    @property
    def block_starts(self) -> list[int]:
        """Where each block's first line starts (the first block: after leading whitespace);
        found on first use, as most texts have no list item to ask about."""
        if self._block_starts is None:
            text = self.text
            starts = [len(text) - len(text.lstrip())]
            self._block_starts = starts + [m.end() for m in _BLANK_LINE.finditer(text)]
        return self._block_starts

    def holds(self, pos: int, marker: re.Pattern, strict: bool = False) -> bool:
        """Whether the item at ``pos`` is part of the outline (``strict``: bullets)."""
        block_starts = self.block_starts
        if len(block_starts) == 1 and not strict:
            return True
        first = block_starts[max(0, bisect_right(block_starts, pos) - 1)]
        return pos <= first or marker.match(self.text, first) is not None


def _consecutive(matches: Iterable[re.Match], group: int = 1) -> list[int]:
    """Positions of the markers numbered 1, 2, 3 ... (or 0, 1, 2 ...) in order; markers out of
    sequence (a nested list, a reference to an earlier step) are skipped."""
    positions = []
    expected = None
    for match in matches:
        number = int(match.group(group))
        if expected is None and number in (0, 1):
            expected = number
        if number == expected:
            positions.append(match.start())
            expected += 1
    return positions


def _top_level(matches: Iterable[re.Match]) -> list[int]:
    """Consecutive numbered items at the smallest indentation (nested lists are indented)."""
    items = list(matches)
    if not items:
        return []
    indent = min(len(m.group(1).expandtabs(4)) for m in items)
    return _consecutive((m for m in items if len(m.group(1).expandtabs(4)) == indent), group=2)


def _with_headings(lines: _Lines, cuts: list[int]) -> list[int]:
    """Markdown headings also start steps, except a final-answer heading at the end."""
    return _drop_answer_heading(lines.text, sorted(set(cuts) | set(lines.headings())))


def _drop_answer_heading(text: str, cuts: list[int]) -> list[int]:
    if cuts and _ANSWER_HEADING.match(text, cuts[-1]) and _HEADING.match(text, cuts[-1]):
        return cuts[:-1]
    return cuts


def _step_title(text: str, pos: int) -> str:
    line = text[pos : _line_end(text, pos)]
    if not (line.lstrip(" \t>").startswith(("#", "**", "__"))):
        return ""  # "Step 3. We now ..." is a step, not a heading with a title
    match = _STEP_TITLE.match(line)
    return match.group(1).strip() if match else ""


def _bold_title(text: str, pos: int) -> str:
    """The title of ``1. **Title** action``: bold text right after the marker."""
    marker = (
        _NUMBERED.match(text, pos) or _BULLET.match(text, pos) or _INLINE_NUMBERED.match(text, pos)
    )
    start = marker.end() if marker else pos
    match = _TITLE_BOLD.match(text, start)
    return match.group(1).strip() if match else ""


def _heading_title(text: str, pos: int) -> str:
    match = _HEADING_TEXT.match(text[pos : _line_end(text, pos)])
    return match.group(1).strip() if match else ""


def _line_end(text: str, pos: int) -> int:
    end = text.find("\n", pos)
    return len(text) if end == -1 else end
