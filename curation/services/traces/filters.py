"""The trace browser's filters: declared once, parsed from a query string, applied to a queryset.

The page and the API read the same parameters (``FILTERS``) with the same checks; a bad value
raises ``FilterError`` naming the parameter.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef, Q, QuerySet, TextField
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast
from django.db.models.fields.json import KeyTextTransform

from curation.models import DatasetVersion, Project, Segmentation, Step, Trace
from curation.services.traces.search import search_traces

STATUSES = {
    "uncut": "uncut",
    "auto": "automatic",
    "draft": "in progress",
    "submitted": "submitted",
    "approved": "approved",
}


class FilterError(ValueError):
    def __init__(self, name: str, message: str) -> None:
        super().__init__(f"{name}: {message}")
        self.name, self.message = name, message


@dataclass(frozen=True)
class Param:
    name: str
    type: str  # "string", "integer" or "boolean"
    description: str
    choices: tuple[str, ...] = ()
    pattern: str = ""

    def openapi(self) -> dict:
        """The parameter as OpenAPI describes it: exactly the values ``parse_filters`` takes."""
        schema: dict[str, Any] = {"type": self.type}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.type == "integer":
            schema.update(minimum=0, maximum=MAX_INTEGER)
        if self.pattern:
            schema["pattern"] = self.pattern
        elif self.type == "string" and not self.choices:
            schema["pattern"] = NO_NUL  # no database text holds NUL: refused, as said here
        return {"name": self.name, "in": "query", "required": False,
                "description": self.description, "schema": schema}


MAX_INTEGER = 999_999_999  # nine digits: within every integer column
NO_NUL = r"^[^\x00]*$"
SOURCE_PATTERN = r"^[\w.-]{1,64}=[^\x00]*$"
VERSION_PATTERN = r"^[-\w]+/[0-9]{1,9}$"

FILTERS: tuple[Param, ...] = (
    Param("search", "string", "Full-text search over problem, reasoning and solution."),
    Param("import_job", "integer", "Traces added by this import job."),
    Param("preset", "string", "Traces imported with this preset (as detected)."),
    Param("source", "string", "A source field's value, as key=value (e.g. dataset=gsm8k).",
          pattern=SOURCE_PATTERN),
    Param("teacher", "string", "The teacher model's name, exactly."),
    Param("kind", "string", "text or agent.", tuple(Trace.Kind.values)),
    Param("min_chars", "integer", "At least this many characters of reasoning and solution."),
    Param("max_chars", "integer", "At most this many characters of reasoning and solution."),
    Param("min_steps", "integer", "At least this many automatic or imported steps."),
    Param("max_steps", "integer", "At most this many automatic or imported steps."),
    Param("status_reasoning", "string", "The reasoning's state.", tuple(STATUSES)),
    Param("status_response", "string", "The final solution's state.", tuple(STATUSES)),
    Param("annotator", "string", "Traces this annotator (username) has a segmentation of."),
    Param("flagged", "boolean", "Traces with (or without) a flagged step."),
    Param("negative", "boolean", "Traces with (or without) a step rated -1."),
    Param("version", "string", "Traces in a dataset version, as dataset/number (e.g. gsm/3).",
          pattern=VERSION_PATTERN),
    Param("excluded", "boolean", "Traces left out of datasets (or only those kept in)."),
    Param("archived", "boolean", "Archived traces instead of the others."),
)


@dataclass(frozen=True)
class TraceFilters:
    search: str = ""
    import_job: int | None = None
    preset: str = ""
    source: str = ""
    teacher: str = ""
    kind: str = ""
    min_chars: int | None = None
    max_chars: int | None = None
    min_steps: int | None = None
    max_steps: int | None = None
    status_reasoning: str = ""
    status_response: str = ""
    annotator: str = ""
    flagged: bool | None = None
    negative: bool | None = None
    version: str = ""
    excluded: bool | None = None
    archived: bool | None = None

    def query_items(self) -> list[tuple[str, str]]:
        """The filters that are set, as query-string pairs (for links and hidden inputs)."""
        items = []
        for item in fields(self):
            value = getattr(self, item.name)
            if value not in (None, ""):
                items.append((item.name, str(value).lower() if isinstance(value, bool) else str(value)))
        return items


def parse_filters(params: Mapping[str, str], *, strict: bool = False) -> TraceFilters:
    """The filters given in ``params``; ``FilterError`` for a bad value.

    A page's form sends every field, so a blank one means "any"; ``strict`` (the API) refuses a
    blank value where the parameter's schema does not allow one (a number, a choice, a pattern).
    """
    values: dict[str, Any] = {}
    for param in FILTERS:
        raw = params.get(param.name)
        if raw is None:
            continue
        if str(raw).strip() == "":
            if strict and (param.type != "string" or param.choices or param.pattern):
                raise FilterError(param.name, "may not be empty.")
            continue
        values[param.name] = _parse(param, str(raw).strip())
    return TraceFilters(**values)


def _parse(param: Param, raw: str) -> Any:
    if "\x00" in raw:
        raise FilterError(param.name, "contains a NUL character.")
    if param.type == "integer":
        if not re.fullmatch(r"[0-9]{1,9}", raw):  # within a database integer
            raise FilterError(param.name, f"a whole number, got {raw!r}.")
        return int(raw)
    if param.type == "boolean":
        if raw.lower() not in {"true", "false", "1", "0"}:
            raise FilterError(param.name, f"true or false, got {raw!r}.")
        return raw.lower() in {"true", "1"}
    if param.choices and raw not in param.choices:
        raise FilterError(param.name, f"one of {', '.join(param.choices)}.")
    if param.name == "source" and not re.match(SOURCE_PATTERN, raw, re.DOTALL):
        raise FilterError(param.name, "key=value, e.g. dataset=gsm8k.")
    if param.name == "version" and not re.match(VERSION_PATTERN, raw):
        raise FilterError(param.name, "dataset/number, e.g. gsm/3.")
    return raw


def apply_filters(project: Project, traces: QuerySet[Trace], f: TraceFilters) -> QuerySet[Trace]:
    """``traces`` narrowed by every filter that is set."""
    traces = traces.filter(archived_at__isnull=not f.archived)
    exact = {
        "import_job_id": f.import_job, "import_job__detected_preset": f.preset or None,
        "teacher_model": f.teacher or None, "kind": f.kind or None, "excluded": f.excluded,
        "length__gte": f.min_chars, "length__lte": f.max_chars,
    }
    traces = traces.filter(**{lookup: value for lookup, value in exact.items() if value is not None})
    if f.source:
        key, _, value = f.source.partition("=")
        # The key as a parameter, never parsed as a lookup path.
        # Cast to plain text: compared as text, not as JSON (an empty value is not JSON).
        if connection.vendor == "postgresql":
            traces = traces.filter(_source_is(key, value.strip()))
        else:
            as_text = Cast(KeyTextTransform(key, "source"), output_field=TextField())
            traces = traces.alias(source_value=as_text).filter(source_value__in=_sqlite_texts(value))
    for field in ("reasoning", "response"):
        status = getattr(f, f"status_{field}")
        if status:
            traces = traces.filter(_status_q(field, status))
    traces = _filter_steps(traces, f)
    if f.annotator:
        traces = traces.filter(Exists(_segmentations(origin=Segmentation.Origin.HUMAN,
                                                      author__username=f.annotator)))
    if f.version:
        traces = traces.filter(pk__in=version_trace_ids(project, f.version))
    traces = search_traces(traces, f.search)
    if connection.vendor == "postgresql" and _may_be_rare(f):
        traces = _narrowed(traces)
    return traces


RARE = 2000  # matches at most, for them to be read by id


def _may_be_rare(f: TraceFilters) -> bool:
    """Filters whose matches may be few, and whose selectivity the planner misjudges: a state,
    a flag or an annotator (rows of other tables), or a search word beside another filter (the
    planner estimates a word alone well, but assumes it independent of the rest)."""
    others = [item for item in f.query_items() if item[0] not in {"search", "archived"}]
    return bool(
        (f.search.strip() and others) or f.annotator or f.flagged or f.negative
        or {f.status_reasoning, f.status_response} & {"draft", "submitted", "approved"}
    )


def _narrowed(traces: QuerySet[Trace]) -> QuerySet[Trace]:
    """``traces`` read by id when a probe (the same filters, unordered) finds at most RARE.

    The planner assumes filters independent and guesses how rare a state or a flag is: for a
    word no trace of a teacher has, it walked every trace of that teacher newest first (1.4 s at
    1M); for approved solutions, 30,000 traces (65 ms). The probe, unordered,
    lets it start from the indexes of the rare side and stop at RARE + 1 rows: when the matches
    are few, the page reads them by id (a few ms); when they are many, walking newest first finds
    a page of them quickly and the query stays as it was. ``traces`` keeps every condition it
    had, so the rows are the same either way.
    """
    ids = list(traces.order_by().values_list("pk", flat=True)[: RARE + 1])
    return traces.filter(pk__in=ids) if len(ids) <= RARE else traces


def _source_is(key: str, value: str) -> RawSQL:
    """``source->>key = value``, written so that the GIN index of the source fields answers it
    and the planner estimates it: the value as a JSON string (exactly ->>'s match for a string),
    or, when the value is JSON (a number, true, an object...), as that JSON, checked with ->>
    (1.50 contains 1.5, an object a smaller one: ->> settles those). On ``->>`` alone the
    planner assumed 0.5% of the traces matched: a value one trace had read every trace (4.6 s at
    1M), and a common one beside a length filter was read through a bitmap of all (1.3 s)."""
    sql = "curation_trace.source @> jsonb_build_object(%s::text, %s::text)"
    params = [key, value]
    if _is_json(value):
        sql = (f"({sql} OR (curation_trace.source @> jsonb_build_object(%s::text, %s::jsonb)"
               " AND (curation_trace.source ->> %s) = %s))")
        params += [key, value, key, value]
    return RawSQL(sql, params, output_field=BooleanField())


def _sqlite_texts(value: str) -> list[str]:
    """The texts SQLite's ``->>`` may give for ``value``: itself, and for an object or array
    the minified JSON SQLite writes (PostgreSQL writes ``{"a": 1}``, SQLite ``{"a":1}``). Django
    reads a JSON null as the text 'null' there, where PostgreSQL's ``->>`` gives NULL, which
    matches nothing: "null" matches nothing here either (a string "null" is lost on SQLite)."""
    value = value.strip()
    if value == "null":
        return []
    texts = [value]
    if value[:1] in "{[" and _is_json(value):
        texts.append(json.dumps(json.loads(value), separators=(",", ":"), ensure_ascii=False))
    return texts


def _is_json(value: str) -> bool:
    def refuse(constant: str) -> None:  # NaN and Infinity: Python reads them, PostgreSQL does not
        raise ValueError(constant)

    try:
        json.loads(value, parse_constant=refuse)
    except ValueError:
        return False
    return True


def _segmentations(**conditions) -> QuerySet[Segmentation]:
    return Segmentation.objects.filter(trace=OuterRef("pk"), **conditions)


def _status_q(field: str, status: str) -> Q:
    Origin, Status = Segmentation.Origin, Segmentation.Status
    if status == "uncut":
        return ~Exists(_segmentations(field=field))
    if status == "auto":
        return Exists(_segmentations(field=field, origin=Origin.AUTO)) & ~Exists(
            _segmentations(field=field, origin=Origin.HUMAN))
    if status == "approved":
        return Q(Exists(_segmentations(field=field, status=Status.APPROVED)))
    wanted = Status.DRAFT if status == "draft" else Status.SUBMITTED
    return Q(Exists(_segmentations(field=field, origin=Origin.HUMAN, status=wanted)))


def _filter_steps(traces: QuerySet[Trace], f: TraceFilters) -> QuerySet[Trace]:
    steps = Step.objects.filter(segmentation__trace=OuterRef("pk"))
    if f.flagged is not None:
        flagged = Exists(steps.filter(flagged=True))
        traces = traces.filter(flagged if f.flagged else ~flagged)
    if f.negative is not None:
        negative = Exists(steps.filter(rating=-1))
        traces = traces.filter(negative if f.negative else ~negative)
    if f.min_steps is not None or f.max_steps is not None:
        from curation.services.traces.browse import machine_step_count

        traces = traces.alias(machine_steps=machine_step_count())
        if f.min_steps is not None:
            traces = traces.filter(machine_steps__gte=f.min_steps)
        if f.max_steps is not None:
            traces = traces.filter(machine_steps__lte=f.max_steps)
    return traces


def version_trace_ids(project: Project, reference: str) -> list[int]:
    """The traces a published version holds (its trace index), or none for an unknown version."""
    from curation.services.datasets.diff import trace_index

    name, _, number = reference.partition("/")
    version = DatasetVersion.objects.filter(
        dataset__project=project, dataset__name=name, number=int(number),
        status=DatasetVersion.Status.PUBLISHED,
    ).first()
    if version is None:
        return []
    return [entry["trace_id"] for entry in trace_index(version)]
