"""CPU seconds of the cutting a segmentation chunk does, in process, and its output for diffing.

    .venv/bin/python bench/segment_chunk_cpu.py [--traces 300] [--runs 5] [--dump out.json]
        [--seed 7]

The traces are generated as ``bench/segment_db.py`` generates its corpus (same function, seed
7 unless ``--seed`` says otherwise): R1-length reasoning cut from the real R1-distill traces and
a real final answer. Each trace is cut as ``segmentation.segment_chunk`` cuts it under the
default settings: the reasoning with ``discourse`` (move), the response with ``solution``, the
default tokenizer, then ``tag_steps`` with the default label schema. One untimed pass warms the
caches (a worker that has been running), then the median of ``--runs`` timed passes
(``time.process_time``, so other load on the machine does not count). ``--dump`` writes every
step (start, end, type, tokens, title) as JSON: two versions of the code cut identically when
their dumps are byte-identical.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from segment_db import write_corpus  # noqa: E402

from curation.segment import (  # noqa: E402
    DEFAULT_LABEL_SCHEMA, load_tokenizer, segment_text, tag_steps,
)


def fields_of(count: int, seed: int = 7) -> list[tuple[str, str]]:
    """(reasoning, response) of ``count`` generated traces."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "corpus.jsonl"
        write_corpus(path, count, seed=seed)
        records = [json.loads(line)["output"] for line in path.open(encoding="utf-8")]
    fields = []
    for output in records:
        think, _, response = output.partition("</think>")
        fields.append((think.split("<think>")[-1].strip("\n"), response.strip()))
    return fields


def _row(step) -> tuple:
    return (step.start, step.end, step.type, step.token_count, step.title)


def cut_all(fields: list[tuple[str, str]], tokenizer) -> list[list[tuple]]:
    steps_of_each = []
    for reasoning, response in fields:
        for text, strategy in ((reasoning, "discourse"), (response, "solution")):
            if text.strip():
                steps = segment_text(text, strategy, {}, tokenizer=tokenizer)
                tag_steps(text, steps, DEFAULT_LABEL_SCHEMA)
                steps_of_each.append([_row(step) for step in steps])
    return steps_of_each


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dump", type=Path)
    parser.add_argument("--seed", type=int, default=7, help="of the generated corpus")
    args = parser.parse_args()
    fields = fields_of(args.traces, args.seed)
    tokenizer = load_tokenizer(None)
    cut = cut_all(fields, tokenizer)  # warms the caches, and is what --dump writes
    seconds = []
    for _ in range(args.runs):
        start = time.process_time()
        cut_all(fields, tokenizer)
        seconds.append(time.process_time() - start)
    megabytes = sum(len(a.encode()) + len(b.encode()) for a, b in fields) / 1e6
    median = statistics.median(seconds)
    print(f"{args.traces} traces, {megabytes:.2f} MB: median CPU {median:.2f} s, "
          f"{megabytes / median:.2f} MB per CPU s (runs: {', '.join(f'{s:.2f}' for s in seconds)})")
    if args.dump:
        args.dump.write_text(json.dumps(cut))


if __name__ == "__main__":
    main()
