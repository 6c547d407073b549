"""Throughput and peak memory of the export core on synthetic traces.

    .venv/bin/python bench/export_core.py                     # 10k and 100k traces, JSONL
    .venv/bin/python bench/export_core.py --traces 10000 --containers jsonl parquet

Each run builds all four formats in a fresh child process (so peak RSS is that build's own,
interpreter and imports included) and deletes its output afterwards. Throughput is the
uncompressed JSON lines written divided by the wall time of ``build_artifacts`` (MB = 10^6
bytes). A synthetic trace: a 300-character problem, 8,000 characters of reasoning, and a
numbered solution of 10 to 20 steps (15 on average) of about 250 characters each.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from curation.export import BuildOptions, ExportStep, ExportTrace, build_artifacts  # noqa: E402

_WORDS = ("the sum of both sides gives x squared minus four so we divide by two and check "
          "that every prime factor appears once in the product hence the count doubles ").split()


def _text_pool(size: int = 200_000) -> str:
    """Word salad to slice traces from: building each trace's text from scratch would
    measure the generator, not the export."""
    words, length, i = [], 0, 0
    while length < size:
        word = _WORDS[(i * 7919) % len(_WORDS)]
        words.append(word)
        length += len(word) + 1
        i += 1
    return " ".join(words)


def synthetic_traces(count: int) -> Iterator[ExportTrace]:
    pool = _text_pool()
    for trace_id in range(count):
        offset = (trace_id * 977) % 100_000
        n_steps = 10 + trace_id % 11
        parts, steps, pos = ["SOLUTION:\n"], [], len("SOLUTION:\n")
        for k in range(1, n_steps + 1):
            body = pool[offset + 250 * k: offset + 250 * k + 230]
            step = f"{k}. **Step {k} title** {body}"
            steps.append(ExportStep(pos, pos + len(step), "compute", (k % 3) - 1))
            parts.append(step + "\n\n")
            pos += len(step) + 2
        yield ExportTrace(
            trace_id=trace_id,
            problem=f"Problem {trace_id}: " + pool[offset: offset + 280],
            reasoning=pool[offset: offset + 8_000],
            response="".join(parts),
            answer="42",
            teacher_model="synthetic",
            source={"bench": True, "index": trace_id},
            segmentation_id=trace_id,
            revision=1,
            author="auto",
            steps=steps,
        )


def run_once(count: int, containers: list[str], out_dir: Path) -> dict:
    """One build in this process; returns its figures."""
    start = time.perf_counter()
    result = build_artifacts(synthetic_traces(count), out_dir, containers=containers,
                             options=BuildOptions())
    seconds = time.perf_counter() - start
    return {
        "traces": count,
        "srl_rows": sum(n for (fmt, _), n in result.rows.items() if fmt == "srl"),
        "jsonl_mb": result.jsonl_bytes / 1e6,
        "files_mb": sum(f.size for f in result.files.values()) / 1e6,
        "seconds": seconds,
        "jsonl_mb_per_s": result.jsonl_bytes / 1e6 / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_in_child(count: int, containers: list[str], scratch: Path) -> dict:
    out_dir = Path(tempfile.mkdtemp(dir=scratch))
    try:
        args = [sys.executable, __file__, "--child", str(count), "--out", str(out_dir),
                "--containers", *containers]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
        return json.loads(done.stdout.splitlines()[-1])
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--containers", nargs="+", default=["jsonl"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--scratch", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        print(json.dumps(run_once(args.child, args.containers, args.out)))
        return
    for count in args.traces:
        runs = [run_in_child(count, args.containers, args.scratch) for _ in range(args.repeat)]
        _report(count, args.containers, runs)


def _report(count: int, containers: list[str], runs: list[dict]) -> None:
    median = {key: statistics.median(r[key] for r in runs)
              for key in ("seconds", "jsonl_mb_per_s", "peak_rss_mb", "jsonl_mb", "files_mb")}
    print(
        f"{count:>7} traces, {runs[0]['srl_rows']:>9} srl rows, containers {'+'.join(containers)}:"
        f" JSONL {median['jsonl_mb']:.0f} MB, all files {median['files_mb']:.0f} MB,"
        f" median {median['seconds']:.1f} s, {median['jsonl_mb_per_s']:.0f} MB/s JSONL,"
        f" peak RSS {median['peak_rss_mb']:.0f} MB (runs: "
        + ", ".join(f"{r['jsonl_mb_per_s']:.0f} MB/s/{r['peak_rss_mb']:.0f} MB" for r in runs)
        + ")",
        flush=True,
    )


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
