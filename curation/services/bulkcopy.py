"""Writing many rows at once: COPY on PostgreSQL, ``bulk_create`` in batches elsewhere.

COPY streams rows without building (and parsing) an INSERT statement of their quoted values:
for the millions of small step rows a corpus becomes, that is most of the cost of saving them.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

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
            for row in rows:
                if json_at:
                    row = [orjson.dumps(v).decode() if i in json_at else v for i, v in enumerate(row)]
                copy.write_row(row)
                count += 1
    return count


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
