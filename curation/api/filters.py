"""Query-string filters declared on each view, validated, and documented in the schema.

A view lists ``filters = (QueryFilter("status", "status", choices=...), ...)``; unknown
parameters are ignored, a bad value (an empty one included) answers 400 with the parameter named.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend

MAX_INTEGER = 2**63 - 1


@dataclass(frozen=True, slots=True)
class QueryFilter:
    name: str  # the query parameter
    lookup: str  # the ORM lookup it filters on
    description: str = ""
    choices: Sequence[str] = ()
    type: str = "string"  # OpenAPI type: "string", "integer" or "boolean"

    def parse(self, raw: str) -> Any:
        parse = _PARSERS[self.type]
        try:
            value = parse(raw)
        except ValueError:
            raise ValidationError({self.name: [f"Not a valid {self.type}: {raw!r}."]}) from None
        if self.choices and value not in self.choices:
            raise ValidationError({self.name: [f"One of: {', '.join(self.choices)}."]})
        return value

    def openapi(self) -> dict:
        schema: dict[str, Any] = {"type": self.type}
        if self.choices:
            schema["enum"] = list(self.choices)
        if self.type == "integer":
            schema.update(minimum=-MAX_INTEGER, maximum=MAX_INTEGER)
        return {
            "name": self.name,
            "in": "query",
            "required": False,
            "description": self.description,
            "schema": schema,
        }


def _string(raw: str) -> str:
    if "\x00" in raw:  # no database text holds NUL, and PostgreSQL refuses it in a query
        raise ValueError(raw)
    return raw


def _integer(raw: str) -> int:
    """Plain ASCII digits only (int() would take "1_000" or "١٢"), within a database integer."""
    if not re.fullmatch(r"-?[0-9]+", raw) or abs(int(raw)) > MAX_INTEGER:
        raise ValueError(raw)
    return int(raw)


def _boolean(raw: str) -> bool:
    lowered = raw.lower()
    if lowered not in {"true", "false", "1", "0"}:
        raise ValueError(raw)
    return lowered in {"true", "1"}


_PARSERS: dict[str, Callable[[str], Any]] = {
    "string": _string,
    "integer": _integer,
    "boolean": _boolean,
}


def single_value(request, name: str) -> str | None:
    """The one value of a query parameter; given twice, it is ambiguous, so refused."""
    values = request.query_params.getlist(name)
    if len(values) > 1:
        raise ValidationError({name: ["Give this parameter once."]})
    return values[0] if values else None


class DeclaredFilters(BaseFilterBackend):
    def filter_queryset(self, request, queryset, view):
        for query_filter in getattr(view, "filters", ()):
            raw = single_value(request, query_filter.name)
            if raw is not None:
                queryset = queryset.filter(**{query_filter.lookup: query_filter.parse(raw)})
        return queryset

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [query_filter.openapi() for query_filter in getattr(view, "filters", ())]


class TraceFilters(BaseFilterBackend):
    """The trace browser's filters and ``search`` (``curation.services.traces``), as query
    parameters: the same names, checks and meaning as on the page."""

    def filter_queryset(self, request, queryset, view):
        from curation.services.traces import FILTERS, FilterError, apply_filters, parse_filters

        given = {p.name: single_value(request, p.name) for p in FILTERS}
        try:
            filters = parse_filters({k: v for k, v in given.items() if v is not None}, strict=True)
        except FilterError as refused:
            raise ValidationError({refused.name: [refused.message]}) from None
        return apply_filters(view.project, queryset, filters)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        from curation.services.traces import FILTERS

        return [p.openapi() for p in FILTERS]
