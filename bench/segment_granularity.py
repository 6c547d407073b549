"""Reasoning granularity: the ``discourse`` default (moves) against section-level gold.

    .venv/bin/python bench/segment_granularity.py [--tolerance 5] [--limit N]

No file in ../shared/data has human *section* annotations of long chains of thought; the two
with typed sentence chunks give the nearest thing: a section is a run of consecutive chunks
with the same function (thought-anchors ``function_tags``; the MATH-500 topology parser's
``behavior``), so a section boundary is where the reasoning changes what it is doing. For each
configuration the bench prints:

* F1 (within +/- tolerance characters) against those sections, and the mean |step-count error|;
* precision against the sentence chunks themselves: how many of its cuts fall where the gold
  cuts at all (a coarse cut between two gold chunks is right even when it is not a section);
* on R1-length traces (thought-anchors CoTs of 10k+ characters, the topology traces of 5k+),
  steps per trace and characters per step (median, p10, p90), and the speed of the core.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from curation.ingest.known_mappings import KNOWN_MAPPINGS  # noqa: E402
from curation.segment import segment_text  # noqa: E402
from curation.segment.evaluate import BoundaryScore, score_boundaries, trim_spans  # noqa: E402
from curation.segment.gold import gold_records  # noqa: E402

DATA = REPO.parent / "shared" / "data"
GOLD = (
    ("thought-anchors chunks_labeled", "thought_anchors_r1_distill_chunked", "thought_anchors_chunked"),
    ("R1 MATH-500 episodes", "r1_math500_traces_topology_parsed", "r1_math500_parsed_episodes"),
)
CONFIGS = (
    ("sentence", {"granularity": "sentence"}),
    ("move 20-400 (before)", {"granularity": "move", "min_tokens": 20, "max_tokens": 400}),
    ("move 60-300", {"granularity": "move", "min_tokens": 60, "max_tokens": 300}),
    ("**move 100-400 (default)**", {}),
    ("move 150-600", {"granularity": "move", "min_tokens": 150, "max_tokens": 600}),
)


def sections(record) -> list[tuple[int, int]]:
    """Runs of consecutive gold steps of the same type, as spans of the record's field."""
    text = getattr(record, record.steps_field)
    merged: list[list] = []
    for step in record.steps:
        if merged and merged[-1][2] == step.type:
            merged[-1][1] = step.end
        else:
            merged.append([step.start, step.end, step.type])
    return trim_spans(text, [(start, end) for start, end, _ in merged])


def gold(stem: str, mapping: str, limit: int | None) -> list:
    with (DATA / f"{stem}.jsonl").open("rb") as stream:
        return list(gold_records(stream, name=stem, preset="mapping",
                                 mapping=KNOWN_MAPPINGS[mapping], limit=limit))


def long_traces() -> list[str]:
    texts = []
    with (DATA / "thought_anchors_r1_distill_cots.jsonl").open() as lines:
        texts += [t for t in (json.loads(line)["solution"] for line in lines) if len(t) >= 10_000]
    with (DATA / "r1_math500_traces_topology.jsonl").open() as lines:
        texts += [t for t in (json.loads(line)["full_response"] for line in lines) if len(t) >= 5_000]
    return texts


def score(records, params: dict, tolerance: int) -> tuple[BoundaryScore, BoundaryScore]:
    by_section, by_chunk = BoundaryScore(tolerance=tolerance), BoundaryScore(tolerance=tolerance)
    for record in records:
        text = getattr(record, record.steps_field)
        predicted = [(s.start, s.end) for s in segment_text(text, "discourse", params)]
        by_section.add(score_boundaries(sections(record), predicted, tolerance))
        chunks = trim_spans(text, [(s.start, s.end) for s in record.steps])
        by_chunk.add(score_boundaries(chunks, predicted, tolerance))
    return by_section, by_chunk


def sizes(texts: list[str], params: dict) -> dict:
    started = time.process_time()
    per_trace, chars = [], []
    for text in texts:
        steps = segment_text(text, "discourse", params)
        per_trace.append(len(steps))
        chars += [s.end - s.start for s in steps]
    seconds = time.process_time() - started
    chars.sort()
    return {
        "steps": statistics.median(per_trace), "chars": statistics.median(chars),
        "p10": chars[len(chars) // 10], "p90": chars[9 * len(chars) // 10],
        "mb_s": sum(map(len, texts)) / 1e6 / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"no gold data at {DATA}")
    golds = [(name, gold(stem, mapping, args.limit)) for name, stem, mapping in GOLD]
    texts = long_traces()[: args.limit]
    segment_text(texts[0], "discourse")  # load the tokenizer and spaCy outside the timing
    mean_gold = {name: statistics.mean(len(sections(r)) for r in rs) for name, rs in golds}
    print(f"gold sections per text: " + ", ".join(f"{n} {v:.1f}" for n, v in mean_gold.items()))
    print(f"R1-length traces: {len(texts)}, median {statistics.median(map(len, texts)):,.0f} chars")
    print()
    head = " | ".join(f"{name}: section F1±{args.tolerance} / count err / chunk precision"
                      for name, _ in golds)
    print(f"| granularity | {head} | R1-length: steps per trace | chars per step, median (p10-p90) | core MB/s (CPU) |")
    print("| --- | " + " | ".join("---" for _ in golds) + " | ---: | --- | ---: |")
    for label, params in CONFIGS:
        cells = []
        for _, records in golds:
            by_section, by_chunk = score(records, params, args.tolerance)
            cells.append(f"{by_section.f1_near:.3f} / {by_section.mean_step_count_error:.1f}"
                         f" / {by_chunk.precision_near:.3f}")
        size = sizes(texts, params)
        print(f"| {label} | " + " | ".join(cells) + f" | {size['steps']:.0f} | "
              f"{size['chars']:.0f} ({size['p10']}-{size['p90']}) | {size['mb_s']:.1f} |")


if __name__ == "__main__":
    main()
