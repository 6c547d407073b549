"""``prm_steptag``: Math-Shepherd's step-tag layout (also what OpenRLHF's PRM trainer read).

``input`` is the problem, a newline, then the steps one per line, each ending with `` ки`` (the
step tag, one token in the Mistral/Llama vocabularies these PRMs were trained on); ``label`` is
the same text with each tag replaced by ``+`` (a good step, through
``BuildOptions.label_for_rating``) or ``-``; ``value`` lists those labels in order, the form a
trainer given ``--placeholder_token ки --reward_tokens + -`` expects. A step's own newlines
become spaces and its own tags are removed, so there is exactly one tag per step.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace

STEP_TAG = "ки"
GOOD, BAD = "+", "-"

SCHEMA = pa.schema(
    [
        ("input", pa.string()),
        ("label", pa.string()),
        ("value", pa.list_(pa.string())),
        ("ratings", pa.list_(pa.int64())),
        ("trace_id", pa.int64()),
        ("segmentation_id", pa.int64()),
        ("revision", pa.int64()),
        ("version", pa.int64()),
    ]
)


def label_of(rating: int | None, options: BuildOptions) -> str:
    return GOOD if options.label_for_rating(rating) else BAD


def _one_line(text: str) -> str:
    return " ".join(text.replace(STEP_TAG, " ").split())


def steptag_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per trace that has steps."""
    if not trace.steps:
        return
    steps = [_one_line(trace.step_text(s)) for s in trace.steps]
    ratings = [step.rating for step in trace.steps]
    values = [label_of(r, options) for r in ratings]
    problem = _one_line(trace.problem)
    yield {
        "input": problem + "\n" + "\n".join(f"{step} {STEP_TAG}" for step in steps),
        "label": problem + "\n" + "\n".join(f"{s} {v}" for s, v in zip(steps, values, strict=True)),
        "value": values,
        "ratings": ratings,
        "trace_id": trace.trace_id,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "version": options.version,
    }
