"""Reading one long trace through the API, and one edit of it, under gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/perf CACHE_URL=redis://127.0.0.1:6379/10 \
        .venv/bin/python bench/trace_read.py              # 50,000 characters, ~800 steps

Seeds a "bench" project on the given PostgreSQL database: one trace whose reasoning is
``--chars`` characters cut into ``--steps`` steps (the issue's 50k / ~800-step R1 trace), a lead
with a read token, and an annotator with a claimed draft of another such trace. Then:

- **in process** (Django's test client, no sockets): CPU time (``time.process_time``) of one
  read, the read answered 304, and the serializer path this replaced (``TraceSerializer`` over
  prefetched instances, rendered by DRF), median and p95. CPU time is what a loaded machine
  does not distort. Also the objects each read leaves in reference cycles (``gc.collect()``'s
  count after it, collector off) and the size of the annotator's editor page for the draft;
- **first request of a fresh worker**: gunicorn with one worker started twice, plain
  (``gunicorn webapp.wsgi``) and with ``webapp/gunicorn.conf.py`` (preload, warm-up, freeze);
  the first ``GET`` of the trace, as the client sees it;
- **through gunicorn** (``-c webapp/gunicorn.conf.py``, ``--workers`` x ``--threads``): ``--reads``
  sequential reads on one keep-alive connection, the same with ``If-None-Match``, then
  ``--clients`` threads reading at once, and ``--edits`` edits of the draft back to back (the
  annotate_load mix: rate, type, note, flag, split, merge, move, undo); latency at the client,
  median / p95 / p99, and the CPU seconds gunicorn and PostgreSQL spent per request.

Results go to ``bench/out/trace_read.json``. Everything runs on 127.0.0.1 and stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import dj_database_url

sys.path.insert(0, str(Path(__file__).resolve().parent))
import annotate_load as load  # noqa: E402  (bench/ is a folder of scripts, not a package)

REPO = load.REPO


def seed(chars: int, steps: int) -> dict:
    """The read trace with its automatic segmentation, a lead's token; an annotator's draft."""
    from django.contrib.auth import get_user_model

    from curation.models import Membership, Segmentation, Step, Trace
    from curation.services.people.tokens import create_token

    (editor,) = load.seed(1, chars, steps)  # makes the "bench" project afresh
    project = Trace.objects.get(content_hash="bench-0").project
    text = load.trace_text(chars, 7)
    trace = Trace.objects.create(
        project=project, problem="Read me", reasoning=text, response="The answer is 4.",
        answer="4", teacher_model="r1", content_hash="bench-read",
    )
    auto = Segmentation.objects.create(trace=trace, field="reasoning", origin="auto",
                                       strategy="moves", status="submitted")
    Step.objects.bulk_create(
        Step(segmentation=auto, position=i, start=a, end=b, type="compute", token_count=(b - a) // 4)
        for i, (a, b) in enumerate(load.cut(text, steps))
    )
    lead = get_user_model().objects.create_user(username="bench-lead")
    Membership.objects.create(project=project, user=lead, role="lead")
    return {
        "trace": trace.pk,
        "steps": auto.steps.count(),
        "url": f"/api/v1/projects/bench/traces/{trace.pk}/",
        "token": create_token(user=lead, name="bench", scope="read")[1],
        "editor": editor,
    }


# --- In process -------------------------------------------------------------------------------


def in_process(data: dict, rounds: int) -> dict:
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {data['token']}", HTTP_HOST="localhost")
    first = client.get(data["url"])
    tag, size = first["ETag"], len(first.content)
    editor = Client(HTTP_HOST="localhost")
    editor.cookies["sessionid"] = data["editor"]["session"]
    page = editor.get(data["editor"]["url"])
    assert page.status_code == 200, page.status_code
    return {
        "editor_page_bytes": len(page.content),
        "body_bytes": size,
        "read_cpu_ms": cpu_percentiles(lambda: client.get(data["url"]), rounds),
        "not_modified_cpu_ms": cpu_percentiles(
            lambda: client.get(data["url"], HTTP_IF_NONE_MATCH=tag), rounds
        ),
        "serializer_path_cpu_ms": cpu_percentiles(lambda: serializer_path(data["trace"]), rounds),
        "cyclic_garbage_per_read": cyclic_garbage(lambda: client.get(data["url"])),
        "cyclic_garbage_per_serializer_read": cyclic_garbage(
            lambda: serializer_path(data["trace"])
        ),
    }


def cyclic_garbage(call, rounds: int = 10) -> float:
    """Objects the collector finds unreachable after a call: what it was left to sweep."""
    import gc

    found = 0
    gc.collect()
    gc.disable()
    try:
        for _ in range(rounds):
            call()
            found += gc.collect()
    finally:
        gc.enable()
    return found / rounds


def serializer_path(pk: int) -> bytes:
    """What a read cost before: prefetched instances through TraceSerializer, DRF's renderer."""
    from django.db.models import Prefetch
    from rest_framework.renderers import JSONRenderer

    from curation.api.serializers.traces import TraceSerializer
    from curation.models import Segmentation, Trace

    segmentations = Prefetch(
        "segmentations",
        queryset=Segmentation.objects.select_related("author").prefetch_related("steps"),
    )
    trace = Trace.objects.prefetch_related(segmentations).get(pk=pk)
    return JSONRenderer().render(TraceSerializer(trace).data)


def cpu_percentiles(call, rounds: int) -> dict:
    for _ in range(5):
        call()
    samples = []
    for _ in range(rounds):
        started = time.process_time()
        call()
        samples.append((time.process_time() - started) * 1000)
    return percentiles(samples)


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    return {"n": len(ordered), "p50": round(statistics.median(ordered), 2), "p95": at(0.95),
            "p99": at(0.99)}


# --- Through gunicorn -------------------------------------------------------------------------


def start(port: int, env: dict, *, config: bool, workers: int, threads: int):
    command = [str(REPO / ".venv" / "bin" / "gunicorn")]
    command += ["-c", "webapp/gunicorn.conf.py"] if config else ["webapp.wsgi"]
    command += ["--bind", f"127.0.0.1:{port}", "--workers", str(workers),
                "--threads", str(threads), "--log-level", "warning"]
    server = load.subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    for _ in range(600):
        try:
            load.socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    load.stop(server)
    raise SystemExit("gunicorn did not start")


def get(connection, url: str, headers: dict) -> tuple[float, int, http.client.HTTPResponse]:
    started = time.perf_counter()
    connection.request("GET", url, headers=headers)
    response = connection.getresponse()
    response.read()
    return (time.perf_counter() - started) * 1000, response.status, response


def first_request(data: dict, env: dict, config: bool) -> float:
    """Milliseconds of a fresh worker's first read (after its master is listening)."""
    port = load.free_port()
    server = start(port, env, config=config, workers=1, threads=1)
    try:
        time.sleep(2)  # let the worker finish booting: what is measured is its first request
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        ms, status, _ = get(connection, data["url"], auth(data))
        assert status == 200, status
        return round(ms, 1)
    finally:
        load.stop(server)


def auth(data: dict) -> dict:
    return {"Authorization": f"Bearer {data['token']}"}


def sequential(port: int, url: str, headers: dict, count: int, expect: int) -> dict:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    samples = []
    for _ in range(count):
        ms, status, _ = get(connection, url, headers)
        assert status == expect, status
        samples.append(ms)
    return percentiles(samples)


def concurrent(port: int, data: dict, clients: int, per_client: int) -> dict:
    samples: list[float] = []
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        get(connection, data["url"], auth(data))  # warm-up: its own connection and thread
        mine = [get(connection, data["url"], auth(data))[0] for _ in range(per_client)]
        with lock:
            samples.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"clients": clients, **percentiles(samples),
            "reads_per_s": round(len(samples) / elapsed, 1)}


def edits(port: int, editor: dict, count: int) -> dict:
    results = load.Results()
    annotator = load.Annotator(port, editor, random.Random(1))
    for _ in range(count):
        annotator.edit(results)
    every = [ms for values in results.latencies.values() for ms in values]
    by_operation = {op: percentiles(values) for op, values in results.latencies.items()}
    return {"all": percentiles(every), "by_operation": by_operation, "statuses": results.statuses}


def measured(label: str, server, database: str, call) -> dict:
    """The call's result with the CPU seconds gunicorn's workers and PostgreSQL spent on it."""
    workers_before = load.cpu_seconds(load.worker_pids(server.pid))
    postgres_before = load.cpu_seconds(load.postgres_pids(database))
    result = call()
    result["gunicorn_cpu_s"] = round(
        load.cpu_spent(workers_before, load.cpu_seconds(load.worker_pids(server.pid))), 3
    )
    result["postgres_cpu_s"] = round(
        load.cpu_spent(postgres_before, load.cpu_seconds(load.postgres_pids(database))), 3
    )
    n = result.get("n") or result.get("all", {}).get("n") or 1
    result["server_cpu_ms_per_request"] = round(
        1000 * (result["gunicorn_cpu_s"] + result["postgres_cpu_s"]) / n, 2
    )
    print(label, json.dumps(result), flush=True)
    return result


def through_gunicorn(data: dict, env: dict, args) -> dict:
    database = dj_database_url.parse(env["DATABASE_URL"])["NAME"]
    port = load.free_port()
    server = start(port, env, config=not args.plain, workers=args.workers, threads=args.threads)
    try:
        load.warm_up(port, args.workers)
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        tag = get(connection, data["url"], auth(data))[2].headers["ETag"]
        return {
            "read": measured("read", server, database, lambda: sequential(
                port, data["url"], auth(data), args.reads, 200)),
            "not_modified": measured("304", server, database, lambda: sequential(
                port, data["url"], {**auth(data), "If-None-Match": tag}, args.reads, 304)),
            "concurrent_read": measured("concurrent", server, database, lambda: concurrent(
                port, data, args.clients, args.reads // args.clients)),
            "edit": measured("edit", server, database, lambda: edits(
                port, data["editor"], args.edits)),
        }
    finally:
        load.stop(server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=50_000)
    parser.add_argument(
        "--steps", type=int, default=1100,
        help="cuts asked for; snapped to sentence ends and trimmed, 1,100 give about 800 steps",
    )
    parser.add_argument("--rounds", type=int, default=200, help="in-process calls of each kind")
    parser.add_argument("--reads", type=int, default=400, help="reads through gunicorn, each kind")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--plain", action="store_true",
        help="serve with plain `gunicorn webapp.wsgi` (gthread), not webapp/gunicorn.conf.py",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "trace_read.json")
    args = parser.parse_args()

    cache = load.os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/10")
    env = load.prepare_django(CACHE_URL=cache, STEPWISE_API_RATE_USER="")
    data = seed(args.chars, args.steps)
    results = {"trace": {"chars": args.chars, "steps": data["steps"]}}
    results["in_process"] = in_process(data, args.rounds)
    print("in process", json.dumps(results["in_process"]), flush=True)
    from django.db import connections

    connections.close_all()
    results["first_request_ms"] = {
        "plain": first_request(data, env, config=False),
        "gunicorn_conf": first_request(data, env, config=True),
    }
    print("first request", results["first_request_ms"], flush=True)
    results["gunicorn"] = through_gunicorn(data, env, args)
    results["server"] = {"workers": args.workers, "threads": args.threads,
                         "config": "plain" if args.plain else "webapp/gunicorn.conf.py"}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory():
        main()
