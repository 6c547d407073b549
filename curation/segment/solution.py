"""``solution``: the SRL paper's steps of a structured final solution.

One step per ``Step N`` marker, top-level numbered item, markdown heading or top-level bullet
(``markers`` says which kind decides), with the text before the first marker as a step of its
own and ``1. **Title** action`` giving the step the title "Title".

A solution without markers is cut by its own layout: blank-line blocks when it has them, else
lines (a line that continues an equation, a list or a clause joins the one before, see
``lines``), else sentences. A last block that only states the final answer ("**Final Answer**",
a lone ``\\boxed{}``) joins the step before it.
"""
from __future__ import annotations

import re

from .context import Context, Draft, draft
from .lines import continues
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
        return blocks_of(ctx)
    if "\n" in body:
        return spans_from_cuts(text, _line_cuts(text), ctx.regions)
    return spans_from_cuts(text, _sentence_cuts(text), ctx.regions)


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
