"""The export formats: one module per format, each a pure row maker plus its Parquet schema.

A row maker is ``(ExportTrace, BuildOptions) -> Iterator[dict]``; its dict keys are exactly
the schema's field names, in the schema's order, for every row.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from curation.export.formats import prm, prm800k, prm_separator, prm_steptag, sft, srl, steps
from curation.export.options import BuildOptions
from curation.export.records import ExportTrace

RowMaker = Callable[[ExportTrace, BuildOptions], Iterator[dict]]
StepLabel = Callable[[int | None, BuildOptions], Any]  # a step's rating -> the label written

RATING_KEYS = {"-1": -1, "0": 0, "+1": 1, "unrated": None}


@dataclass(frozen=True, slots=True)
class RowFormat:
    name: str
    make_rows: RowMaker
    schema: pa.Schema
    summary: str  # one line for the dataset card
    label_of: StepLabel | None = None  # PRM layouts: how a rating becomes a label

    def label_map(self, options: BuildOptions) -> dict[str, Any] | None:
        """What -1, 0, +1 and unrated become in this format's labels (for the manifest)."""
        if self.label_of is None:
            return None
        return {key: self.label_of(rating, options) for key, rating in RATING_KEYS.items()}


def _trl_label(rating: int | None, options: BuildOptions) -> bool:
    return options.label_for_rating(rating)


def _raw_rating(rating: int | None, options: BuildOptions) -> int | None:
    return rating


FORMATS: dict[str, RowFormat] = {
    fmt.name: fmt
    for fmt in (
        RowFormat("srl", srl.srl_rows, srl.SCHEMA,
                  "one row per (trace, step k): problem + expert steps before k -> step k"),
        RowFormat("prm", prm.prm_rows, prm.SCHEMA,
                  "TRL stepwise supervision: prompt, completions (steps), labels", _trl_label),
        RowFormat("prm_separator", prm_separator.separator_rows, prm_separator.SCHEMA,
                  "Qwen PRM step-separator layout: response with `<extra_0>` after each step, "
                  "one 0/1 label per separator", prm_separator.label_of),
        RowFormat("prm_steptag", prm_steptag.steptag_rows, prm_steptag.SCHEMA,
                  "Math-Shepherd/OpenRLHF step tags: input with ` ки` after each step, "
                  "label with `+`/`-` in their place", prm_steptag.label_of),
        RowFormat("prm800k", prm800k.prm800k_rows, prm800k.SCHEMA,
                  "PRM800K raw layout: question, label.steps[].completions with -1/0/+1 ratings",
                  _raw_rating),
        RowFormat("sft", sft.sft_rows, sft.SCHEMA,
                  "chat messages: problem -> <think>reasoning</think> response"),
        RowFormat("steps", steps.steps_rows, steps.SCHEMA,
                  "the segmentation itself: trace fields, spans, types, ratings, notes"),
    )
}

# What a build writes unless told otherwise; the other PRM layouts are chosen by name.
DEFAULT_FORMATS = ("srl", "prm", "sft", "steps")
