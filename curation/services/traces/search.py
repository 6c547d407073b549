"""Full-text search over a trace's problem, reasoning and solution.

PostgreSQL: the stored ``search_vector`` column and its GIN index (migration
0009_workbench_search), matched with ``websearch_to_tsquery`` (quotes for phrases, ``-word`` to
exclude, ``or``). Elsewhere (the embedded SQLite): every word must appear, case-insensitively,
in one of the three texts; a ``-word`` must appear in none.
"""
from __future__ import annotations

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

TEXT_SEARCH_CONFIG = "english"  # kept in step with the migration's generated column
SEARCHED = ("problem", "reasoning", "response")


def search_traces(traces: QuerySet, query: str) -> QuerySet:
    query = query.strip()
    if not query:
        return traces
    if connection.vendor == "postgresql":
        matches = RawSQL(
            f"curation_trace.search_vector @@ websearch_to_tsquery('{TEXT_SEARCH_CONFIG}', %s)",
            [query],
            output_field=BooleanField(),
        )
        return traces.filter(matches)
    return traces.filter(_words_q(query))


def _words_q(query: str) -> Q:
    condition = Q()
    for word in query.replace('"', " ").split():
        if word.lower() == "or":
            continue
        if word.startswith("-") and len(word) > 1:
            condition &= ~_anywhere(word[1:])
        else:
            condition &= _anywhere(word)
    return condition


def _anywhere(word: str) -> Q:
    found = Q()
    for name in SEARCHED:
        found |= Q(**{f"{name}__icontains": word})
    return found
