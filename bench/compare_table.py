"""Issue 16's comparison table for Stepwise, on a fresh PostgreSQL database, in one command.

    .venv/bin/python bench/compare_table.py --traces 10000 \
        --database-url postgres://postgres@127.0.0.1:5432/perf_table \
        --broker redis://127.0.0.1:6379/10           # or: make bench-table TRACES=10000

What the table's rows are, each taken the way a user's path takes it:

- **import through the API**: a generated corpus (bench/segment_db.py's: ``--traces`` unique
  R1-length generations of about 28 KB) ``POST``ed to ``/api/v1/projects/corpus/imports/`` with a
  write token, streamed from disk; timed from the request until the job is done, on ``--workers``
  Celery worker processes (all queues) and gunicorn (``webapp/gunicorn.conf.py``);
- **segmentation after import**: from the same request until the import's segmentation run is
  done (the default granularity), i.e. until every trace is ready to annotate; steps written;
- **read one 50k-character trace through the API**: a trace of ``--chars`` characters cut into
  ``--steps`` steps (bench/trace_read.py's), ``--reads`` sequential reads on a keep-alive
  connection, median and p95 at the client, and the body's size;
- **one edit**: ``--edits`` edits of an annotator's draft of such a trace, back to back
  (bench/annotate_load.py's mix), median and p95 at the client;
- **export everything**: ``manage.py build_dataset --formats steps --container jsonl --source
  auto`` over the whole corpus in its own process: wall seconds, JSONL MB, peak RSS (wait4);
- **database size after the run**: ``pg_database_size``.

The reads, the edits and the database size are taken once every trace is found by search (the
workers compute the search vectors after the cutting; its seconds are in the segmentation row).

The database named by ``--database-url`` is dropped and created afresh. Results go to
``bench/out/compare_table.json``; the table's column is printed as markdown.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "bench"))

import annotate_load as load  # noqa: E402  (bench/ is a folder of scripts)
import segment_db  # noqa: E402
import trace_read  # noqa: E402


def upload(port: int, token: str, corpus: Path) -> int:
    """The corpus as a multipart upload, streamed from disk; the import job's id."""
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{corpus.name}"'
        "\r\nContent-Type: application/x-ndjson\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def body():
        yield head
        with corpus.open("rb") as handle:
            while block := handle.read(1 << 20):
                yield block
        yield tail

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    connection.request(
        "POST",
        "/api/v1/projects/corpus/imports/",
        body=body(),
        headers={
            "Authorization": f"Bearer {token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Content-Length": str(len(head) + corpus.stat().st_size + len(tail)),
        },
    )
    response = connection.getresponse()
    answer = response.read()
    if response.status != 202:
        raise SystemExit(f"the upload answered {response.status}: {answer[:300]!r}")
    return json.loads(answer)["id"]


def import_and_segment(port: int, token: str, corpus: Path) -> dict:
    from curation.models import ImportJob
    from curation.services.imports import settled

    started = time.perf_counter()
    job = ImportJob.objects.get(pk=upload(port, token, corpus))
    imported = None
    while not settled(job):
        time.sleep(0.2)
        job.refresh_from_db()
        if imported is None and job.is_finished:
            imported = time.perf_counter() - started
    run = job.segmentation_runs.first()
    return {
        "import_s": round(imported or time.perf_counter() - started, 1),
        "ready_s": round(time.perf_counter() - started, 1),
        "traces": job.traces_created,
        "steps": run.steps_created if run else 0,
        "segmentation": run.status if run else "none",
    }


def wait_for_search(started: float) -> float:
    """Seconds from ``started`` until every trace is found by search: the workers compute the
    search vectors after the cutting, and the reads, the edits and the database size below are
    taken once they are done (with them still running, the reads and edits shared the two
    cores with the workers, and the database lacked the vectors)."""
    from django.db import connection

    with connection.cursor() as cursor:
        while True:
            cursor.execute("SELECT count(*) FROM curation_trace WHERE search_vector IS NULL")
            if not cursor.fetchone()[0]:
                return round(time.perf_counter() - started, 1)
            time.sleep(0.5)


def export_everything(env: dict) -> dict:
    root = Path(tempfile.mkdtemp(prefix="stepwise-table-export-"))
    command = [
        sys.executable, "manage.py", "build_dataset", "--project", "corpus", "--dataset", "all",
        "--source", "auto", "--formats", "steps", "--container", "jsonl",
    ]
    try:
        started = time.perf_counter()
        child = subprocess.Popen(
            command, cwd=REPO, env={**env, "STEPWISE_DATASETS_ROOT": str(root)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        if status != 0:
            raise SystemExit(f"build_dataset failed:\n{output[-2000:]}")
        size = sum(p.stat().st_size for p in root.rglob("*.jsonl"))
        return {
            "seconds": round(time.perf_counter() - started, 1),
            "jsonl_mb": round(size / 1e6),
            "peak_rss_mb": round(usage.ru_maxrss / 1024),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def database_mb() -> float:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return round(cursor.fetchone()[0] / 1e6)


def corpus_project() -> str:
    """The corpus's project and a lead's write token."""
    from django.contrib.auth import get_user_model

    from curation.models import Membership, Project
    from curation.services.people.tokens import create_token

    project = Project.objects.create(slug="corpus", name="Corpus")
    lead = get_user_model().objects.create_user(username="corpus-lead")
    Membership.objects.create(project=project, user=lead, role="lead")
    return create_token(user=lead, name="bench", scope="write")[1]


def markdown(results: dict) -> str:
    read, edit = results["read"], results["edit"]["all"]
    rows = [
        ("import through the API", f"{results['ingest']['import_s']} s"),
        ("automatic segmentation after import",
         f"{results['ingest']['ready_s']} s to ready, {results['ingest']['steps']:,} steps "
         f"(every trace found by search after {results['ingest']['searchable_s']} s)"),
        ("read one 50k-character trace through the API, median",
         f"{read['p50']} ms ({results['read_body_kb']} KB with {results['read_steps']} steps)"),
        ("one edit, median / p95", f"{edit['p50']} / {edit['p95']} ms"),
        ("export everything",
         f"{results['export']['seconds']} s (steps JSONL, {results['export']['jsonl_mb']} MB, "
         f"{results['export']['peak_rss_mb']} MB RSS)"),
        ("read one trace, p95", f"{read['p95']} ms"),
        ("database size after the run", f"{results['database_mb']} MB"),
    ]
    lines = [f"| {results['traces']:,} traces | Stepwise |", "| --- | --- |"]
    return "\n".join(lines + [f"| {name} | {value} |" for name, value in rows])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/perf_table")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/10")
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--web-workers", type=int, default=2)
    parser.add_argument("--chars", type=int, default=50_000)
    parser.add_argument(
        "--steps", type=int, default=1100,
        help="cuts asked for; snapped to sentence ends and trimmed, 1,100 give about 800 steps",
    )
    parser.add_argument("--reads", type=int, default=300)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "compare_table.json")
    args = parser.parse_args()

    segment_db.fresh_database(args.database_url)
    os.environ.update(DATABASE_URL=args.database_url, CELERY_BROKER_URL=args.broker)
    env = load.prepare_django(CACHE_URL=args.broker, STEPWISE_API_RATE_USER="")
    import redis

    redis.Redis.from_url(args.broker).flushdb()
    token = corpus_project()
    from django.db import connections

    connections.close_all()
    results: dict = {"traces": args.traces, "workers": args.workers}
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        results["corpus_mb"] = round(segment_db.write_corpus(corpus, args.traces) / 1e6)
        workers = segment_db.start_workers(env, args.workers)
        port = load.free_port()
        server = trace_read.start(port, env, config=True, workers=args.web_workers, threads=4)
        try:
            time.sleep(10)  # workers up and listening before the clock starts
            started = time.perf_counter()
            results["ingest"] = import_and_segment(port, token, corpus)
            results["ingest"]["searchable_s"] = wait_for_search(started)
            print("ingest", results["ingest"], flush=True)
            data = trace_read.seed(args.chars, args.steps)
            connections.close_all()
            load.warm_up(port, args.web_workers)
            auth = trace_read.auth(data)
            first = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            answered = trace_read.get(first, data["url"], auth)[2]
            results["read_body_kb"] = round(int(answered.getheader("Content-Length")) / 1e3)
            results["read_steps"] = data["steps"]
            results["read"] = trace_read.sequential(port, data["url"], auth, args.reads, 200)
            results["edit"] = trace_read.edits(port, data["editor"], args.edits)
        finally:
            load.stop(server)
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
    results["export"] = export_everything(env)
    results["database_mb"] = database_mb()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(markdown(results))


if __name__ == "__main__":
    main()
