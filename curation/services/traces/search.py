"""Full-text search over a trace's problem, reasoning and solution.

PostgreSQL: the stored ``search_vector`` column and its GIN index (migrations 0008_trace_search
and 0012_scale_search_deferred), matched with ``websearch_to_tsquery`` (quotes for phrases,
``-word`` to exclude, ``or``). Elsewhere (the embedded SQLite): every word must appear,
case-insensitively, in one of the three texts; a ``-word`` must appear in none.

A trigger fills the vector as a trace is inserted or its text changes, except where the inserting
transaction called ``defer_vectors``: the workers' import does, to keep the parsing (about as
costly as the import itself) off the path to "ready to annotate", and sends ``index_range``
tasks that fill them a moment later (``pending_ranges``). Until then such a trace is not found
by a search.
"""
from __future__ import annotations

from collections.abc import Iterator

from django.db import connection, transaction
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


# Traces a deferred vector is computed for per statement: a few seconds of work, short locks.
INDEX_BATCH = 1000


def defer_vectors() -> None:
    """Leave the search vectors of the traces this transaction inserts empty (PostgreSQL);
    whoever calls this must have them computed later (``index_range``)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL stepwise.defer_search = 'on'")


def pending_ranges(import_job_id: int) -> Iterator[tuple[int, int]]:
    """Id ranges of about ``INDEX_BATCH`` of the import's traces whose vector is still to be
    computed; reads ids only."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT min(id), max(id) FROM (SELECT id, (row_number() OVER (ORDER BY id) - 1) / %s"
            " AS part FROM curation_trace WHERE import_job_id = %s AND search_vector IS NULL)"
            " AS pending GROUP BY part ORDER BY part", [INDEX_BATCH, import_job_id],
        )
        yield from cursor.fetchall()


def index_range(import_job_id: int, first_id: int, last_id: int) -> int:
    """Compute the missing search vectors of the import's traces with ids in the range; returns
    how many. Safe to run twice (only empty vectors are computed)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE curation_trace SET search_vector = "
            "stepwise_trace_tsvector(problem, reasoning, response) "
            "WHERE import_job_id = %s AND id BETWEEN %s AND %s AND search_vector IS NULL",
            [import_job_id, first_id, last_id],
        )
        return cursor.rowcount
