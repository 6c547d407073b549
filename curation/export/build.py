"""One pass over the traces writes every format, split and container of a version.

Streaming: each trace is read once, its rows are made, encoded once and handed to the open
files; nothing holds more than one trace plus the bounded Parquet buffers, so memory does not
grow with the number of traces. Output order is input order: the caller feeds traces in a
stable order (by trace id) to get byte-identical builds.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import stepwise_reward
from curation import quality
from curation.export.card import CardFacts, callable_name, render_card, srl_context_rules
from curation.export.encoding import encode_row
from curation.export.filters import apply_filters
from curation.export.formats import DEFAULT_FORMATS, FORMATS, RowFormat
from curation.export.formats.srl import capped_rows
from curation.export.formats.steps import STEPS_SCHEMA_VERSION
from curation.export.manifest import MANIFEST_NAME, FileDigest, digest_file, write_manifest
from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace
from curation.export.splits import split_for, validate_ratios
from curation.export.writers import ArtifactWriters, JsonlWriter

TRACE_INDEX_NAME = "traces.jsonl"
REWARD_MODULE_NAME = "srl_reward.py"
CARD_NAME = "README.md"


@dataclass(frozen=True, slots=True)
class BuildResult:
    out_dir: Path
    files: dict[str, FileDigest]  # every file but manifest.json, by relative path
    manifest_sha256: str  # identifies the version's content
    rows: dict[tuple[str, str], int]  # (format, split) -> rows
    traces: dict[str, int]  # split -> traces
    dropped_traces: int  # left out by the filters
    jsonl_bytes: int  # uncompressed JSON lines written (for throughput figures)


@dataclass(slots=True)
class _Tally:
    traces: Counter[str]
    dropped: int = 0
    agreement: quality.Tally = field(default_factory=quality.Tally)  # of the included traces
    srl_capped: int = 0  # SRL rows the per-trace cap left out


def build_artifacts(
    traces: Iterable[ExportTrace],
    out_dir: str | Path,
    formats: Iterable[str] = DEFAULT_FORMATS,
    containers: Iterable[str] = ("jsonl", "parquet"),
    options: BuildOptions = DEFAULT_OPTIONS,
) -> BuildResult:
    """Write a whole version into ``out_dir`` (which must be empty or absent)."""
    out = _empty_dir(Path(out_dir))
    selected = _select_formats(formats)
    containers = tuple(dict.fromkeys(containers))
    validate_ratios(options.split_ratios)
    with ArtifactWriters(out, containers, options) as writers:
        tally = _write_rows(traces, selected, writers, out / TRACE_INDEX_NAME, options)
    if options.ship_reward_module:
        (out / REWARD_MODULE_NAME).write_bytes(Path(stepwise_reward.__file__).read_bytes())
    facts = CardFacts(
        formats=tuple(f.name for f in selected),
        containers=containers,
        rows=dict(writers.rows),
        traces=dict(tally.traces),
        dropped_traces=tally.dropped,
        agreement=tally.agreement.summary() if tally.agreement.traces else None,
        srl_rows_capped=tally.srl_capped,
    )
    (out / CARD_NAME).write_text(render_card(facts, options), encoding="utf-8")
    files = write_manifest(out, _manifest_facts(facts, options))
    return BuildResult(
        out_dir=out,
        files=files,
        manifest_sha256=digest_file(out / MANIFEST_NAME).sha256,
        rows=dict(writers.rows),
        traces=dict(tally.traces),
        dropped_traces=tally.dropped,
        jsonl_bytes=writers.jsonl_bytes,
    )


def _write_rows(
    traces: Iterable[ExportTrace],
    selected: tuple[RowFormat, ...],
    writers: ArtifactWriters,
    index_path: Path,
    options: BuildOptions,
) -> _Tally:
    tally = _Tally(Counter())
    index = JsonlWriter(index_path)
    try:
        for trace in traces:
            kept = apply_filters(trace, options.trace_filters)
            if kept is None:
                tally.dropped += 1
                continue
            split = split_for(kept.problem, options.split_ratios)
            tally.traces[split] += 1
            if kept.agreement_counts:
                tally.agreement.add_trace(quality.TraceAgreement.from_dict(kept.agreement_counts))
            if any(fmt.name == "srl" for fmt in selected):
                tally.srl_capped += capped_rows(kept, options)
            for fmt in selected:
                for row in fmt.make_rows(kept, options):
                    line, row = encode_row(row)
                    writers.write(fmt.name, fmt.schema, split, line, row)
            index.write(encode_row(_index_entry(kept, split))[0])
    finally:
        index.close()
    return tally


def _index_entry(trace: ExportTrace, split: str) -> dict:
    """Which segmentation of which trace the version used: enough to diff two versions."""
    return {
        "trace_id": trace.trace_id,
        "split": split,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "author": trace.author,
        "steps_field": trace.steps_field,
        "num_steps": len(trace.steps),
        "kind": trace.kind,
    }


def _empty_dir(out: Path) -> Path:
    # Stale files would end up in the manifest as if they belonged to this version.
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: build into a fresh directory")
    return out


def _select_formats(formats: Iterable[str]) -> tuple[RowFormat, ...]:
    names = tuple(dict.fromkeys(formats))
    unknown = [name for name in names if name not in FORMATS]
    if unknown or not names:
        raise ValueError(f"unknown or no formats {unknown}; known: {list(FORMATS)}")
    return tuple(FORMATS[name] for name in names)


def _label_maps(formats: tuple[str, ...], options: BuildOptions) -> dict:
    """Per PRM layout, what each rating became (``label_for_rating`` decides 0 and unrated)."""
    maps = {name: FORMATS[name].label_map(options) for name in formats}
    return {name: labels for name, labels in maps.items() if labels is not None}


def _manifest_facts(facts: CardFacts, options: BuildOptions) -> dict:
    return {
        "dataset_name": options.dataset_name,
        "version": options.version,
        "formats": list(facts.formats),
        "containers": list(facts.containers),
        "steps_schema_version": STEPS_SCHEMA_VERSION,
        "labels": _label_maps(facts.formats, options),
        "label_sources": options.label_sources,
        "rows": {f"{fmt}/{split}": n for (fmt, split), n in sorted(facts.rows.items())},
        "traces": dict(sorted(facts.traces.items())),
        "dropped_traces": facts.dropped_traces,
        "srl_rows_capped": facts.srl_rows_capped,
        "options": {
            "split_ratios": list(options.split_ratios),
            "trace_filters": [callable_name(f) for f in options.trace_filters],
            "label_for_rating": callable_name(options.label_for_rating),
            "system_prompt": options.system_prompt,
            "agent_system_prompt": options.agent_system_prompt,
            "next_step_title_hint": options.next_step_title_hint,
            "agent_context_pairs": options.agent_context_pairs,
            "srl_context_steps": options.srl_context_steps,
            "srl_context_tokens": options.srl_context_tokens,
            "srl_context": srl_context_rules(options),
            "srl_max_steps_per_trace": options.srl_max_steps_per_trace,
        },
    }
