"""The trace read's hot path: hand-written SQL, rows as tuples, the body written by orjson.

A 50,000-character trace carries about 800 steps. Built through DRF serializers over prefetched
model instances, a read cost about 20 ms of CPU and left thousands of objects in reference
cycles (each step points at its segmentation through the prefetch cache, and back), which the
collector then had to sweep in full every few requests. Here every row comes as a tuple, the
body is plain dicts and lists written by orjson, and nothing survives the request in a cycle.
As on the edit path (``services/annotation/rawsql``), the three statements are written out
because building them with the ORM cost more CPU than PostgreSQL spends running them; tables
and columns come from the models' metadata and values read back go through the converters the
ORM applies, so they work on PostgreSQL and SQLite alike. The shape is exactly
``TraceSerializer``'s, which documents it in the OpenAPI schema (tests/api compare the two).

A trace's text never changes once imported and its steps change only with a revision of
their segmentation, so the first statement (the trace's segmentations, a few rows) is all an
``If-None-Match`` that still matches costs.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Sequence
from typing import Any

import orjson
from django.contrib.auth import get_user_model
from django.db import connection

from curation.models import Segmentation, Step, Trace
from curation.services.annotation.rawsql import column, fetch_all, placeholders, table

TRACE_FIELDS = (
    "id",
    "kind",
    "problem",
    "reasoning",
    "response",
    "answer",
    "teacher_model",
    "source",
    "content_hash",
    "import_job",
    "created_at",
)
SEGMENTATION_FIELDS = (
    "id",
    "field",
    "origin",
    "author",
    "strategy",
    "status",
    "revision",
    "updated_at",
)
STEP_FIELDS = ("index", "start", "end", "type", "rating", "note", "flagged")
# What is read of a step: its index is its place in its segmentation's list, counted here.
_STORED_STEP_FIELDS = STEP_FIELDS[1:]
# DRF writes datetimes as ISO 8601 with "Z" for UTC; orjson's OPT_UTC_Z writes the same.
OPTIONS = orjson.OPT_UTC_Z


def segmentation_rows(trace_ids: Sequence[int], project_id: int) -> list[tuple]:
    """``(trace id, *SEGMENTATION_FIELDS, author id)`` per segmentation of the project's traces
    among ``trace_ids``, by id; a trace without any gives one row of Nones after its id, and a
    trace of another project (or none at all) gives no row."""
    sql = _segmentations_sql() % {"ids": placeholders(len(trace_ids))}
    return _converted(fetch_all(sql, [project_id, *trace_ids]), _segmentation_converters())


def etag(trace_id: int, rows: Sequence[tuple]) -> str:
    """What identifies a state of the trace's steps: a re-segmentation makes new rows (new
    ids), an edit or a submission takes a new revision; status and author too, in case a
    later path changes them alone (a review, a deleted account)."""
    state = tuple((row[1], row[6], row[7], row[9]) for row in rows)
    digest = hashlib.blake2b(repr((trace_id, state)).encode(), digest_size=12)
    return f'"t{trace_id}-{digest.hexdigest()}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """``If-None-Match`` compared weakly (RFC 9110 13.1.2): a proxy may have added ``W/``."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    return any(
        candidate.strip().removeprefix("W/") == tag for candidate in if_none_match.split(",")
    )


def trace_bodies(trace_ids: Sequence[int], segmentations: Sequence[tuple]) -> list[dict]:
    """The traces, in the order given, each with its segmentations (``segmentation_rows``)
    and their steps."""
    if not trace_ids:
        return []
    sql = _traces_sql() % {"ids": placeholders(len(trace_ids))}
    traces = {}
    for row in _converted(fetch_all(sql, list(trace_ids)), _trace_converters()):
        body = dict(zip(TRACE_FIELDS, row))
        body["source"] = orjson.Fragment(body["source"])  # stored JSON, written as it is
        body["segmentations"] = []
        traces[body["id"]] = body
    by_id = {}
    for row in segmentations:
        if row[1] is not None and row[0] in traces:
            body = dict(zip(SEGMENTATION_FIELDS, row[1:9]))
            body["steps"] = []
            by_id[body["id"]] = body
            traces[row[0]]["segmentations"].append(body)
    _attach_steps(by_id)
    return [traces[pk] for pk in trace_ids if pk in traces]


def _attach_steps(segmentations: dict[int, dict]) -> None:
    if not segmentations:
        return
    sql = _steps_sql() % {"ids": placeholders(len(segmentations))}
    rows = _converted(fetch_all(sql, list(segmentations)), _step_converters())
    current, steps = None, []
    keys = _STORED_STEP_FIELDS
    for row in rows:
        if row[0] != current:
            current, steps = row[0], segmentations[row[0]]["steps"]
        steps.append({"index": len(steps), **dict(zip(keys, row[1:]))})


def dumps(payload: Any) -> bytes:
    return orjson.dumps(payload, option=OPTIONS)


# --- The statements and their converters, built once per process -------------------------------


@functools.cache
def _segmentations_sql() -> str:
    user = get_user_model()
    selected = ", ".join(
        [column(Trace, "id", "t")]
        + [column(Segmentation, name, "s") for name in ("id", "field", "origin")]
        + [column(user, "username", "u")]
        + [column(Segmentation, name, "s") for name in SEGMENTATION_FIELDS[4:]]
        + [column(Segmentation, "author", "s")]
    )
    return (
        f"SELECT {selected} FROM {table(Trace)} t"
        f" LEFT JOIN {table(Segmentation)} s ON {column(Segmentation, 'trace', 's')} = "
        f"{column(Trace, 'id', 't')}"
        f" LEFT JOIN {table(user)} u ON {column(user, 'id', 'u')} = "
        f"{column(Segmentation, 'author', 's')}"
        f" WHERE {column(Trace, 'project', 't')} = %%s AND {column(Trace, 'id', 't')}"
        f" IN (%(ids)s) ORDER BY {column(Segmentation, 'id', 's')}"
    )


@functools.cache
def _traces_sql() -> str:
    selected = ", ".join(column(Trace, name) for name in TRACE_FIELDS)
    return f"SELECT {selected} FROM {table(Trace)} WHERE {column(Trace, 'id')} IN (%(ids)s)"


@functools.cache
def _steps_sql() -> str:
    selected = ", ".join(column(Step, name) for name in ("segmentation", *_STORED_STEP_FIELDS))
    owner = column(Step, "segmentation")
    return (
        f"SELECT {selected} FROM {table(Step)} WHERE {owner} IN (%(ids)s)"
        f" ORDER BY {owner}, {column(Step, 'position')}"
    )


Converters = list[tuple[int, list[Callable]]]


@functools.cache
def _segmentation_converters() -> Converters:
    user = get_user_model()
    fields = (
        [Trace._meta.get_field("id")]
        + [Segmentation._meta.get_field(name) for name in ("id", "field", "origin")]
        + [user._meta.get_field("username")]
        + [Segmentation._meta.get_field(name) for name in SEGMENTATION_FIELDS[4:]]
        + [Segmentation._meta.get_field("author")]
    )
    return _converters(fields)


@functools.cache
def _trace_converters() -> Converters:
    # ``source`` stays the stored JSON text (orjson.Fragment), never parsed and re-encoded.
    names = [name for name in TRACE_FIELDS if name != "source"]
    found = _converters([Trace._meta.get_field(name) for name in names])
    return [(TRACE_FIELDS.index(names[index]), each) for index, each in found]


@functools.cache
def _step_converters() -> Converters:
    return _converters([Step._meta.get_field(name) for name in ("segmentation", *_STORED_STEP_FIELDS)])


def _converters(fields: list) -> Converters:
    """For each column that needs any (a boolean or a time stamp on SQLite, say), what the ORM
    would apply to it."""
    found = []
    for index, field in enumerate(fields):
        expression = field.get_col(field.model._meta.db_table)
        each = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
        if each:
            found.append((index, [functools.partial(_apply, c, expression) for c in each]))
    return found


def _apply(converter: Callable, expression, value: Any) -> Any:
    return converter(value, expression, connection)


def _converted(rows: list[tuple], converters: Converters) -> list[tuple]:
    if not converters:
        return rows
    converted = []
    for row in rows:
        row = list(row)
        for index, each in converters:
            for convert in each:
                row[index] = convert(row[index])
        converted.append(tuple(row))
    return converted
