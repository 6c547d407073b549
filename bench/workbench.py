"""The lead's workbench at scale: the trace browser's filtered pages and full-text search over
N generated traces in PostgreSQL, and the settings and trace pages of a 60,000-character trace.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wb_bench \\
        .venv/bin/python bench/workbench.py --traces 1000000 --requests 200 --big-requests 40 \\
        --in-process 30 --cache-url redis://127.0.0.1:6379/5

Seeds (once; ``--reseed`` to start over) a "wb" project of N short generated traces through
COPY (the search vector and the length are computed by PostgreSQL as rows arrive; the indexes
are built after the load), a fifth of them with an automatic segmentation, 1% with annotators'
work (drafts, submissions, approvals, flags, -1 ratings), and a "wb-big" project with one
60,000-character trace cut into 300 steps. Then starts gunicorn on 127.0.0.1 and sends
``--requests`` GETs per scenario from ``--clients`` threads at once. Reported: p50/p95/p99 of the
time gunicorn spent per request (its access log, server side) and of the client's latency; the
CPU the gunicorn workers and the database's backends spent per request; and, made again one at a
time in this process (Django's test client), each request's Python CPU time and query count.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from annotate_load import (  # noqa: E402  (the same gunicorn harness)
    cpu_seconds, cpu_spent, free_port, percentiles, postgres_pids, prepare_django, start_gunicorn,
    stop, trace_text, warm_up, worker_pids,
)

TEACHERS = [f"teacher-{n}" for n in range(8)]
ANNOTATORS = [f"wb-annotator-{n}" for n in range(5)]
RARE_WORD, MEDIUM_WORD = "zygote", "parabola"  # planted in 0.05% and 2% of the traces


def vocabulary(seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    base = ["triangle", "integer", "prime", "sum", "angle", "circle", "derivative", "matrix",
            "probability", "sequence", "root", "square", "factor", "limit", "vector", "graph"]
    return base + ["".join(rng.choices(letters, k=rng.randint(4, 9))) for _ in range(3000)]


def rows(count: int, project_id: int, job_ids: list[int]):
    """COPY rows of the trace table: short generated texts, a few planted words."""
    rng, words = random.Random(1), vocabulary()
    for n in range(count):
        problem = " ".join(rng.choices(words, k=14))
        reasoning = " ".join(rng.choices(words, k=50))
        response = " ".join(rng.choices(words, k=16))
        if n % 2000 == 0:
            reasoning += f" {RARE_WORD}"
        if n % 50 == 1:
            problem += f" {MEDIUM_WORD}"
        yield (project_id, job_ids[n % len(job_ids)], "text", problem, reasoning, response, "42",
               TEACHERS[n % len(TEACHERS)], json.dumps({"dataset": f"set-{n % 4}", "id": n}),
               f"wb-{n}", 0, n % 97 == 0, None)


def seed(traces: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from curation.models import ImportJob, Membership, Project

    Project.objects.filter(slug__in=["wb", "wb-big"]).delete()
    project = Project.objects.create(slug="wb", name="Workbench bench")
    User = get_user_model()
    lead, _ = User.objects.get_or_create(username="wb-lead")
    lead.set_password("pw"), lead.save()
    Membership.objects.create(project=project, user=lead, role="lead")
    for name in ANNOTATORS:
        user, _ = User.objects.get_or_create(username=name)
        Membership.objects.create(project=project, user=user, role="annotator")
    jobs = [ImportJob.objects.create(project=project, original_name=f"part-{n}.jsonl", status="done",
                                     detected_preset="generation").pk for n in range(10)]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        _drop_trace_indexes(cursor)
        columns = ("project_id, import_job_id, kind, problem, reasoning, response, answer, "
                   "teacher_model, source, content_hash, priority, excluded, archived_at")
        with cursor.cursor.copy(f"COPY curation_trace ({columns}, created_at) FROM STDIN") as copy:
            now = "2025-01-01 00:00:00+00"
            for row in rows(traces, project.pk, jobs):
                copy.write_row((*row, now))
        print(f"COPY of {traces} traces: {time.perf_counter() - started:.0f} s", flush=True)
        _segmentations(cursor, project.pk)
        print(f"segmentations: {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        _create_trace_indexes(cursor)
        cursor.execute("VACUUM ANALYZE curation_trace")
        cursor.execute("VACUUM ANALYZE curation_segmentation")
        cursor.execute("VACUUM ANALYZE curation_step")
    print(f"indexes and analyze: {time.perf_counter() - started:.0f} s", flush=True)
    _big_trace(lead)


INDEXES = {  # name -> definition, dropped for the load and built once after it
    "trace_search_vector": "USING gin (search_vector) WITH (fastupdate = off)",
    "trace_project_newest": "(project_id, id DESC)",
    "trace_queue_order": "(project_id, priority DESC, id)",
    "trace_project_length": "(project_id, length, id)",
    "trace_project_teacher": "(project_id, teacher_model, id DESC)",
    "trace_import_newest": "(import_job_id, id DESC)",
    "trace_project_priority": "(project_id, priority DESC, id DESC)",
    "trace_project_excluded": "(project_id, id DESC) WHERE excluded",
    "trace_source": "USING gin (source jsonb_path_ops)",
}


def _drop_trace_indexes(cursor) -> None:
    for name in INDEXES:
        cursor.execute(f"DROP INDEX IF EXISTS {name}")


def _create_trace_indexes(cursor) -> None:
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for name, definition in INDEXES.items():
        cursor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON curation_trace {definition}")


def _segmentations(cursor, project_id: int) -> None:
    """A fifth of the traces cut automatically (3 steps); 1% with an annotator's work. Chosen by a
    hash of the id, so that no filter is correlated with another by construction."""
    cursor.execute("""
        INSERT INTO curation_segmentation (trace_id, field, origin, strategy, status, revision,
            is_gold, stop_reason, created_at, updated_at)
        SELECT id, 'response', 'auto', 'solution', 'submitted', 1, false, '', now(), now()
        FROM curation_trace WHERE project_id = %s AND hashtext(id::text) %% 5 = 0""", [project_id])
    cursor.execute("""
        INSERT INTO curation_segmentation (trace_id, field, origin, author_id, strategy, status,
            revision, is_gold, stop_reason, created_at, updated_at)
        SELECT t.id, 'response', 'human', u.id, '',
               (ARRAY['draft', 'submitted', 'approved'])[1 + t.id %% 3], 1, false, '', now(), now()
        FROM curation_trace t JOIN auth_user u ON u.username = 'wb-annotator-' || (t.id %% 5)
        WHERE t.project_id = %s AND hashtext(t.id::text) %% 100 = 3""", [project_id])
    cursor.execute("""
        INSERT INTO curation_step (segmentation_id, position, start, "end", type, rating, note, flagged)
        SELECT s.id, k, k * 20, k * 20 + 20, 'compute',
               CASE WHEN s.origin = 'human' AND k = 1 AND s.id %% 4 = 0 THEN -1 ELSE NULL END,
               '', s.origin = 'human' AND k = 2 AND s.id %% 7 = 0
        FROM curation_segmentation s JOIN curation_trace t ON t.id = s.trace_id
        CROSS JOIN generate_series(0, 2) AS k WHERE t.project_id = %s""", [project_id])


def _big_trace(lead) -> None:
    from curation.models import Membership, Project, Segmentation, Step, Trace

    project = Project.objects.create(slug="wb-big", name="A 60k-character trace")
    Membership.objects.create(project=project, user=lead, role="lead")
    text = trace_text(60_000, 3)
    trace = Trace.objects.create(project=project, problem="Prove it.", reasoning=text,
                                 response="The answer is 5.", content_hash="wb-big")
    seg = Segmentation.objects.create(trace=trace, field="reasoning", origin="auto",
                                      strategy="discourse", status="submitted")
    bounds = [round(i * len(text) / 300) for i in range(301)]
    Step.objects.bulk_create(Step(segmentation=seg, position=i, start=bounds[i], end=bounds[i + 1],
                                  type="compute", token_count=50) for i in range(300))


# --- Scenarios --------------------------------------------------------------------------------


def scenarios(args) -> dict[str, list[str]]:
    from curation.models import ImportJob, Project, Trace

    project = Project.objects.get(slug="wb")
    big = Trace.objects.get(project__slug="wb-big")
    job = ImportJob.objects.filter(project=project).order_by("pk")[3].pk
    base = "/p/wb/traces/?"
    rng = random.Random(5)
    filtered = [
        {"teacher": "teacher-3"},
        {"teacher": "teacher-5", "min_chars": 420, "sort": "longest"},
        {"import_job": job, "status_response": "auto"},
        {"status_response": "approved"},
        {"annotator": "wb-annotator-2"},
        {"negative": "true"},
        {"source": "dataset=set-2", "max_chars": 470},
        {"excluded": "true", "sort": "oldest"},
        {"min_steps": 3, "teacher": "teacher-1"},
        {"flagged": "true"},
    ]
    words = vocabulary()
    searches = [{"search": w} for w in (RARE_WORD, MEDIUM_WORD, "triangle", *rng.sample(words, 5))]
    searches += [{"search": f'"{MEDIUM_WORD}" {words[100]}'}, {"search": f"{MEDIUM_WORD} -{words[50]}"},
                 {"search": MEDIUM_WORD, "teacher": "teacher-2"}]
    pick = lambda options: [base + urlencode(rng.choice(options)) for _ in range(args.requests)]  # noqa: E731
    return {
        "filtered page": pick(filtered),
        "full-text search": pick(searches),
        "60k trace page": [f"/p/wb-big/traces/{big.pk}/"] * args.big_requests,
        "settings page": ["/p/wb-big/settings/"] * args.big_requests,
    }


def session_cookie(port: int) -> str:
    """A signed-in session of the bench's lead, made directly (as annotate_load does)."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import get_user_model

    from django.contrib.auth import load_backend

    user = get_user_model().objects.get(username="wb-lead")
    # The backend a sign-in records: the first that can load a user (axes' only checks lockouts).
    backend = next(path for path in settings.AUTHENTICATION_BACKENDS if hasattr(load_backend(path), "get_user"))
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": backend,
                    "_auth_user_hash": user.get_session_auth_hash()})
    session.create()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def run(port: int, cookie: str, paths: list[str], clients: int) -> tuple[list[float], dict]:
    latencies, statuses, lock = [], {}, threading.Lock()
    queue = list(reversed(paths))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                if not queue:
                    return
                path = queue.pop()
            started = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie})
            response = connection.getresponse()
            response.read()
            with lock:
                latencies.append(1000 * (time.perf_counter() - started))
                statuses[response.status] = statuses.get(response.status, 0) + 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses


def server_times(access_log: Path, prefix: str) -> list[float]:
    times = []
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] == "GET" and parts[3].startswith(prefix):
            times.append(float(parts[0]) / 1000)
    return times


def in_process_cpu(paths: list[str], count: int) -> dict[str, float]:
    """Django's test client in this process, one request at a time: the CPU milliseconds each
    request costs Python (the database's work is not in it) and its queries, medians."""
    import statistics

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(username="wb-lead"))
    cpu, wall, queries = [], [], []
    for path in paths[:count]:
        with CaptureQueriesContext(connection) as captured:
            started, cpu_started = time.perf_counter(), time.process_time()
            response = client.get(path)
            cpu.append(1000 * (time.process_time() - cpu_started))
            wall.append(1000 * (time.perf_counter() - started))
        assert response.status_code == 200, (path, response.status_code)
        queries.append(len(captured))
    return {"cpu_ms_p50": round(statistics.median(cpu), 1), "wall_ms_p50": round(statistics.median(wall), 1),
            "queries_p50": statistics.median(queries)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=int, default=1_000_000)
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--requests", type=int, default=300, help="per browser scenario")
    parser.add_argument("--big-requests", type=int, default=40)
    parser.add_argument("--in-process", type=int, default=30,
                        help="requests per scenario also made in this process, for their CPU time")
    parser.add_argument(
        "--cache-url", default=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/14"),
        help="the shared cache, as deployed (sessions are read from it); '' for none",
    )
    args = parser.parse_args()
    env = prepare_django(CACHE_URL=args.cache_url) if args.cache_url else prepare_django()
    from django.db import connection

    from curation.models import Trace

    database = connection.settings_dict["NAME"]
    have = Trace.objects.filter(project__slug="wb").count()
    if args.reseed or have != args.traces:
        seed(args.traces)
    print(f"{Trace.objects.filter(project__slug='wb').count()} traces in project wb", flush=True)
    plan = scenarios(args)
    results = {}
    fmt = lambda p: " / ".join(f"{p.get(k, float('nan')):.1f}" for k in ("p50", "p95", "p99"))  # noqa: E731
    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        for name, paths in plan.items():
            access_log = Path(tmp) / f"{name.replace(' ', '-')}.log"
            server = start_gunicorn(port, args.workers, access_log, env)
            try:
                warm_up(port, args.workers)
                cookie = session_cookie(port)
                run(port, cookie, paths[: args.workers * 2], args.clients)  # warm the workers' caches
                access_log.write_text("")
                web, db = worker_pids(server.pid), postgres_pids(database)
                web_before, db_before = cpu_seconds(web), cpu_seconds(db)
                load_before = os.getloadavg()[0]
                started = time.perf_counter()
                latencies, statuses = run(port, cookie, paths, args.clients)
                elapsed = time.perf_counter() - started
                web_after, db_after = cpu_seconds(web), cpu_seconds(postgres_pids(database))
                load = (load_before + os.getloadavg()[0]) / 2
            finally:
                stop(server)
            server_ms = server_times(access_log, paths[0].split("?")[0])
            per_request = lambda spent: round(1000 * spent / max(1, len(latencies)), 1)  # noqa: E731
            results[name] = {
                "statuses": statuses, "server_ms": percentiles(server_ms),
                "client_ms": percentiles(latencies), "per_s": round(len(latencies) / elapsed, 1),
                "gunicorn_cpu_ms_per_request": per_request(cpu_spent(web_before, web_after)),
                "postgres_cpu_ms_per_request": per_request(cpu_spent(db_before, db_after)),
                "load_average": round(load, 1),
                "in_process": in_process_cpu(paths, args.in_process),
            }
            r = results[name]
            print(f"{name:18} n={len(latencies):4} {statuses}  server p50/p95/p99 ms {fmt(r['server_ms'])}"
                  f"  client {fmt(r['client_ms'])}  {r['per_s']}/s  cpu/request: gunicorn "
                  f"{r['gunicorn_cpu_ms_per_request']} ms, postgres {r['postgres_cpu_ms_per_request']} ms;"
                  f"  in process {r['in_process']}  load {r['load_average']}", flush=True)
    print(json.dumps({"traces": args.traces, "clients": args.clients, "workers": args.workers,
                      "load_average": os.getloadavg(), "results": results}, indent=1))


if __name__ == "__main__":
    main()
