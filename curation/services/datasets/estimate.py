"""What a build would write, before it runs: rows and bytes per format and split, the largest
traces, and the refusal above the operator's cap (``STEPWISE_MAX_BUILD_BYTES``).

The database hands over, per chosen trace, its problem (the split is a hash of it), the length
of each text field (``Length()``, no text read) and how many of its steps the rating rule keeps;
``curation.export.estimate`` turns those into rows and JSON-lines bytes. The builder page, the
``build_dataset`` command and ``start_build`` all ask here, so what a lead is shown is what the
cap is checked against.
"""
from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Value
from django.db.models.functions import Coalesce, Length

from curation.export.estimate import (
    BuildTooLarge, SizeEstimate, TraceSize, check_size, estimate_build,
)
from curation.export.splits import SPLITS, split_for
from curation.models import Dataset, Project
from curation.services.datasets.selection import chosen_segmentations, kept_steps_count
from curation.services.datasets.spec import BuildSpec

LARGEST_SHOWN = 10  # traces listed as the largest of a build
_FETCH_CHUNK = 2000


@dataclass(frozen=True, slots=True)
class LargeTrace:
    trace_id: int
    steps: int
    rows: int  # all formats together
    bytes: int


@dataclass
class BuildEstimate:
    """Rows and bytes per format and per (format, split), and the largest traces by rows."""

    formats: dict[str, SizeEstimate] = field(default_factory=dict)
    splits: dict[tuple[str, str], SizeEstimate] = field(default_factory=dict)
    largest: list[LargeTrace] = field(default_factory=list)

    @property
    def bytes(self) -> int:
        return sum(e.bytes for e in self.formats.values())

    def table(self) -> list[dict]:
        """One row per format: rows and bytes per split, then the total (for the page)."""
        return [
            {"format": name, "total": total,
             "splits": [self.splits.get((name, split), SizeEstimate()) for split in SPLITS]}
            for name, total in self.formats.items()
        ]


def max_build_bytes(requested: int | None = None) -> int | None:
    """The cap a build runs under: the operator's (0: none), or a smaller one asked for."""
    cap = settings.STEPWISE_MAX_BUILD_BYTES or None
    if requested is None:
        return cap
    if cap is not None and requested > cap:
        raise ValueError(f"{requested} bytes is above the operator's cap "
                         f"STEPWISE_MAX_BUILD_BYTES={cap}")
    return requested or None


def estimate_selection(dataset: Dataset, spec: BuildSpec) -> BuildEstimate:
    """Rows and bytes the spec would write, from the database's lengths and step counts."""
    options = spec.build_options(dataset=dataset, number=1)
    found = BuildEstimate({name: SizeEstimate() for name in spec.formats})
    largest: list[tuple[int, int, LargeTrace]] = []
    for trace_id, split, size in trace_sizes(dataset.project, spec):
        per_format = estimate_build([size], spec.formats, options)
        for name, estimate in per_format.items():
            found.formats[name] += estimate
            found.splits[name, split] = found.splits.get((name, split), SizeEstimate()) + estimate
        total = sum(per_format.values(), SizeEstimate())
        entry = (total.rows, -trace_id, LargeTrace(trace_id, size.num_steps, total.rows, total.bytes))
        if len(largest) < LARGEST_SHOWN:
            heapq.heappush(largest, entry)
        elif entry[:2] > largest[0][:2]:
            heapq.heapreplace(largest, entry)
    found.largest = [item[2] for item in sorted(largest, key=lambda e: e[:2], reverse=True)]
    return found


def check_build_size(dataset: Dataset, spec: BuildSpec, *, max_bytes: int | None) -> BuildEstimate:
    """The estimate, or ``BuildTooLarge`` when it is above ``max_bytes`` (None: no cap)."""
    found = estimate_selection(dataset, spec)
    check_size(found.formats, max_bytes)
    return found


def trace_sizes(project: Project, spec: BuildSpec) -> Iterator[tuple[int, str, TraceSize]]:
    """(trace id, split, sizes) of every chosen trace, texts measured in SQL."""
    rows = chosen_segmentations(project, spec).annotate(
        kept=Coalesce(kept_steps_count(spec.ratings), Value(0)),
        reasoning_len=Length("trace__reasoning"), response_len=Length("trace__response"),
        answer_len=Length("trace__answer"),
    ).order_by("trace_id").values_list(
        "trace_id", "trace__problem", "trace__kind", "field", "kept",
        "reasoning_len", "response_len", "answer_len",
    )
    for trace_id, problem, kind, steps_field, kept, reasoning, response, answer in rows.iterator(
        chunk_size=_FETCH_CHUNK
    ):
        size = TraceSize(problem=len(problem), reasoning=reasoning, response=response,
                         answer=answer, num_steps=kept, steps_field=steps_field, kind=kind)
        yield trace_id, split_for(problem, spec.split_ratios), size


__all__ = ["BuildEstimate", "BuildTooLarge", "LargeTrace", "check_build_size",
           "estimate_selection", "max_build_bytes", "trace_sizes"]
