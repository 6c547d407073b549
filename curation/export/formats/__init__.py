"""The export formats: one module per format, each a pure row maker plus its Parquet schema.

A row maker is ``(ExportTrace, BuildOptions) -> Iterator[dict]``; its dict keys are exactly
the schema's field names, in the schema's order, for every row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyarrow as pa

from curation.export.formats import prm, sft, srl, steps
from curation.export.options import BuildOptions
from curation.export.records import ExportTrace

RowMaker = Callable[[ExportTrace, BuildOptions], Iterator[dict]]


@dataclass(frozen=True, slots=True)
class RowFormat:
    name: str
    make_rows: RowMaker
    schema: pa.Schema
    summary: str  # one line for the dataset card


FORMATS: dict[str, RowFormat] = {
    fmt.name: fmt
    for fmt in (
        RowFormat("srl", srl.srl_rows, srl.SCHEMA,
                  "one row per (trace, step k): problem + expert steps before k -> step k"),
        RowFormat("prm", prm.prm_rows, prm.SCHEMA,
                  "TRL stepwise supervision: prompt, completions (steps), labels"),
        RowFormat("sft", sft.sft_rows, sft.SCHEMA,
                  "chat messages: problem -> <think>reasoning</think> response"),
        RowFormat("steps", steps.steps_rows, steps.SCHEMA,
                  "the segmentation itself: trace fields, spans, types, ratings, notes"),
    )
}
