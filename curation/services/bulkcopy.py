"""Writing many rows at once: COPY on PostgreSQL, ``bulk_create`` in batches elsewhere.

COPY streams rows without building (and parsing) an INSERT statement of their quoted values:
for the millions of small step rows a corpus becomes, that is most of the cost of saving them.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import islice, repeat

import orjson
from django.db import connection
from django.db.models import Model

BATCH = 5000


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    """Insert ``rows`` (values in the order of ``fields``) into ``model``'s table; returns how
    many. No ids come back: for rows nothing else points to yet (steps of a new segmentation)."""
    if connection.vendor != "postgresql":
        return _bulk_create(model, fields, rows)
    concrete = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in concrete)
    json_at = [i for i, field in enumerate(concrete) if field.get_internal_type() == "JSONField"]
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
            rows = iter(rows)
            while batch := list(islice(rows, BATCH)):
                if json_at:
                    batch = [
                        [orjson.dumps(v).decode() if i in json_at else v for i, v in enumerate(row)]
                        for row in batch
                    ]
                block = _text_block(batch)
                if block is None:
                    for row in batch:
                        copy.write_row(row)
                else:
                    copy.write(block)
                count += len(batch)
    return count


# What COPY's text format escapes, and NUL, which no text column takes.
_COPY_SPECIAL = re.compile(r"[\b\t\n\v\f\r\\\x00]")
_BOOLEANS = {True: "t", False: "f"}


def _text_block(rows: Sequence[Sequence]) -> str | None:
    """``rows`` in COPY's text format, column by column, where every value is an int, a bool,
    None or a string with nothing to escape (a step row); None otherwise, and those rows go
    one by one through psycopg, which adapts and escapes each value (a call per row and per
    value, where this is a few C-level maps a column)."""
    texts = []
    for column in zip(*rows):
        kinds = set(map(type, column))
        if kinds <= {int}:
            texts.append(map(str, column))
        elif kinds <= {str} and not _COPY_SPECIAL.search("".join(column)):
            texts.append(column)
        elif kinds <= {bool}:
            texts.append(map(_BOOLEANS.__getitem__, column))
        elif kinds == {type(None)}:
            texts.append(repeat("\\N", len(column)))
        else:
            return None
    return "\n".join(map("\t".join, zip(*texts))) + "\n"


def _bulk_create(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence]) -> int:
    attnames = [model._meta.get_field(name).attname for name in fields]
    count = 0
    batch: list[Model] = []
    for row in rows:
        batch.append(model(**dict(zip(attnames, row))))
        if len(batch) >= BATCH:
            model.objects.bulk_create(batch)
            count += len(batch)
            batch = []
    model.objects.bulk_create(batch)
    return count + len(batch)
