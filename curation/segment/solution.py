"""``solution``: the SRL paper's steps of a structured final solution.

One step per ``Step N`` marker, top-level numbered item, markdown heading or top-level bullet
(``markers`` says which kind decides), with the text before the first marker as a step of its
own and ``1. **Title** action`` giving the step the title "Title".

A solution without markers is cut by its own layout: blank-line blocks when it has them, else
lines (a line that continues an equation, a list or a clause joins the one before, see
``lines``), else sentences. Of blank-line blocks, only the plainest continuations join: a
lead-in and the display equation it introduces ("We have" / ``\\[ ... \\]``), and a display
equation and the lower-case clause after it ("where ..."): a lone "We have" is no step to label.
A last block that only states the final answer ("**Final Answer**", a lone ``\\boxed{}``) joins
the step before it.
"""
from __future__ import annotations

import re

from .context import Context, Draft, draft
from .lines import DISPLAY_END, DISPLAY_START, continues
from .markers import marker_cuts
from .paragraphs import blocks_of
from .sentences import boundaries
from .spans import Span, spans_from_cuts

DEFAULTS: dict = {}

# A block that does nothing but state the answer.
_ANSWER_ONLY = re.compile(
    r"(?is)\s*(?:[#*_ \t]*(?:final[ \t]+answer|answer)[*_ \t]*[:.]?[*_ \t]*(?:\n|$).*"
    r"|(?:\\\[|\$\$|\\\(|\$)?\s*\\boxed\{.*\}\s*(?:\\\]|\$\$|\\\)|\$)?\s*\.?\s*)"
)
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def segment(ctx: Context, params: dict) -> list[Draft]:
    text = ctx.text
    marked = marker_cuts(text)
    if marked:
        cuts, titles = marked
        spans = spans_from_cuts(text, cuts, ctx.regions)
        return [draft(s, e, title=titles.get(s, "")) for s, e in spans]
    spans = _layout_spans(ctx)
    return [draft(s, e) for s, e in _merge_answer_only(text, spans)]


def _layout_spans(ctx: Context) -> list[Span]:
    """Steps of a solution without markers: blocks, else lines, else sentences."""
    text = ctx.text
    body = text.strip()
    if _BLANK_LINE.search(body):
        return _joined_blocks(text, blocks_of(ctx))
    if "\n" in body:
        return spans_from_cuts(text, _line_cuts(text), ctx.regions)
    return spans_from_cuts(text, _sentence_cuts(text), ctx.regions)


def _joined_blocks(text: str, blocks: list[Span]) -> list[Span]:
    """The blocks, each joined to the one before when it carries on that block's sentence."""
    joined: list[Span] = []
    for start, end in blocks:
        if joined and _carries_on(_last_line(text, joined[-1]), text[start:end].lstrip()):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
    return joined


def _carries_on(previous: str, block: str) -> bool:
    if DISPLAY_START.match(block):
        return previous[-1:] not in ".!?"
    return bool(DISPLAY_END.search(previous)) and block[:1].islower()


def _last_line(text: str, span: Span) -> str:
    start, end = span
    return text[start:end].rstrip().rsplit("\n", 1)[-1] or " "


def _line_cuts(text: str) -> list[int]:
    """Starts of the lines that begin a new step (see ``lines.continues``)."""
    cuts = []
    previous = ""
    pos = 0
    for line in text.splitlines(keepends=True):
        stripped = line.strip()
        if stripped:
            if previous and not continues(previous, line):
                cuts.append(pos + len(line) - len(line.lstrip()))
            previous = stripped
        pos += len(line)
    return cuts


def _sentence_cuts(text: str) -> list[int]:
    """In one-line text nothing but sentences shows where a step may end: cut at each."""
    return [pos for pos, _ in boundaries(text)]


def _merge_answer_only(text: str, spans: list[Span]) -> list[Span]:
    """A last span that only states the answer joins the span before it."""
    if len(spans) > 1 and _ANSWER_ONLY.fullmatch(text, *spans[-1]):
        return [*spans[:-2], (spans[-2][0], spans[-1][1])]
    return spans
