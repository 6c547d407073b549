"""Hand-written SQL for the annotator's edit, the request made on every keypress that edits.

Building a query with the ORM costs 0.3 to 1.5 ms of CPU, more than the database spends running
it, and an edit made six of them (docs/ANNOTATE_BENCHMARKS.md). The statements on that path are
written out instead, but not by hand-copying names: tables and columns come from the models'
metadata, values are prepared by their fields, and rows read back go through the same
converters the ORM applies, so they follow the models and work on PostgreSQL and SQLite alike.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.db import connection, connections
from django.db.models import Model
from django.utils import timezone

M = TypeVar("M", bound=Model)


def table(model: type[Model]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def column(model: type[Model], name: str, alias: str = "") -> str:
    """A column of ``model`` by field name, quoted, qualified by ``alias`` when given."""
    quoted = connection.ops.quote_name(model._meta.get_field(name).column)
    return f"{alias}.{quoted}" if alias else quoted


def placeholders(count: int) -> str:
    return ", ".join(["%s"] * count)


def execute(sql: str, params: Sequence[Any]) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def fetch_one(sql: str, params: Sequence[Any]) -> tuple | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def fetch_all(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def db_values(model: type[Model], values: dict[str, Any]) -> list[Any]:
    """Values as their fields store them (JSON encoded, datetimes adapted to the database)."""
    return [
        model._meta.get_field(name).get_db_prep_save(value, connection)
        for name, value in values.items()
    ]


def insert(model: type[Model], **values: Any) -> None:
    """One row; ``values`` by field name (a foreign key by its id)."""
    insert_many(model, [values])


def insert_many(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Rows with the same fields, in one statement. Time stamps the model sets itself
    (``auto_now``, ``auto_now_add``) are set to now, as ``save()`` would."""
    if rows:
        execute(*insert_statement(model, rows))


def insert_statement(model: type[Model], rows: list[dict[str, Any]]) -> tuple[str, list[Any]]:
    """``insert_many``'s statement and parameters, to run with others (``execute_together``)."""
    stamped = [
        field.name
        for field in model._meta.concrete_fields
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
    ]
    now = timezone.now()
    rows = [{**dict.fromkeys(stamped, now), **row} for row in rows]
    columns = ", ".join(column(model, name) for name in rows[0])
    values = ", ".join(f"({placeholders(len(rows[0]))})" for _ in rows)
    return (
        f"INSERT INTO {table(model)} ({columns}) VALUES {values}",
        [value for row in rows for value in db_values(model, row)],
    )


def execute_together(statements: list[tuple[str, Sequence[Any]]]) -> None:
    """Data-changing statements that touch different rows, in one round trip where the database
    can: on PostgreSQL all but the last become the last one's ``WITH`` clauses (each sees the
    rows as they were before any of them, so none may depend on another's change). Elsewhere
    they run one by one, in order."""
    if connection.vendor != "postgresql" or len(statements) < 2:
        for sql, params in statements:
            execute(sql, params)
        return
    *first, (last_sql, last_params) = statements
    clauses = ", ".join(f"changed_{n} AS ({sql})" for n, (sql, _) in enumerate(first))
    execute(
        f"WITH {clauses} {last_sql}",
        [value for _, params in first for value in params] + list(last_params),
    )


def all_columns(model: type[Model], alias: str) -> str:
    """Every concrete column of ``model``, in field order, for ``load``."""
    return ", ".join(
        f"{alias}.{connection.ops.quote_name(field.column)}"
        for field in model._meta.concrete_fields
    )


def load(model: type[M], values: Iterable[Any]) -> M:
    """An instance from the values of ``all_columns``, converted as the ORM would convert them."""
    fields = model._meta.concrete_fields
    converted = [_from_db(field, value) for field, value in zip(fields, values)]
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


def _from_db(field, value: Any) -> Any:
    expression, converters = _converters(field)
    for convert in converters:
        value = convert(value, expression, connection)
    return value


# Per connection (the converters are bound to its ``ops``): field -> (column, converters). Asking
# the backend for them on every value cost more than converting the value.
_CONVERTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _converters(field) -> tuple[Any, list]:
    wrapper = connections[connection.alias]
    known = _CONVERTERS.setdefault(wrapper, {})
    if field not in known:
        expression = field.get_col(field.model._meta.db_table)
        known[field] = (
            expression,
            wrapper.ops.get_db_converters(expression) + field.get_db_converters(wrapper),
        )
    return known[field]
