"""Scoring a strategy against a file of gold steps: the loop behind eval_segmenter and the bench.

Gold is any file an ingest preset (or a mapping) reads with steps; each record's text is kept as
the source had it (``original``) or rebuilt from its step texts with a joiner, cut by the
strategy, and its boundaries scored against the gold ones.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from curation.ingest.pipeline import parse_stream
from curation.traces.records import TraceRecord

from . import segment_text
from .evaluate import BoundaryScore, gold_text, score_boundaries


def gold_records(
    stream: BinaryIO,
    *,
    name: str = "",
    preset: str = "auto",
    mapping: dict | None = None,
    limit: int | None = None,
) -> Iterator[TraceRecord]:
    """The records of a file that carry steps (at most ``limit``); others are skipped."""
    taken = 0
    parsed = parse_stream(stream, name=name, preset=preset, mapping=mapping)
    for _, record in parsed:
        if isinstance(record, TraceRecord) and record.steps:
            yield record
            taken += 1
            if limit and taken >= limit:
                return


def score_strategy(
    records: Iterable[TraceRecord],
    strategy: str,
    params: dict | None = None,
    *,
    joiner: str = "blank",
    tolerance: int = 0,
    tokenizer=None,
) -> BoundaryScore:
    """Micro-averaged boundary scores of ``strategy`` over the gold records."""
    total = BoundaryScore(tolerance=tolerance)
    for record in records:
        gold = gold_text(record, joiner)
        if gold is None:
            continue
        text, spans = gold
        predicted = segment_text(text, strategy, params, tokenizer=tokenizer)
        total.add(score_boundaries(spans, [(s.start, s.end) for s in predicted], tolerance))
    return total
