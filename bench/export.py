"""Export benchmark: MB/s of JSONL and peak RSS of `manage.py build_dataset` from PostgreSQL.

    .venv/bin/python bench/export.py --traces 10000 100000 --runs 3 \
        --database-url postgres://postgres@127.0.0.1:5432/stepwise_export_bench

Each size gets a project of synthetic traces (the export-core benchmark's: a 300-character
problem, 8,000 characters of reasoning, a numbered solution of 10 to 20 steps, 15 on average),
each with an automatic segmentation of those steps, written once with COPY (then VACUUM
ANALYZE, as autovacuum would) and reused by later invocations (``--fresh`` writes them again).

Each run is a separate ``build_dataset`` process (all four formats, JSONL unless
``--containers`` says more, ``--source auto``) publishing into a scratch folder that is deleted
afterwards. Its peak RSS is read from the kernel (wait4); the runs are started by this script's
own small process, which never loads Django, because Linux counts the RSS a child had before
exec into its peak, and a parent that had written the traces would inflate every figure. The
build time comes from the version's message (start of the build to publish, fsync included).
Throughput is the uncompressed JSON lines of the data files divided by that time
(MB = 10^6 bytes). Prints a markdown table of medians.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = "postgres://postgres@127.0.0.1:5432/stepwise_export_bench"
FORMATS = "srl,prm,sft,steps"
_BUILT = re.compile(r"Version (\d+) published: .* in ([\d.]+) s\.")
_MANIFEST = re.compile(r"^Manifest: (.+)$", re.MULTILINE)


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
    sys.path[:0] = [str(REPO), str(REPO / "bench")]
    import django

    django.setup()


def ensure_database(database_url: str) -> None:
    """Create the bench database if missing, then migrate it."""
    import psycopg

    name = database_url.rsplit("/", 1)[1]
    server = database_url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(f'CREATE DATABASE "{name}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env={**os.environ, "DATABASE_URL": database_url},
        check=True,
    )


def ensure_project(count: int, fresh: bool) -> str:
    """A project holding ``count`` segmented synthetic traces; written only when missing."""
    from curation.models import Project

    slug = f"export-bench-{count}"
    project = Project.objects.filter(slug=slug).first()
    if project and not fresh and project.traces.count() == count:
        return slug
    if project:
        _drop_project(project)
    project = Project.objects.create(slug=slug, name=slug)
    started = time.perf_counter()
    write_traces(project, count)
    _vacuum()
    print(f"wrote {count} traces into {slug} in {time.perf_counter() - started:.0f} s", flush=True)
    return slug


def _vacuum() -> None:
    """Statistics and visibility maps, as autovacuum would leave them after a large import."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("curation_trace", "curation_segmentation", "curation_step"):
            cursor.execute(f"VACUUM ANALYZE {table}")


def _drop_project(project) -> None:
    from django.db import connection

    with connection.cursor() as cursor:  # the ORM's cascade would load 1.5M steps first
        cursor.execute(
            "DELETE FROM curation_datasetversion WHERE dataset_id IN "
            "(SELECT id FROM curation_dataset WHERE project_id = %s)",
            [project.pk],
        )
        cursor.execute("DELETE FROM curation_trace WHERE project_id = %s", [project.pk])
    project.delete()


def write_traces(project, count: int, batch: int = 5_000) -> None:
    """COPY traces, then their automatic segmentations, then their steps, in batches."""
    from export_core import synthetic_traces  # the export-core benchmark's traces

    traces = synthetic_traces(count)
    for start in range(0, count, batch):
        chunk = [next(traces) for _ in range(min(batch, count - start))]
        trace_ids = _copy_traces(project, chunk)
        segmentation_ids = _copy_segmentations(trace_ids)
        _copy_steps(segmentation_ids, chunk)


def _copy(table: str, columns: tuple[str, ...], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        quoted = ", ".join(f'"{c}"' for c in columns)
        with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def _copy_traces(project, chunk) -> list[int]:
    from django.utils import timezone

    from curation.models import Trace

    now = timezone.now()
    hashes = [hashlib.sha256(f"bench-{t.trace_id}".encode()).hexdigest() for t in chunk]
    columns = (
        "project_id",
        "kind",
        "problem",
        "reasoning",
        "response",
        "answer",
        "teacher_model",
        "source",
        "content_hash",
        "created_at",
    )
    _copy(
        "curation_trace",
        columns,
        (
            (
                project.pk,
                "text",
                t.problem,
                t.reasoning,
                t.response,
                t.answer,
                t.teacher_model,
                json.dumps(t.source),
                h,
                now,
            )
            for t, h in zip(chunk, hashes)
        ),
    )
    ids = dict(
        Trace.objects.filter(project=project, content_hash__in=hashes).values_list(
            "content_hash", "id"
        )
    )
    return [ids[h] for h in hashes]


def _copy_segmentations(trace_ids: list[int]) -> list[int]:
    from django.utils import timezone

    from curation.models import Segmentation

    now = timezone.now()
    columns = (
        "trace_id",
        "field",
        "origin",
        "strategy",
        "status",
        "revision",
        "created_at",
        "updated_at",
    )
    _copy(
        "curation_segmentation",
        columns,
        (
            (trace_id, "response", "auto", "solution", "submitted", 1, now, now)
            for trace_id in trace_ids
        ),
    )
    ids = dict(Segmentation.objects.filter(trace_id__in=trace_ids).values_list("trace_id", "id"))
    return [ids[t] for t in trace_ids]


def _copy_steps(segmentation_ids: list[int], chunk) -> None:
    columns = (
        "segmentation_id",
        "position",
        "start",
        "end",
        "type",
        "rating",
        "note",
        "token_count",
        "flagged",
    )
    _copy(
        "curation_step",
        columns,
        (
            (sid, i, s.start, s.end, s.type, s.rating, "", (s.end - s.start) // 4, False)
            for sid, trace in zip(segmentation_ids, chunk)
            for i, s in enumerate(trace.steps)
        ),
    )


def run_build(slug: str, database_url: str, scratch: Path, containers: str) -> dict:
    """One build_dataset process; its figures."""
    root = Path(tempfile.mkdtemp(dir=scratch, prefix="export-bench-"))
    env = {**os.environ, "DATABASE_URL": database_url, "STEPWISE_DATASETS_ROOT": str(root)}
    args = [
        sys.executable,
        "manage.py",
        "build_dataset",
        "--project",
        slug,
        "--dataset",
        "bench",
        "--source",
        "auto",
        "--formats",
        FORMATS,
        "--container",
        containers,
    ]
    try:
        started = time.perf_counter()
        child = subprocess.Popen(
            args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
        )
        output = child.stdout.read()
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        if status != 0:
            raise RuntimeError(f"build_dataset failed:\n{output}")
        return _figures(output, wall, usage.ru_maxrss / 1024)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _figures(output: str, wall: float, peak_rss_mb: float) -> dict:
    built = _BUILT.search(output)
    manifest = json.loads(Path(_MANIFEST.search(output).group(1)).read_text())
    jsonl = sum(
        entry["size"]
        for path, entry in manifest["files"].items()
        if "/data/" in path and path.endswith(".jsonl")
    )
    seconds = float(built.group(2))
    return {
        "srl_rows": sum(n for key, n in manifest["rows"].items() if key.startswith("srl/")),
        "jsonl_mb": jsonl / 1e6,
        "build_s": seconds,
        "wall_s": wall,
        "mb_per_s": jsonl / 1e6 / seconds,
        "peak_rss_mb": peak_rss_mb,
    }


def prepare(count: int, args: argparse.Namespace) -> str:
    """Write the project's traces in a child process (see the module docstring for why)."""
    command = [sys.executable, __file__, "--setup", str(count), "--database-url", args.database_url]
    subprocess.run(command + (["--fresh"] if args.fresh else []), check=True)
    return f"export-bench-{count}"


def report(count: int, runs: list[dict]) -> str:
    median = {key: statistics.median(r[key] for r in runs) for key in runs[0]}
    each = ", ".join(f"{r['mb_per_s']:.0f}" for r in runs)
    return (
        f"| {count:,} | {median['srl_rows']:,.0f} | {median['jsonl_mb']:,.0f} | "
        f"{median['build_s']:.1f} | {median['wall_s']:.1f} | **{median['mb_per_s']:.0f}** "
        f"({each}) | **{median['peak_rss_mb']:.0f}** |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--fresh", action="store_true", help="Write the traces again.")
    parser.add_argument(
        "--containers",
        default="jsonl",
        help="build_dataset --container (throughput still counts JSONL only).",
    )
    parser.add_argument("--setup", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup is not None:
        setup_django(args.database_url)
        ensure_project(args.setup, args.fresh)
        return
    ensure_database(args.database_url)
    rows = []
    for count in args.traces:
        slug = prepare(count, args)
        runs = [
            run_build(slug, args.database_url, args.scratch, args.containers)
            for _ in range(args.runs)
        ]
        rows.append(report(count, runs))
        print(rows[-1], flush=True)
    print(
        "\n| traces | SRL rows | JSONL MB | build s | command s | JSONL MB/s (runs) | peak RSS MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
