"""Segmentation quality: boundary F1 of each strategy against the gold steps in ../shared/data.

    .venv/bin/python bench/segment_quality.py [--tolerance 5] [--limit N] [--json]

Every gold file is read with the ingest pipeline (its preset, or a known mapping), each text is
rebuilt from its gold steps (joined by a blank line, a newline and a space for step lists; kept
as the source had it for chunked reasoning), cut by each strategy and scored. Prints a markdown
table: exact boundary F1, F1 within +/- tolerance characters, and the mean absolute step-count
error. A bold cell is a strategy on a source it is meant for.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from curation.ingest.known_mappings import KNOWN_MAPPINGS  # noqa: E402
from curation.segment.evaluate import BoundaryScore  # noqa: E402
from curation.segment.gold import gold_records, score_strategy  # noqa: E402

DATA = REPO.parent / "shared" / "data"
STEP_LIST_JOINERS = ("blank", "newline", "space")


@dataclass(frozen=True)
class Source:
    name: str
    files: tuple[str, ...]
    joiners: tuple[str, ...] = STEP_LIST_JOINERS
    mapping: str | None = None  # a KNOWN_MAPPINGS name; None: the preset auto-detects
    meant_for: tuple[str, ...] = ("solution",)


SOURCES = (
    Source(
        "ProcessBench", ("processbench_gsm8k", "processbench_math", "processbench_olympiadbench")
    ),
    Source(
        "BIG-Bench-Mistake",
        tuple(
            f"bigbench_mistake_{t}"
            for t in (
                "dyck_languages",
                "logical_deduction",
                "multistep_arithmetic",
                "tracking_shuffled_objects",
                "word_sorting",
            )
        ),
    ),
    Source(
        "PRMBench",
        (
            "prmbench_prm800k_test_p1",
            "prmbench_prm800k_test_p2",
            "prmbench_prm800k_train_p1_first400",
            "prmbench_multi_solutions_qwq",
        ),
    ),
    Source(
        "thought-anchors chunks (chunks_labeled)",
        ("thought_anchors_r1_distill_chunked",),
        ("original",),
        "thought_anchors_chunked",
        ("discourse",),
    ),
    Source(
        "thought-anchors chunk labels",
        ("thought_anchors_chunk_category_labels",),
        ("original",),
        "thought_anchors_chunk_labels",
        ("discourse",),
    ),
    Source(
        "R1 MATH-500 episodes",
        ("r1_math500_traces_topology_parsed",),
        ("original",),
        "r1_math500_parsed_episodes",
        ("discourse",),
    ),
)

# (column name, strategy, params)
CONFIGS = (
    ("solution", "solution", {}),
    ("paragraphs", "paragraphs", {}),
    ("discourse", "discourse", {"granularity": "sentence"}),
    ("discourse (spaCy sentencizer)", "discourse", {"granularity": "sentence", "sentencizer": "spacy"}),
    ("discourse (move)", "discourse", {"granularity": "move", "min_tokens": 20}),
)


def records(source: Source, limit: int | None) -> list:
    """The gold records of a source (records without steps are skipped)."""
    mapping = KNOWN_MAPPINGS[source.mapping] if source.mapping else None
    found = []
    for stem in source.files:
        path = DATA / f"{stem}.jsonl"
        if path.exists():
            options = {"preset": "mapping" if mapping else "auto", "mapping": mapping}
            with path.open("rb") as stream:
                found.extend(gold_records(stream, name=path.name, limit=limit, **options))
    return found


def evaluate(
    source: Source, joiner: str, limit: int | None, tolerance: int
) -> dict[str, BoundaryScore]:
    """Each configuration's scores on one source, its texts rebuilt with ``joiner``."""
    gold = records(source, limit)
    return {
        name: score_strategy(gold, strategy, params, joiner=joiner, tolerance=tolerance)
        for name, strategy, params in CONFIGS
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tolerance", type=int, default=5)
    parser.add_argument("--limit", type=int, default=None, help="records per file (default: all)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of markdown")
    parser.add_argument("--source", action="append", help="only sources whose name contains this")
    args = parser.parse_args()
    if not DATA.exists():
        sys.exit(f"no gold data at {DATA}")
    rows = []
    for source in SOURCES:
        if args.source and not any(s.lower() in source.name.lower() for s in args.source):
            continue
        for joiner in source.joiners:
            scores = evaluate(source, joiner, args.limit, args.tolerance)
            rows.append((source, joiner, scores))
            print(f"done: {source.name} / {joiner}", file=sys.stderr)
    if args.json:
        print(
            json.dumps(
                [
                    {"source": s.name, "joiner": j, **{n: sc.as_dict() for n, sc in scores.items()}}
                    for s, j, scores in rows
                ],
                indent=1,
            )
        )
    else:
        print(markdown(rows, args.tolerance))


def markdown(rows, tolerance: int) -> str:
    names = [name for name, _, _ in CONFIGS]
    lines = [
        f"F1 exact / F1 ±{tolerance} chars / mean |step-count error|; "
        "**bold**: the strategy's own kind of source.",
        "",
        "| source | joined by | texts | " + " | ".join(names) + " |",
        "| --- | --- | ---: | " + " | ".join("---" for _ in names) + " |",
    ]
    for source, joiner, scores in rows:
        cells = []
        for name, strategy, _ in CONFIGS:
            score = scores[name]
            cell = f"{score.f1:.3f} / {score.f1_near:.3f} / {score.mean_step_count_error:.1f}"
            cells.append(f"**{cell}**" if strategy in source.meant_for else cell)
        texts = next(iter(scores.values())).texts
        lines.append(f"| {source.name} | {joiner} | {texts} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
