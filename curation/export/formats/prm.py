"""``prm``: TRL's stepwise-supervision format, for process reward models.

``prompt`` is the problem, ``completions`` the steps in order, ``labels`` one boolean per step
from the step's rating through ``BuildOptions.label_for_rating`` (default: +1 is True, anything
else False, as TRL's PRM800K converter does). The raw ``ratings`` ride along so a trainer can
choose another mapping without a rebuild. A trace without steps has no PRM row.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace

SCHEMA = pa.schema(
    [
        ("prompt", pa.string()),
        ("completions", pa.list_(pa.string())),
        ("labels", pa.list_(pa.bool_())),
        ("ratings", pa.list_(pa.int64())),
        ("step_types", pa.list_(pa.string())),
        ("trace_id", pa.int64()),
        ("segmentation_id", pa.int64()),
        ("revision", pa.int64()),
        ("version", pa.int64()),
    ]
)


def prm_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per trace that has steps."""
    if not trace.steps:
        return
    ratings = [step.rating for step in trace.steps]
    yield {
        "prompt": trace.problem,
        "completions": [trace.step_text(step).strip() for step in trace.steps],
        "labels": [options.label_for_rating(rating) for rating in ratings],
        "ratings": ratings,
        "step_types": [step.type for step in trace.steps],
        "trace_id": trace.trace_id,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "version": options.version,
    }
