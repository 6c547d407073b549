"""Segmentation speed: MB/s per strategy on one core, token counting included; peak RSS.

    .venv/bin/python bench/segment.py [--runs 5] [--strategies solution paragraphs discourse]

The corpus is every trace of ../shared/data/thought_anchors_r1_distill_cots.jsonl (``solution``:
prompt, ``<think>`` reasoning and answer) and r1_math500_traces_topology.jsonl
(``full_response``), as stored. Each run is a fresh process pinned to one CPU core (Rust thread
pools limited to one thread) that reads the corpus into memory, then times ``segment_text`` over
all of it twice: the first pass starts with empty caches (a fresh worker), the second finds the
token counts of the pieces it has seen (a worker that has been running). MB/s is UTF-8 megabytes
of text per second of process CPU time, so other load on the machine does not count; the median
of the runs is printed.

``--no-token-counts`` replaces the token counter with a length estimate, to show how much of
the time exact token counting takes (a measurement aid only).

Memory: a second kind of run streams the first 25%, 50% and 100% of the corpus from disk
through ``segment_text`` and reports the process's peak RSS; flat means the same peak at every
size (per-trace work is freed, caches are bounded).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO.parent / "shared" / "data"
CORPUS = (
    (DATA / "thought_anchors_r1_distill_cots.jsonl", "solution"),
    (DATA / "r1_math500_traces_topology.jsonl", "full_response"),
)
DEFAULT_STRATEGIES = ("solution", "paragraphs", "discourse")
# The tables in docs/SEGMENTATION.md were measured when sentence granularity was the default.
PARAMS = {
    "discourse": ("discourse", {"granularity": "sentence"}),
    "discourse-move": ("discourse", {"granularity": "move", "min_tokens": 20}),
    "discourse-default": ("discourse", {}),
}


def traces(fraction: float = 1.0):
    """The corpus texts, streamed from disk (the first ``fraction`` of each file)."""
    for path, key in CORPUS:
        with path.open(encoding="utf-8") as lines:
            rows = sum(1 for _ in lines)
        with path.open(encoding="utf-8") as lines:
            for line, _ in zip(lines, range(int(rows * fraction))):
                text = json.loads(line).get(key) or ""
                if text:
                    yield text


def one_core() -> None:
    """Pin this process to one core; called before tokenizers starts its thread pool."""
    os.environ["RAYON_NUM_THREADS"] = "1"
    os.environ["TOKENIZERS_PARALLELISM"] = "false"
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def strategy_of(name: str) -> tuple[str, dict]:
    return PARAMS.get(name, (name, {}))


def speed_run(name: str, count_tokens: bool = True) -> dict:
    """Two timed passes over the in-memory corpus (run in a fresh process)."""
    one_core()
    sys.path.insert(0, str(REPO))
    from curation.segment import context, load_tokenizer, segment_text

    if not count_tokens:
        context.Context.count = lambda self, spans: [(end - start) // 4 for start, end in spans]

    strategy, params = strategy_of(name)
    texts = list(traces())
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    tokenizer = load_tokenizer(None)
    # Warm up every code path (imports, compiled patterns, spaCy), not the token caches.
    warm_up = "Warm up. Wait, let me check $x$.\n\n" + "A long paragraph. " * 300
    segment_text(warm_up, strategy, params, tokenizer=tokenizer)
    passes = []
    for _ in range(2):
        wall, cpu = time.perf_counter(), time.process_time()
        steps = sum(len(segment_text(t, strategy, params, tokenizer=tokenizer)) for t in texts)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        passes.append({"cpu_s": cpu, "wall_s": wall, "mb_per_s": megabytes / cpu, "steps": steps})
    return {"strategy": name, "traces": len(texts), "megabytes": megabytes, "passes": passes}


def memory_run(name: str, fraction: float) -> dict:
    """Stream part of the corpus through the strategy; report peak RSS (fresh process)."""
    one_core()
    sys.path.insert(0, str(REPO))
    from curation.segment import segment_text

    strategy, params = strategy_of(name)
    count = megabytes = 0
    for text in traces(fraction):
        segment_text(text, strategy, params)
        count += 1
        megabytes += len(text.encode("utf-8")) / 1e6
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "strategy": name,
        "fraction": fraction,
        "traces": count,
        "megabytes": megabytes,
        "peak_rss_mib": peak_kib / 1024,
    }


def in_subprocess(*args: str) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--child", *args], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--strategies",
        nargs="+",
        default=list(DEFAULT_STRATEGIES),
        help=f"strategy names, or {', '.join(PARAMS)}",
    )
    parser.add_argument("--no-memory", action="store_true")
    parser.add_argument("--no-token-counts", action="store_true",
                        help="estimate token counts instead (shows the cost of exact counting)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, name, *rest = args.child
        if kind == "speed":
            result = speed_run(name, count_tokens=not rest)
        else:
            result = memory_run(name, float(rest[0]))
        print(json.dumps(result))
        return
    if not CORPUS[0][0].exists():
        sys.exit(f"no corpus at {DATA}")
    print("| strategy | traces | MB | MB/s fresh process (median) | MB/s warm (median) | runs |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for name in args.strategies:
        extra = ["estimate"] if args.no_token_counts else []
        runs = [in_subprocess("speed", name, *extra) for _ in range(args.runs)]
        cold = statistics.median(r["passes"][0]["mb_per_s"] for r in runs)
        warm = statistics.median(r["passes"][1]["mb_per_s"] for r in runs)
        each = ", ".join(
            f"{r['passes'][0]['mb_per_s']:.1f}/{r['passes'][1]['mb_per_s']:.1f}" for r in runs
        )
        size = f"{runs[0]['traces']} | {runs[0]['megabytes']:.1f}"
        print(f"| {name} | {size} | {cold:.1f} | {warm:.1f} | {each} |")
    if args.no_memory:
        return
    print("\n| strategy | corpus share | traces | MB | peak RSS MiB |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for name in args.strategies:
        for fraction in (0.25, 0.5, 1.0):
            r = in_subprocess("memory", name, str(fraction))
            size = f"{r['traces']} | {r['megabytes']:.1f}"
            print(f"| {name} | {fraction:.0%} | {size} | {r['peak_rss_mib']:.0f} |")


if __name__ == "__main__":
    main()
