"""Full-text search in the trace browser, one search at a time: PostgreSQL CPU and wall per page.

    .venv/bin/python bench/search_cpu.py --corpus r1 --runs 15 \\
        --database-url postgres://postgres@127.0.0.1:5432/perf_storage      # bench/storage.py's
    .venv/bin/python bench/search_cpu.py --corpus wb --runs 15 \\
        --database-url postgres://postgres@127.0.0.1:5432/wb_bench          # bench/workbench.py's

For each query (words, phrases, a hyphenated word, excluded phrases): the browser's first page
as the view reads it for a lead (``apply_filters`` + ``trace_page``, newest first, 50 rows and the
page's extras) for the corpus's project, once to warm up and then ``--runs`` times. Per run: the
CPU of the PostgreSQL backend (``/proc/<pid>/schedstat``, nanoseconds), of this process, and the
wall time. Prints p50/p95 of each, the rows on the page and the plan's top node; JSON to
``--out``. Nothing is written to the database.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

QUERIES = {
    # bench/storage.py's corpus: reasoning cut from R1 traces of competition maths.
    "r1": ["zebra", "wait", "denominator", "triangle -square", '"common denominator"',
           '"wait, but"', '"least common multiple"', '"zebra crossing"', "well-known",
           'denominator -"common denominator"', '-"wait, but"'],
    # bench/workbench.py's: random words of its vocabulary, a rare and a medium planted word.
    "wb": ["zygote", "parabola", "triangle", '"parabola" triangle', "parabola -integer",
           '"triangle integer"', '"integer triangle" or "prime sum"', '"parabola triangle"',
           "triangle -\"triangle integer\""],
}
PROJECTS = {"r1": "storage", "wb": "wb"}


def backend_cpu_ns(pid: int) -> int:
    return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0])


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(query: str, runs: int, project, pid: int) -> dict:
    from curation.models import Trace
    from curation.services.traces import apply_filters, parse_filters, trace_page

    try:  # the page checks phrases on the rows it reads (0016_store2_search_stripped)
        from curation.services.traces.search import phrase_recheck as recheck
    except ImportError:  # before: the stored vector had positions
        recheck = None

    def matching(phrases: bool = True):  # what a lead sees (browse.visible_traces), filtered
        traces, filters = Trace.objects.filter(project=project), parse_filters({"search": query})
        if recheck is None:
            return apply_filters(project, traces, filters)
        return apply_filters(project, traces, filters, phrases=phrases)

    def page():  # as views.traces.trace_list reads it
        if recheck is None:
            return trace_page(matching())
        return trace_page(matching(phrases=False), recheck=recheck(query))

    rows = len(page().rows)
    pg, py, wall = [], [], []
    for _ in range(runs):
        pg_before, py_before, started = backend_cpu_ns(pid), time.process_time(), time.perf_counter()
        page()
        wall.append((time.perf_counter() - started) * 1000)
        py.append((time.process_time() - py_before) * 1000)
        pg.append((backend_cpu_ns(pid) - pg_before) / 1e6)
    plan = matching().order_by("-id")[:51].explain()
    nodes = [line.strip(" ->").split("  (")[0] for line in plan.splitlines() if "cost=" in line]
    return {"query": query, "rows": rows, "plan": " > ".join(nodes),
            **{f"{name}_ms_p{int(q * 100)}": round(percentile(values, q), 1)
               for name, values in (("pg_cpu", pg), ("py_cpu", py), ("wall", wall)) for q in (0.5, 0.95)}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--corpus", choices=sorted(QUERIES), default="r1")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "search_cpu.json")
    args = parser.parse_args()
    os.environ.update(DATABASE_URL=args.database_url, DJANGO_SETTINGS_MODULE="webapp.settings")
    import django

    django.setup()
    from django.db import connection

    from curation.models import Project

    project = Project.objects.get(slug=PROJECTS[args.corpus])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    results = []
    for query in QUERIES[args.corpus]:
        result = measure(query, args.runs, project, pid)
        results.append(result)
        print(f"{query:40} rows {result['rows']:3}  pg cpu p50/p95 {result['pg_cpu_ms_p50']:7.1f} /"
              f" {result['pg_cpu_ms_p95']:7.1f}  py {result['py_cpu_ms_p50']:5.1f}  wall"
              f" {result['wall_ms_p50']:7.1f} / {result['wall_ms_p95']:7.1f}  {result['plan'][:90]}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"database": connection.settings_dict["NAME"], "runs": args.runs,
                                    "load_average": os.getloadavg(), "searches": results}, indent=1) + "\n")


if __name__ == "__main__":
    main()
