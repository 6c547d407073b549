"""Pages of 50 by default (``page_size`` 1..500): numbered pages for the small lists, a cursor
for traces, where a project holds 100k+ rows and COUNT(*) or OFFSET would cost.

A ``page_size`` that is not an integer in range is refused (400) instead of quietly replaced
by the default, so a client's typo never turns into a silently different page.
"""

from __future__ import annotations

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination

from curation.api.filters import single_value

PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


def _page_size(request, name: str) -> int:
    raw = single_value(request, name)
    if raw is None:
        return PAGE_SIZE
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_PAGE_SIZE:
        raise ValidationError({name: [f"An integer from 1 to {MAX_PAGE_SIZE}."]})
    return int(raw)


def _bounded_parameters(parameters: list[dict]) -> list[dict]:
    """Say in the schema which values are refused."""
    for parameter in parameters:
        if parameter["name"] == "page_size":
            parameter["schema"].update(minimum=1, maximum=MAX_PAGE_SIZE, default=PAGE_SIZE)
        elif parameter["name"] == "page":
            parameter["schema"].update(minimum=1)
    return parameters


class PagePagination(PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return _page_size(request, self.page_size_query_param)

    def get_page_number(self, request, paginator) -> int:
        raw = single_value(request, self.page_query_param)
        if raw is None:
            return 1
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:
            raise ValidationError({self.page_query_param: ["A page number from 1."]})
        return int(raw)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return _bounded_parameters(super().get_schema_operation_parameters(view))


class TraceCursorPagination(CursorPagination):
    ordering = "id"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request) -> int:
        return _page_size(request, self.page_size_query_param)

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return _bounded_parameters(super().get_schema_operation_parameters(view))
