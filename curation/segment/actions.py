"""``actions``: one step per assistant action of a rendered agent transcript.

Ingest renders every trajectory the same way (``curation.traces.transcript``): each assistant
turn opens with the assistant marker on its own line, followed by its tool calls and then the
observations they caused, so cutting at the marker lines gives one step per action with its
observations attached. Text before the first marker (a task statement) is a step of its own,
so that every character belongs to a step. A text without markers is one step.

Math and code regions are scoped to one action: the markers are written by the renderer on
lines of their own, so a code fence an agent opened and never closed in one turn (common in
tool output) must not swallow the turns after it.
"""
from __future__ import annotations

from curation.traces.transcript import step_starts

from .context import Context, Draft, draft
from .regions import NO_REGIONS
from .spans import spans_from_cuts

DEFAULTS: dict = {}


def segment(ctx: Context, params: dict) -> list[Draft]:
    spans = spans_from_cuts(ctx.text, step_starts(ctx.text), NO_REGIONS)
    return [draft(start, end) for start, end in spans]
