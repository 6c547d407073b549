"""``prm800k``: PRM800K's raw layout, the human ratings as they are (-1, 0, +1, or null).

One row per trace with steps, shaped like a PRM800K phase-1 line: ``question`` holds the problem
and the reference answer, ``label.steps`` one entry per step with a single completion (its text,
its rating, flagged false) chosen as completion 0. No mapping to booleans is applied: a trainer
decides what 0 means. Stepwise's own ``prm800k`` import preset reads these rows back.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace

COMPLETION = pa.struct([("text", pa.string()), ("rating", pa.int64()), ("flagged", pa.bool_())])
STEP = pa.struct([("completions", pa.list_(COMPLETION)), ("chosen_completion", pa.int64())])
QUESTION = pa.struct([("problem", pa.string()), ("ground_truth_answer", pa.string())])
LABEL = pa.struct([("steps", pa.list_(STEP)), ("finish_reason", pa.string())])

SCHEMA = pa.schema(
    [
        ("question", QUESTION),
        ("label", LABEL),
        ("trace_id", pa.int64()),
        ("segmentation_id", pa.int64()),
        ("revision", pa.int64()),
        ("version", pa.int64()),
    ]
)


def prm800k_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per trace that has steps."""
    if not trace.steps:
        return
    steps = [
        {"completions": [{"text": trace.step_text(s).strip(), "rating": s.rating,
                          "flagged": False}], "chosen_completion": 0}
        for s in trace.steps
    ]
    yield {
        "question": {"problem": trace.problem, "ground_truth_answer": trace.answer},
        "label": {"steps": steps, "finish_reason": "solution"},
        "trace_id": trace.trace_id,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "version": options.version,
    }
