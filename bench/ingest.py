"""Ingest benchmark: traces/s, MB/s of trace text and peak RSS of `manage.py import_traces`.

    .venv/bin/python bench/ingest.py --traces 1000 100000 --runs 3 \
        --database-url postgres://postgres@127.0.0.1:5432/stepwise_bench

Each run imports a freshly generated JSONL of R1-style generations (10k-60k characters each,
every one unique) into an empty project of a PostgreSQL database, in a separate process whose
peak RSS is read from the kernel (wait4). Reasoning text is cut from the real DeepSeek-R1 traces in
../shared/data when present, else from a built-in paragraph. Prints a markdown table of medians.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_TRACES = REPO.parent / "shared" / "data" / "thought_anchors_r1_distill_cots.jsonl"
FALLBACK = (
    "Okay, so I need to find the value of x. Let me write the equation down: 3x + 7 = 22. "
    "Subtract 7 from both sides, which gives 3x = 15. Wait, let me double-check that: 22 - 7 is 15, "
    "yes. Then x = 5. Hmm, but maybe I should verify by substituting back: 3*5 + 7 = 22. Right.\n\n"
)


def corpus_text() -> str:
    """A pool of real reasoning text to cut traces from."""
    if not REAL_TRACES.exists():
        return FALLBACK * 400
    parts = []
    with REAL_TRACES.open(encoding="utf-8") as lines:
        for line, _ in zip(lines, range(400)):
            parts.append(json.loads(line)["solution"])
    return "\n\n".join(parts)


def write_corpus(path: Path, count: int, seed: int = 0) -> int:
    """Write `count` unique generations; return the characters of trace text written."""
    rng = random.Random(seed)
    pool = corpus_text()
    chars = 0
    with path.open("w", encoding="utf-8") as out:
        for n in range(count):
            length = rng.randint(10_000, 60_000)
            start = rng.randrange(0, max(1, len(pool) - length))
            reasoning = pool[start : start + length]
            problem = f"Benchmark problem {n}: what follows from the reasoning below?"
            response = f"The answer is $\\boxed{{{n}}}$."
            out.write(json.dumps({
                "problem": problem,
                "output": f"<think>\n{reasoning}\n</think>\n{response}",
                "model": "bench-teacher",
            }))
            out.write("\n")
            chars += len(problem) + len(reasoning) + len(response)
    return chars


def reset_database(env: dict) -> None:
    """Migrate the bench database and empty the project the runs import into."""
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=REPO, env=env, check=True)
    script = (
        "from django.db import connection\n"
        "from curation.models import Project, Trace\n"
        "if connection.vendor == 'postgresql':\n"
        "    connection.cursor().execute(f'TRUNCATE {Trace._meta.db_table} CASCADE')\n"
        "Project.objects.filter(slug='bench').delete()\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=REPO, env=env, check=True)


def timed_import(path: Path, env: dict) -> tuple[float, float, float]:
    """Process seconds, import seconds (as the job reports them) and peak RSS (MB)."""
    command = [sys.executable, "manage.py", "import_traces", str(path), "--project", "bench", "--no-segment"]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = process.stdout.read().decode()
    if status != 0 or "traces imported" not in output:
        raise SystemExit(f"import failed:\n{output}")
    job_seconds = float(re.search(r"traces imported in ([0-9.]+) s", output).group(1))
    return seconds, job_seconds, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--traces", type=int, nargs="+", default=[1000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/stepwise_bench"))
    args = parser.parse_args()
    env = {**os.environ, "DATABASE_URL": args.database_url, "DEBUG": "0", "SECRET_KEY": "bench"}
    if args.database_url.startswith("postgres"):
        name = args.database_url.rsplit("/", 1)[1]
        subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], stderr=subprocess.DEVNULL)
    print("| traces | file MB | runs | median import s | traces/s | MB/s of trace text | median process s | peak RSS MB (max) |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as tmp:
        for count in args.traces:
            path = Path(tmp) / f"traces-{count}.jsonl"
            chars = write_corpus(path, count)
            results = []
            for _ in range(args.runs):
                reset_database(env)
                results.append(timed_import(path, env))
            process_seconds = statistics.median(r[0] for r in results)
            seconds = statistics.median(r[1] for r in results)
            rss = max(r[2] for r in results)
            print(
                f"| {count:,} | {path.stat().st_size / 1e6:,.0f} | {args.runs} | {seconds:.2f} | "
                f"{count / seconds:,.0f} | {chars / 1e6 / seconds:.1f} | {process_seconds:.2f} | {rss:.0f} |",
                flush=True,
            )
            path.unlink()


if __name__ == "__main__":
    main()
