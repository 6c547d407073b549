"""The builder page's preview: the first rows of each format, exactly as a build would make
them (same reader, same rating rule, same row makers), from the first few selected traces."""
from __future__ import annotations

from curation.export.filters import apply_filters
from curation.export.formats import FORMATS
from curation.models import Dataset
from curation.services.datasets.reader import export_traces
from curation.services.datasets.selection import chosen_segmentations
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import next_number

PREVIEW_TRACES = 3
ROWS_PER_FORMAT = 3


def preview_rows(
    dataset: Dataset, spec: BuildSpec, *, traces: int = PREVIEW_TRACES, rows: int = ROWS_PER_FORMAT
) -> dict[str, list[dict]]:
    """Format name -> its first rows, for the version the dataset would build next."""
    options = spec.build_options(dataset=dataset, number=next_number(dataset))
    preview: dict[str, list[dict]] = {name: [] for name in spec.formats}
    chosen = chosen_segmentations(dataset.project, spec)
    for trace in export_traces(chosen, limit=traces, labels=spec.label_sources):
        kept = apply_filters(trace, options.trace_filters)
        if kept is None:
            continue
        for name, found in preview.items():
            for row in FORMATS[name].make_rows(kept, options):
                if len(found) >= rows:
                    break
                found.append(row)
    return preview
