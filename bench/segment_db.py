"""Import plus automatic segmentation into PostgreSQL, end to end, on real Celery workers.

    .venv/bin/python bench/segment_db.py --traces 10000 --runs 3 \
        --database-url postgres://postgres@127.0.0.1:5432/scale --broker redis://127.0.0.1:6379/3

Each run: a fresh database (dropped, created, migrated), a freshly generated JSONL of R1-length
generations (reasoning cut from the real R1-distill traces in ../shared/data, 20k-36k characters,
about 28 KB a trace with its final answer; every one unique), ``--workers`` Celery worker
processes (solo pool, all queues), then ``start_import`` as the upload page calls it. Timed from
the enqueue until the import's segmentation run is done, i.e. until every trace is ready to
annotate. Reports import and total seconds, MB/s of trace text end to end, steps, the database
size, each worker's peak RSS (sampled from /proc every 0.2 s) and the CPU seconds the workers
spent (from /proc), and PostgreSQL's (its backends serving the workers, sampled from /proc): on a
shared machine, MB per CPU second says what the same work needs of an idle one (two idle cores
give about twice that per wall second). Then, as the search vectors of the imported traces are
computed after the cutting (migration 0009), the seconds until every trace is found by search
and the CPU seconds until then. Medians over the runs.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_TRACES = REPO.parent / "shared" / "data" / "thought_anchors_r1_distill_cots.jsonl"


def pools() -> tuple[str, list[str]]:
    """Real reasoning text to cut traces from, and real final answers."""
    reasonings, answers = [], []
    with REAL_TRACES.open(encoding="utf-8") as lines:
        for line in lines:
            text = json.loads(line)["solution"]
            think, _, answer = text.partition("</think>")
            reasonings.append(think.split("<think>")[-1])
            if answer.strip():
                answers.append(answer.strip())
    return "\n\n".join(reasonings), answers


def write_corpus(path: Path, count: int, seed: int = 0) -> int:
    """``count`` unique generations of about 28 KB; returns the characters of trace text."""
    rng = random.Random(seed)
    pool, answers = pools()
    chars = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            length = rng.randint(20_000, 36_000)
            start = rng.randrange(0, len(pool) - length)
            reasoning = pool[start : start + length]
            response = rng.choice(answers)
            problem = f"Benchmark problem {n}: what follows from the reasoning below?"
            out.write(json.dumps({"problem": problem, "model": "bench-teacher",
                                  "output": f"<think>\n{reasoning}\n</think>\n{response}"}))
            out.write("\n")
            chars += len(problem) + len(reasoning) + len(response)
    return chars


def fresh_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def start_workers(env: dict, count: int) -> list[subprocess.Popen]:
    command = [sys.executable, "-m", "celery", "-A", "webapp", "worker", "--pool", "solo",
               "--loglevel", "WARNING", "--without-gossip", "--without-mingle", "--without-heartbeat"]
    return [
        subprocess.Popen([*command, "-n", f"bench{i}@%h"], cwd=REPO, env=env,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for i in range(count)
    ]


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (from /proc/<pid>/stat)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(args, corpus: Path, chars: int, env: dict) -> dict:
    fresh_database(args.database_url)
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
                   cwd=REPO, env=env, check=True)
    import redis

    redis.Redis.from_url(args.broker).flushdb()
    workers = start_workers(env, args.workers)
    try:
        time.sleep(args.warmup)  # workers up and listening before the clock starts
        return timed(corpus, chars, workers)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)


def backend_pids(cursor, own: int) -> list[int]:
    """PostgreSQL server processes connected to this database, other than our own."""
    cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
    return [pid for (pid,) in cursor.fetchall() if pid != own]


def timed(corpus: Path, chars: int, workers: list[subprocess.Popen]) -> dict:
    from django.db import connection

    from curation.models import Project
    from curation.services.imports import create_import_job, settled, start_import

    connection.close()  # the database was recreated under this process
    project = Project.objects.create(slug="bench", name="bench")
    job = create_import_job(project=project, local_path=corpus)
    peak = {w.pid: 0.0 for w in workers}
    cpu_before = sum(cpu_seconds(w.pid) for w in workers)
    cursor = connection.cursor()
    cursor.execute("SELECT pg_backend_pid()")
    own = cursor.fetchone()[0]
    # PostgreSQL's CPU: each backend serving the workers, sampled as it goes (a backend that
    # closes between two samples loses at most 0.2 s of it).
    pg_start = {pid: cpu_seconds(pid) for pid in backend_pids(cursor, own)}
    pg_last = dict(pg_start)

    def sample() -> None:
        for pid in backend_pids(cursor, own):
            pg_last[pid] = max(pg_last.get(pid, 0.0), cpu_seconds(pid))
        for pid in peak:
            peak[pid] = max(peak[pid], rss_mb(pid))

    def cpu_now() -> tuple[float, float]:
        pg = sum(cpu - pg_start.get(pid, 0.0) for pid, cpu in pg_last.items())
        return sum(cpu_seconds(w.pid) for w in workers) - cpu_before, pg

    started = time.perf_counter()
    start_import(job)
    imported = None
    while not settled(job):
        time.sleep(0.2)
        job.refresh_from_db()
        if imported is None and job.is_finished:
            imported = time.perf_counter() - started
        sample()
    total = time.perf_counter() - started
    sample()
    cpu, pg_cpu = cpu_now()
    # The search vectors an import on the workers computes after the cutting.
    while True:
        cursor.execute("SELECT count(*) FROM curation_trace WHERE search_vector IS NULL")
        if not cursor.fetchone()[0]:
            break
        time.sleep(0.2)
        sample()
    indexed = time.perf_counter() - started
    indexed_cpu = sum(cpu_now())
    run = job.segmentation_runs.first()
    cursor.execute("SELECT pg_database_size(current_database())")
    size = cursor.fetchone()[0]
    cursor.close()
    return {
        "import_s": imported or total, "total_s": total, "mb_s": chars / 1e6 / total,
        "cpu_s": cpu, "mb_cpu_s": chars / 1e6 / cpu, "pg_cpu_s": pg_cpu,
        "indexed_s": indexed, "indexed_cpu_s": indexed_cpu,
        "status": run.status if run else job.status, "steps": run.steps_created if run else 0,
        "db_mb": size / 1e6, "rss_mb": sorted(peak.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, nargs="+", default=[10_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--warmup", type=float, default=8.0)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/scale")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/3")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="segment_db_"))
    env = {**os.environ, "DATABASE_URL": args.database_url, "CELERY_BROKER_URL": args.broker,
           "STEPWISE_VAR_DIR": str(tmp / "var"), "DJANGO_SETTINGS_MODULE": "webapp.settings"}
    os.environ.update(env)
    sys.path.insert(0, str(REPO))
    import django

    django.setup()
    print("| traces | MB | import s | ready to annotate s | MB/s end to end | worker CPU s | "
          "PostgreSQL CPU s | MB per CPU s (workers + PostgreSQL) | search indexed s (CPU s) | "
          "steps | database MB | worker peak RSS MB | runs (total s) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for count in args.traces:
        corpus = tmp / f"traces_{count}.jsonl"
        chars = write_corpus(corpus, count)
        results = [one_run(args, corpus, chars, env) for _ in range(args.runs)]
        bad = [r for r in results if r["status"] != "done"]
        if bad:
            sys.exit(f"a run did not finish: {bad}")
        med = {k: statistics.median(r[k] for r in results)
               for k in ("import_s", "total_s", "mb_s", "cpu_s", "mb_cpu_s", "steps", "db_mb",
                         "pg_cpu_s", "indexed_s", "indexed_cpu_s")}
        rss = max(max(r["rss_mb"]) for r in results)
        both = med["cpu_s"] + med["pg_cpu_s"]
        print(f"| {count:,} | {chars / 1e6:.0f} | {med['import_s']:.1f} | {med['total_s']:.1f} | "
              f"{med['mb_s']:.1f} | {med['cpu_s']:.1f} | {med['pg_cpu_s']:.1f} | "
              f"{chars / 1e6 / both:.1f} | {med['indexed_s']:.1f} ({med['indexed_cpu_s']:.1f}) | "
              f"{med['steps']:,.0f} | {med['db_mb']:.0f} | {rss:.0f} | "
              + ", ".join(f"{r['total_s']:.1f}" for r in results) + " |", flush=True)


if __name__ == "__main__":
    main()
