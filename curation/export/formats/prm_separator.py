"""``prm_separator``: the step-separator layout of Qwen's process reward models.

Qwen2.5-Math-PRM reads a solution as one assistant text with a separator token after every
step (``<extra_0>``) and scores the hidden state at each separator; its training data is the
same text with one label per separator. ``response`` is the steps, each followed by
``step_separator``; ``labels`` holds one 0/1 per separator (1: a good step, through
``BuildOptions.label_for_rating``, the same mapping as ``prm``). The raw ``ratings`` ride along.
A step's own text never contains the separator: an occurrence is replaced by a space, so the
separators and the labels always line up.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace

STEP_SEPARATOR = "<extra_0>"

SCHEMA = pa.schema(
    [
        ("prompt", pa.string()),
        ("response", pa.string()),
        ("labels", pa.list_(pa.int64())),
        ("ratings", pa.list_(pa.int64())),
        ("step_separator", pa.string()),
        ("trace_id", pa.int64()),
        ("segmentation_id", pa.int64()),
        ("revision", pa.int64()),
        ("version", pa.int64()),
    ]
)


def label_of(rating: int | None, options: BuildOptions) -> int:
    return int(options.label_for_rating(rating))


def separator_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per trace that has steps."""
    if not trace.steps:
        return
    steps = [trace.step_text(s).strip().replace(STEP_SEPARATOR, " ") for s in trace.steps]
    ratings = [step.rating for step in trace.steps]
    yield {
        "prompt": trace.problem,
        "response": "".join(step + STEP_SEPARATOR for step in steps),
        "labels": [label_of(r, options) for r in ratings],
        "ratings": ratings,
        "step_separator": STEP_SEPARATOR,
        "trace_id": trace.trace_id,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "version": options.version,
    }
