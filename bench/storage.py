"""Where PostgreSQL's space goes: generated R1-length traces, imported and cut with the default
granularity, then every table's heap, TOAST and indexes, and each index on its own.

    .venv/bin/python bench/storage.py --traces 10000 \
        --database-url postgres://postgres@127.0.0.1:5432/perf_storage

The database is dropped and created afresh, migrated, then the corpus (bench/segment_db.py's
generator: reasoning cut from the real R1-distill traces in ../shared/data, about 28 KB a trace,
all unique) is imported and segmented in this process, as ``manage.py import_traces`` does.
After ``VACUUM ANALYZE``: ``pg_relation_size`` of each table's main fork, of its TOAST table
(with the TOAST index), of each index, and ``pg_database_size`` before and after filling (the
difference is what the data costs); and of each of a trace's text columns and its search vector (``pg_column_size``, as stored);
against the bytes of trace text the database holds (``--reuse`` measures an existing database without importing).
Then the trace browser's first page for a few searches (``SEARCHES``), timed with ``EXPLAIN
ANALYZE``. Results go to ``bench/out/storage.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

TABLES = """
SELECT c.relname,
       pg_relation_size(c.oid),
       COALESCE(pg_total_relation_size(c.reltoastrelid), 0),
       pg_indexes_size(c.oid),
       c.reltuples::bigint
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = 'public' AND c.relkind = 'r'
ORDER BY pg_total_relation_size(c.oid) DESC
"""
INDEXES = """
SELECT i.relname, t.relname, pg_relation_size(i.oid)
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
JOIN pg_namespace n ON n.oid = t.relnamespace
WHERE n.nspname = 'public' ORDER BY pg_relation_size(i.oid) DESC
"""


def fill(traces: int) -> dict:
    """Import and cut ``traces`` generated traces in this process; seconds of each."""
    from segment_db import write_corpus

    from curation.models import Project
    from curation.services.imports import create_import_job, run_import, segment_new_traces

    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        write_corpus(corpus, traces)
        project = Project.objects.create(slug="storage", name="storage")
        job = create_import_job(project=project, local_path=corpus)
        started = time.perf_counter()
        run_import(job)
        imported = time.perf_counter() - started
        job.refresh_from_db()
        segment_new_traces(job, in_process=True)
        return {"import_s": round(imported, 1), "segment_s": round(time.perf_counter() - started - imported, 1)}


def measure() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE") if connection.in_atomic_block is False else None
        cursor.execute(
            "SELECT COALESCE(SUM(length(problem) + length(reasoning) + length(response)"
            " + length(answer)), 0), COALESCE(SUM(octet_length(problem) + octet_length(reasoning)"
            " + octet_length(response) + octet_length(answer)), 0), COUNT(*) FROM curation_trace"
        )
        chars, text_bytes, traces = cursor.fetchone()
        cursor.execute("SELECT COUNT(*) FROM curation_step")
        (steps,) = cursor.fetchone()
        cursor.execute(TABLES)
        tables = [
            {"table": name, "heap_mb": mb(heap), "toast_mb": mb(toast), "indexes_mb": mb(indexes),
             "total_mb": mb(heap + toast + indexes), "rows": rows}
            for name, heap, toast, indexes, rows in cursor.fetchall()
            if heap + toast + indexes > 100_000
        ]
        columns = trace_columns(cursor)
        cursor.execute(INDEXES)
        indexes = [
            {"index": name, "table": table, "mb": mb(size)}
            for name, table, size in cursor.fetchall()
            if size > 100_000
        ]
        cursor.execute("SELECT pg_database_size(current_database())")
        (database,) = cursor.fetchone()
    return {
        "traces": traces,
        "steps": steps,
        "text_mb": mb(text_bytes),
        "text_chars_m": round(chars / 1e6, 1),
        "database_mb": mb(database),
        "database_over_text": round(database / max(text_bytes, 1), 3),
        "step_bytes_each": round(
            sum(t["total_mb"] for t in tables if t["table"] == "curation_step") * 1e6 / max(steps, 1), 1
        ),
        "tables": tables,
        "trace_columns_mb": columns,
        "indexes": indexes,
    }


def trace_columns(cursor) -> dict:
    """Stored bytes (``pg_column_size``: compressed, in the heap or its TOAST) of each of a
    trace's text columns and of the search vector where one is stored."""
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = 'curation_trace'::regclass"
        " AND attnum > 0 AND NOT attisdropped AND atttypid IN ('text'::regtype, 'tsvector'::regtype)"
    )
    names = [name for (name,) in cursor.fetchall()]
    if not names:
        return {}
    cursor.execute("SELECT " + ", ".join(f"COALESCE(SUM(pg_column_size({n})), 0)" for n in names)
                   + " FROM curation_trace")
    return {name: mb(size) for name, size in zip(names, cursor.fetchone()) if size > 100_000}


# A rare word, a common one, a phrase (rechecked by parsing the traces holding its words),
# exclusions, or.
SEARCHES = ("zebra", "wait", '"common denominator"', "triangle -square", "-wait", "zebra or giraffe")


def time_searches(runs: int) -> list[dict]:
    """The trace browser's first page (newest first, 51 rows) for each of ``SEARCHES``: its
    matches, the median wall time of ``runs`` runs of the whole search (the index probe in
    ``search_traces`` included) and the median ``EXPLAIN ANALYZE`` execution time of the page's
    query alone (PostgreSQL)."""
    import re
    import statistics

    from curation.models import Project
    from curation.services.traces import apply_filters, parse_filters

    project = Project.objects.order_by("id").first()
    timings = []
    for query in SEARCHES:
        def page():
            matching = apply_filters(project, project.traces.all(), parse_filters({"search": query}))
            return matching, matching.order_by("-id").values_list("id", flat=True)[:51]

        times, walls = [], []
        for _ in range(runs):
            started = time.perf_counter()
            matching, rows = page()
            list(rows)
            walls.append((time.perf_counter() - started) * 1000)
            plan = rows.explain(analyze=True)
            times.append(float(re.search(r"Execution Time: ([0-9.]+) ms", plan).group(1)))
        timings.append({"query": query, "matches": matching.count(),
                        "search_ms_median": round(statistics.median(walls), 1),
                        "page_query_ms_median": round(statistics.median(times), 1),
                        "page_query_ms_max": round(max(times), 1)})
    return timings


def mb(size: int) -> float:
    return round(size / 1e6, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/perf_storage")
    parser.add_argument("--reuse", action="store_true", help="measure the database as it is")
    parser.add_argument("--search-runs", type=int, default=5,
                        help="EXPLAIN ANALYZE runs of each search (0: none)")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "storage.json")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="webapp.settings")
    results = {}
    if not args.reuse:
        from segment_db import fresh_database

        fresh_database(args.database_url)
        import subprocess

        subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                       cwd=REPO, env=os.environ, check=True)
    import django

    django.setup()
    if not args.reuse:
        results["empty_database_mb"] = measure()["database_mb"]  # catalogs, migrated tables
        results["timings"] = fill(args.traces)
    results.update(measure())
    if args.search_runs:
        results["searches"] = time_searches(args.search_runs)
    if "empty_database_mb" in results:
        results["data_mb"] = round(results["database_mb"] - results["empty_database_mb"], 1)
        results["data_over_text"] = round(results["data_mb"] / max(results["text_mb"], 0.1), 3)
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
