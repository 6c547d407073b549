"""The learned strategy: learning curves per source, inference speed, training time, memory.

    .venv/bin/python bench/segment_learned.py curves [--sizes 5,10,25,50,100] [--test 300]
    .venv/bin/python bench/segment_learned.py speed [--runs 3]
    .venv/bin/python bench/segment_learned.py train [--texts 1000]
    .venv/bin/python bench/segment_learned.py memory

curves: for each source of bench/segment_quality.py, its records (at most 200 per file) are
shuffled (seed 0), rebuilt with each joiner, featurized once; a model is trained on the first N
and scored (exact boundary F1) on the same held-out texts after the largest N.
speed: a model trained on 100 PRMBench texts joined by spaces; the speed corpus of
bench/segment.py in chunks of 2 million characters, each through ``segment_texts(chunk,
"learned")`` as a segmentation worker cuts a chunk (``--per-text``: ``segment_text`` per text),
exact token counts, in a fresh process pinned to one core. MB/s of process CPU time, fresh
(first pass: the model loads, token caches start empty) and warm (second), median of the runs;
startup (imports and the tokenizer, what a worker's warm-up does) is reported apart.
train: CPU seconds to featurize and fit N texts (PRMBench, space-joined), without and with
5-fold cross-validation, one core.
memory: peak RSS of a process streaming the first 25% and 100% of the speed corpus (in chunks,
through ``segment_texts``).
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from segment import one_core, traces  # noqa: E402
from segment_quality import SOURCES, records  # noqa: E402

from curation.segment.evaluate import gold_text  # noqa: E402
from curation.segment.learned import featurize_all, learning_curve, train_boundary_model  # noqa: E402

MODEL = Path("/tmp/stepwise-bench-learned-model.json")


def shuffled(source, limit: int = 200) -> list:
    found = records(source, limit)
    random.Random(0).shuffle(found)
    return found


def curves(sizes: list[int], test: int) -> None:
    print("| source | joined by | " + " | ".join(f"F1 after {n}" for n in sizes) + " | held out |")
    print("| --- | --- | " + " | ".join("---:" for _ in sizes) + " | ---: |")
    for source in SOURCES:
        found = shuffled(source)
        usable = [n for n in sizes if n < len(found) - 5] or [min(sizes)]
        for joiner in source.joiners:
            examples = [g for g in (gold_text(r, joiner) for r in found) if g]
            curve = dict(learning_curve(examples, usable, test=test))
            cells = [f"{curve[n].f1:.3f}" if n in curve else "" for n in sizes]
            held = next(iter(curve.values())).texts
            print(f"| {source.name} | {joiner} | " + " | ".join(cells) + f" | {held} |", flush=True)


def train_model() -> None:
    prm = next(s for s in SOURCES if s.name == "PRMBench")
    examples = [gold_text(r, "space") for r in shuffled(prm)[:100]]
    train_boundary_model(examples).save(MODEL)


CHUNK_CHARS = 2_000_000  # STEPWISE_SEGMENT_CHUNK_CHARS: what one worker task cuts


def chunks(texts: Iterable[str], max_chars: int = CHUNK_CHARS) -> Iterator[list[str]]:
    """The texts in runs of about ``max_chars`` characters, as ``runs.chunk_ids`` makes them."""
    chunk: list[str] = []
    chars = 0
    for text in texts:
        if chunk and chars + len(text) > max_chars:
            yield chunk
            chunk, chars = [], 0
        chunk.append(text)
        chars += len(text)
    if chunk:
        yield chunk


def speed_run(per_text: bool = False) -> dict:
    """Startup (imports, tokenizer, as a worker's warm-up does) and two passes over the corpus;
    the model is loaded in the first pass (a worker's first chunk). Chunks go through
    ``segment_texts`` as ``segment_chunk`` sends them; ``per_text``: ``segment_text`` per text."""
    began = time.process_time()
    one_core()
    from curation.segment import load_tokenizer, segment_text, segment_texts

    tokenizer = load_tokenizer(None)
    startup = time.process_time() - began
    texts = list(traces())
    megabytes = sum(len(t.encode()) for t in texts) / 1e6
    params = {"model": str(MODEL)}
    result = {"traces": len(texts), "mb": round(megabytes, 1), "startup_cpu_s": round(startup, 2)}
    for label in ("fresh", "warm"):
        began = time.process_time()
        if per_text:
            for text in texts:
                segment_text(text, "learned", params, tokenizer=tokenizer)
        else:
            for chunk in chunks(texts):
                segment_texts(chunk, "learned", params, tokenizer=tokenizer)
        result[label] = round(megabytes / (time.process_time() - began), 2)
    result["lightgbm_imported"] = "lightgbm" in sys.modules
    return result


def memory_run(fraction: float) -> dict:
    one_core()
    from curation.segment import segment_texts

    count = 0
    for chunk in chunks(traces(fraction)):
        segment_texts(chunk, "learned", {"model": str(MODEL)})
        count += len(chunk)
    return {"fraction": fraction, "traces": count,
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


def in_subprocess(*args: str) -> dict:
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def train_timing(count: int) -> None:
    one_core()
    prm = next(s for s in SOURCES if s.name == "PRMBench")
    found = records(prm, None)[:count]
    examples = [gold_text(r, "space") for r in found]
    for folds in (0, 5):
        began = time.process_time()
        model = train_boundary_model(iter(examples), folds=folds)
        spent = time.process_time() - began
        print(f"{len(examples)} texts, {model.training['candidates']} candidates, folds {folds}: "
              f"{spent:.1f} s CPU" + (f", cv F1 {model.training['cv']['f1']:.3f}" if folds else ""))
    began = time.process_time()
    featurize_all(iter(examples))
    print(f"  of which featurizing: {time.process_time() - began:.1f} s CPU")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["curves", "speed", "train", "memory", "_speed", "_memory"])
    parser.add_argument("--sizes", default="5,10,25,50,100")
    parser.add_argument("--test", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--texts", type=int, default=1000)
    parser.add_argument("--fraction", type=float, default=1.0)
    parser.add_argument("--per-text", action="store_true", help="speed: segment_text per text")
    args = parser.parse_args()
    if args.mode == "curves":
        curves([int(n) for n in args.sizes.split(",")], args.test)
    elif args.mode == "train":
        train_timing(args.texts)
    elif args.mode == "_speed":
        print(json.dumps(speed_run(args.per_text)))
    elif args.mode == "_memory":
        print(json.dumps(memory_run(args.fraction)))
    elif args.mode == "speed":
        train_model()
        flags = ["--per-text"] if args.per_text else []
        runs = [in_subprocess("_speed", *flags) for _ in range(args.runs)]
        print(json.dumps(runs))
        print(f"fresh {statistics.median(r['fresh'] for r in runs)} MB/s, "
              f"warm {statistics.median(r['warm'] for r in runs)} MB/s (median of {len(runs)})")
    else:
        train_model()
        for fraction in (0.25, 1.0):
            print(json.dumps(in_subprocess("_memory", "--fraction", str(fraction))))


if __name__ == "__main__":
    main()
