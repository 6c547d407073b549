"""Parse-only throughput and peak memory of the ingest core.

Generates a synthetic JSONL of N R1-style traces (10k-60k characters each, LaTeX and
non-ASCII included) in a temporary directory, writes the same records as a JSON array and
as gzipped JSONL, and times ``parse_stream`` over each (container + preset + validation,
no database). Then does the same over the real files in ../shared/data if present.

Every run is a fresh subprocess, so its peak RSS (VmHWM) is its own. Reported:
MB/s of trace text (problem + reasoning + response + answer, UTF-8), MB/s of file bytes,
peak RSS and RSS after imports, as medians over --runs runs.

    .venv/bin/python bench/ingest_parse.py --traces 2000 --runs 5
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
REAL_DATA = REPO.parent / "shared" / "data"
WORDS = (
    "the",
    "so",
    "we",
    "need",
    "to",
    "find",
    "value",
    "of",
    "x",
    "wait",
    "let",
    "me",
    "check",
    "again",
    "therefore",
    "$\\frac{a}{b}$",
    "\\sqrt{2}",
    "≥",
    "θ",
    "step",
    "compute",
    "sum",
    "but",
    "hmm",
    "maybe",
    "then",
    "answer",
    "is",
    "\\boxed{42}",
    "équation",
    "=",
    "+",
    "1",
    "2",
)


def synthetic_trace(rng: random.Random, index: int, min_chars: int, max_chars: int) -> dict:
    target = rng.randint(min_chars, max_chars)
    words: list[str] = []
    size = 0
    while size < target:
        word = rng.choice(WORDS)
        words.append(word + ("\n\n" if rng.random() < 0.02 else " "))
        size += len(word) + 1
    text = "".join(words)
    cut = int(len(text) * 0.85)
    return {
        "id": index,
        "problem": f"Problem {index}: find x such that x^2 = {index}.",
        "solution": f"<think>\n{text[:cut]}\n</think>\n\n{text[cut:]}",
        "answer": str(index),
        "model": "synthetic-r1",
    }


def write_inputs(directory: Path, traces: int, min_chars: int, max_chars: int) -> list[Path]:
    rng = random.Random(1234)
    jsonl, array, gz = (
        directory / "synthetic.jsonl",
        directory / "synthetic.json",
        directory / "synthetic.jsonl.gz",
    )
    with jsonl.open("w", encoding="utf-8") as out:
        for index in range(traces):
            out.write(
                json.dumps(synthetic_trace(rng, index, min_chars, max_chars), ensure_ascii=False)
                + "\n"
            )
    with jsonl.open("rb") as source, array.open("wb") as out:
        out.write(b"[\n")
        for number, line in enumerate(source):
            out.write((b",\n" if number else b"") + line.rstrip(b"\n"))
        out.write(b"\n]\n")
    with jsonl.open("rb") as source, gzip.open(gz, "wb", compresslevel=6) as out:
        while chunk := source.read(1 << 20):
            out.write(chunk)
    return [jsonl, array, gz]


def peak_rss_kb() -> int:
    """This process's peak RSS. VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so a
    child would report its parent's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def measure_once(path: str, mapping_name: str) -> dict:
    """Runs in the child process: parse everything, report time, sizes, RSS."""
    sys.path.insert(0, str(REPO))
    from curation.ingest.known_mappings import KNOWN_MAPPINGS
    from curation.ingest.pipeline import parse_stream
    from curation.traces.records import RecordError

    baseline_kb = peak_rss_kb()
    text_bytes = traces = errors = 0
    started = time.perf_counter()
    with open(path, "rb") as stream:
        mapping = KNOWN_MAPPINGS[mapping_name] if mapping_name else None
        for _, item in parse_stream(stream, name=path, mapping=mapping):
            if isinstance(item, RecordError):
                errors += 1
                continue
            traces += 1
            text_bytes += sum(
                len(v.encode("utf-8", "surrogatepass"))
                for v in (item.problem, item.reasoning, item.response, item.answer)
            )
    elapsed = time.perf_counter() - started
    return {
        "seconds": elapsed,
        "text_bytes": text_bytes,
        "file_bytes": Path(path).stat().st_size,
        "traces": traces,
        "errors": errors,
        "baseline_kb": baseline_kb,
        "peak_kb": peak_rss_kb(),
    }


def measure(path: Path, runs: int, mapping_name: str = "") -> dict:
    results = []
    for _ in range(runs):
        output = subprocess.run(
            [sys.executable, __file__, "--child", str(path), mapping_name],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        results.append(json.loads(output))
    median = {key: statistics.median(r[key] for r in results) for key in results[0]}
    median["text_mb_s"] = statistics.median(r["text_bytes"] / r["seconds"] / 1e6 for r in results)
    median["file_mb_s"] = statistics.median(r["file_bytes"] / r["seconds"] / 1e6 for r in results)
    return median


def report(label: str, result: dict) -> None:
    print(
        f"{label:<52} {result['traces']:>7.0f} traces {result['errors']:>5.0f} errors "
        f"{result['text_bytes'] / 1e6:>8.1f} MB text {result['text_mb_s']:>7.1f} MB/s text "
        f"{result['file_mb_s']:>7.1f} MB/s file  peak RSS {result['peak_kb'] / 1024:>6.1f} MiB "
        f"(after imports {result['baseline_kb'] / 1024:.1f})"
    )


def real_files() -> list[tuple[Path, str]]:
    if not REAL_DATA.is_dir():
        return []
    sys.path.insert(0, str(REPO))
    from tests.ingest.test_real_data import EXPECTATIONS  # the same choices the tests make

    return [
        (REAL_DATA / name, spec.get("mapping", ""))
        for name, spec in sorted(EXPECTATIONS.items())
        if (REAL_DATA / name).exists()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--traces", type=int, default=2000)
    parser.add_argument("--min-chars", type=int, default=10_000)
    parser.add_argument("--max-chars", type=int, default=60_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-real", action="store_true", help="skip the real data files")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {args.runs} runs each, medians")
    with tempfile.TemporaryDirectory(prefix="stepwise-bench-") as directory:
        for path in write_inputs(Path(directory), args.traces, args.min_chars, args.max_chars):
            report(
                f"synthetic {path.name} ({path.stat().st_size / 1e6:.0f} MB)",
                measure(path, args.runs),
            )
    if not args.no_real:
        for path, mapping_name in real_files():
            report(
                f"real {path.name}" + (f" [{mapping_name}]" if mapping_name else ""),
                measure(path, args.runs, mapping_name),
            )


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "--child":
        print(json.dumps(measure_once(sys.argv[2], sys.argv[3] if len(sys.argv) > 3 else "")))
    else:
        main()
