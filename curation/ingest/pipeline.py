"""From an uploaded stream to validated traces: sniff, detect the preset, map, validate."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from curation.ingest.containers import DEFAULT_MAX_RECORD_BYTES, CountingReader, Item, read_records
from .budget import Limits, Meter, MeteredStream, metered_items
from .detect import NoPresetMatched, detect_mapping, detect_preset
from .presets import PRESETS
from .presets.mapping import compile_mapping
from curation.traces.records import InvalidRecord, RecordError, TraceRecord
from .validate import validate_trace

Parsed = tuple[int, TraceRecord | RecordError]
# How far to look for sample records past bad lines before giving up on detection.
SAMPLE_SCAN_FACTOR = 10


@dataclass
class ParsedStream:
    """The traces of one upload. ``preset`` is known before iteration; iterate once.

    Iterating yields ``(location, TraceRecord)`` or ``(location, RecordError)``.
    ``reader.bytes_read`` is the progress in input (compressed) bytes. ``preset`` is "" when
    none could be chosen: ``error`` says why (it is also yielded, as a location-0 RecordError)
    and only the file's own errors come out. ``unsupported`` is set when the file is not a
    container Stepwise reads at all (nothing to import: refuse before starting). When auto
    detection chose a named mapping, ``preset`` is "mapping" and ``mapping_name`` names it.
    """

    preset: str
    reader: CountingReader
    error: str | None = None
    options: dict = field(default_factory=dict)
    unsupported: str | None = None
    mapping_name: str = ""
    traces: int = 0  # counts so far, for progress reports
    errors: int = 0
    meter: Meter | None = None  # what was counted against the limits, when there are limits
    _items: Iterator[Item] = field(default_factory=lambda: iter(()), repr=False)

    def __iter__(self) -> Iterator[Parsed]:
        for parsed in self._parse():
            if isinstance(parsed[1], RecordError):
                self.errors += 1
            else:
                self.traces += 1
            yield parsed

    def _parse(self) -> Iterator[Parsed]:
        if not self.preset:
            yield from (
                (item.location, item) for item in self._items if isinstance(item, RecordError)
            )
            if self.error:
                yield 0, RecordError(0, self.error)
            return
        to_trace = PRESETS[self.preset].to_trace
        require_problem = problem_required(self.preset, self.options)
        for item in self._items:
            if isinstance(item, RecordError):
                yield item.location, item
            else:
                yield item[0], map_record(
                    to_trace, item[1], item[0], self.options, require_problem=require_problem
                )


@dataclass
class Preview:
    """What an import would do with the start of a file (for the import page)."""

    preset: str  # "" when no preset could be chosen (see ``error``)
    items: list[Parsed]  # the first mapped records and errors, in file order
    error: str | None = None
    fields: list[str] = field(default_factory=list)  # field names seen in the sample records
    unsupported: str | None = None  # why the file is not a container Stepwise reads
    mapping_name: str = ""  # the named mapping auto detection chose, if any
    stopped: str | None = None  # why the preview stopped reading early (a limit), if it did

    @property
    def records(self) -> list[dict]:
        """The mapped traces as plain dicts, with their location and step count."""
        return [
            {"location": location, "step_count": len(item.steps or []), **_trace_fields(item)}
            for location, item in self.items
            if isinstance(item, TraceRecord)
        ]

    @property
    def errors(self) -> list[RecordError]:
        return [item for _, item in self.items if isinstance(item, RecordError)]


def _trace_fields(trace: TraceRecord) -> dict:
    return {
        "kind": trace.kind,
        "problem": trace.problem,
        "reasoning": trace.reasoning,
        "response": trace.response,
        "answer": trace.answer,
        "teacher_model": trace.teacher_model,
        "steps_field": trace.steps_field,
        "source": trace.source,
        "steps": trace.steps,
    }


def problem_required(preset: str, options: dict) -> bool:
    """Whether a trace must have a problem: yes, unless the preset or the mapping has none.

    A mapping without a ``problem`` path (chunk lists shipped without their prompt) and a
    preset declaring ``PROBLEM_OPTIONAL`` import problem-less traces on purpose.
    """
    if preset == "mapping":
        return "problem" in (options.get("mapping") or {})
    return not getattr(PRESETS[preset], "PROBLEM_OPTIONAL", False)


def map_record(
    to_trace, record: dict, location: int, options: dict, *, require_problem: bool = False
) -> TraceRecord | RecordError:
    """One record through a preset and the validation; every failure becomes a RecordError."""
    try:
        trace = to_trace(record, options)
        validate_trace(trace, require_problem=require_problem)
    except InvalidRecord as exc:
        return RecordError(location, exc.reason)
    # A preset tripping on odd input must not stop a long import: report it like bad input.
    except Exception as exc:  # noqa: BLE001
        return RecordError(location, f"could not map the record ({type(exc).__name__}: {exc})")
    return trace


def parse_stream(
    stream: BinaryIO,
    *,
    name: str = "",
    preset: str = "auto",
    mapping: dict | None = None,
    options: dict | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    sample_size: int = 20,
    mappings: dict[str, dict] | None = None,
    limits: Limits | None = None,
    stop_at_limit: bool = False,
) -> ParsedStream:
    """Open ``stream`` for import. Raises ValueError only for a bad preset, mapping or option.

    ``mappings`` (name -> mapping) are the named mappings ``auto`` may choose besides the
    presets (the built-in ones and a project's saved ones). With ``limits``, iterating raises
    ``LimitExceeded`` once one is passed (the records before it have come out); with
    ``stop_at_limit`` the records just end there instead, and ``meter.stopped`` says why.
    """
    preset, options = _resolve_setup(preset, mapping, options)
    reader = CountingReader(stream)
    meter = Meter(limits) if limits else None
    source = MeteredStream(reader, meter, skip_gzip=True) if meter else reader
    inflated = (lambda inner: MeteredStream(inner, meter)) if meter else None
    items = read_records(
        source, name=name, max_record_bytes=max_record_bytes, inflated=inflated
    )
    if meter:
        items = metered_items(items, meter, stop_at_limit=stop_at_limit)
    head = _peek(items, sample_size)
    unsupported = _unsupported(head)
    chosen, error, mapping_name = preset, None, ""
    if unsupported:
        chosen = ""
    elif preset == "auto":
        chosen, error, mapping_name = _detect(head, mappings or {})
        if mapping_name:
            options = {**options, "mapping": mappings[mapping_name]}
    if chosen:
        _check_options(chosen, options)
    return ParsedStream(
        chosen, reader, error, options, unsupported, mapping_name, meter=meter,
        _items=itertools.chain(head, items),
    )


def preview(
    stream: BinaryIO,
    *,
    name: str = "",
    preset: str = "auto",
    mapping: dict | None = None,
    options: dict | None = None,
    max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES,
    sample_size: int = 20,
    limit: int = 5,
    mappings: dict[str, dict] | None = None,
    limits: Limits | None = None,
) -> Preview:
    """The preset that would be used and the first ``limit`` mapped records or errors.

    With ``limits`` the preview stops reading where one is passed and says so in ``stopped``.
    """
    parsed = parse_stream(
        stream,
        name=name,
        preset=preset,
        mapping=mapping,
        options=options,
        max_record_bytes=max_record_bytes,
        sample_size=max(sample_size, limit),
        mappings=mappings,
        limits=limits,
        stop_at_limit=True,
    )
    head = _peek(parsed._items, max(sample_size, limit))
    fields = sorted(
        {str(key) for item in head if not isinstance(item, RecordError) for key in item[1]}
    )
    parsed._items = iter(head)
    items = list(itertools.islice(parsed, limit))
    stopped = parsed.meter.stopped if parsed.meter else None
    return Preview(
        parsed.preset, items, parsed.error, fields, parsed.unsupported, parsed.mapping_name,
        stopped,
    )


def unsupported_container(
    stream: BinaryIO, *, name: str = "", max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> str | None:
    """Why ``stream`` is no container Stepwise reads (None when it is one): read its start only.

    Used to refuse an upload before any import starts (page, API and command alike).
    """
    items = read_records(stream, name=name, max_record_bytes=max_record_bytes)
    return _unsupported(_peek(items, 1))


def _resolve_setup(preset: str, mapping: dict | None, options: dict | None) -> tuple[str, dict]:
    options = dict(options or {})
    if mapping is not None:
        if preset not in ("auto", "mapping"):
            raise ValueError(f"a mapping is used with the 'mapping' preset, not {preset!r}")
        compile_mapping(mapping)  # a broken mapping fails now, not once per record
        return "mapping", {**options, "mapping": mapping}
    if preset == "mapping":
        if not isinstance(options.get("mapping"), dict):
            raise ValueError("the 'mapping' preset needs a mapping")
        compile_mapping(options["mapping"])
    elif preset != "auto" and preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; known: auto, {', '.join(PRESETS)}")
    return preset, options


def _check_options(preset: str, options: dict) -> None:
    unknown = set(options) - set(PRESETS[preset].OPTIONS)
    if unknown:
        known = ", ".join(PRESETS[preset].OPTIONS) or "none"
        raise ValueError(
            f"unknown options for preset {preset!r}: {', '.join(sorted(unknown))} (known: {known})"
        )


def _peek(items: Iterator[Item], sample_size: int) -> list[Item]:
    """Read ahead until ``sample_size`` records, or a bounded number of errors, are buffered."""
    head: list[Item] = []
    records = 0
    for item in items:
        head.append(item)
        records += not isinstance(item, RecordError)
        if records >= sample_size or len(head) >= sample_size * SAMPLE_SCAN_FACTOR:
            break
    return head


def _unsupported(head: list[Item]) -> str | None:
    """The reason the file is no container at all: a file-level error and not one record."""
    if any(not isinstance(item, RecordError) for item in head):
        return None
    whole_file = [item.reason for item in head if isinstance(item, RecordError) and not item.location]
    if whole_file and "not a supported container" in whole_file[0]:
        return whole_file[0]
    return None


def _detect(head: list[Item], mappings: dict[str, dict]) -> tuple[str, str | None, str]:
    """(preset, error, mapping name): presets first, then the named mappings.

    A named mapping wins over a preset only when it maps every sample record *with the
    steps the source carries*: a generic preset would drop those steps.
    """
    sample = [item[1] for item in head if not isinstance(item, RecordError)]
    if not sample:
        return "", None, ""  # nothing but container errors: those say it all
    mapping_name, with_steps = detect_mapping(sample, mappings)
    if mapping_name and with_steps:
        return "mapping", None, mapping_name
    try:
        return detect_preset(sample), None, ""
    except NoPresetMatched as exc:
        if mapping_name:
            return "mapping", None, mapping_name
        return "", str(exc), ""
