"""What the import limits cost: parse_stream over a gzip JSONL with and without ``Limits``.

    .venv/bin/python bench/ingest_limits.py --traces 20000 --runs 5

The limits count the decompressed bytes as the container reader reads them and every record
(curation/ingest/budget.py); this measures that overhead on the pure parsing path (no
database), where it is largest in proportion. Runs interleave the two variants. Prints
medians in MB/s of decompressed input.
"""
from __future__ import annotations

import argparse
import gzip
import io
import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from curation.ingest.budget import Limits  # noqa: E402
from curation.ingest.pipeline import parse_stream  # noqa: E402

PARAGRAPH = (
    "Okay, so I need to find the value of x. Let me write the equation down: 3x + 7 = 22. "
    "Subtract 7 from both sides, which gives 3x = 15. Wait, let me double-check that.\n\n"
)


def _reasoning(rng: random.Random, words: list[str]) -> str:
    """Text that compresses like real reasoning (about 3:1), not like one repeated paragraph."""
    return " ".join(rng.choice(words) for _ in range(rng.randint(400, 2400)))


def make_file(traces: int) -> tuple[bytes, int]:
    rng = random.Random(12)
    words = PARAGRAPH.split() + [f"x{n}" for n in range(2000)]
    lines = b"".join(
        json.dumps(
            {"problem": f"Problem {n}", "output": f"<think>{_reasoning(rng, words)}</think>x={n}"}
        ).encode() + b"\n"
        for n in range(traces)
    )
    return gzip.compress(lines, compresslevel=6), len(lines)


def run(data: bytes, limits: Limits | None) -> float:
    started = time.perf_counter()
    for _ in parse_stream(io.BytesIO(data), limits=limits):
        pass
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--traces", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data, size = make_file(args.traces)
    caps = Limits(max_bytes=8 * 1024**3, max_records=2_000_000)
    results = {"no limits": [], "limits": []}
    for _ in range(args.runs):  # interleaved, so drift in machine load hits both alike
        results["no limits"].append(run(data, None))
        results["limits"].append(run(data, caps))
    print(f"{args.traces} traces, {size / 1e6:.1f} MB decompressed, {len(data) / 1e6:.1f} MB gzip")
    print("| variant | median s | MB/s |\n| --- | --- | --- |")
    for name, times in results.items():
        median = statistics.median(times)
        print(f"| {name} | {median:.3f} | {size / 1e6 / median:.1f} |")


if __name__ == "__main__":
    main()
