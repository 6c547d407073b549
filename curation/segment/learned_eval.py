"""``eval_segmenter --folds K`` / ``--curve 5,10,...``: how fast the ``learned`` strategy learns.

Kept apart from the command so the command stays a thin shell; plain Python, no Django.
"""
from __future__ import annotations

import json
from typing import Any

from curation.ingest.known_mappings import KNOWN_MAPPINGS

from .evaluate import gold_text
from .gold import gold_records
from .learned import cross_validate, learning_curve


def _examples(stream, opts: dict[str, Any]):
    mapping = KNOWN_MAPPINGS[opts["mapping"]] if opts.get("mapping") else None
    records = gold_records(stream, name=opts["gold"].name, limit=opts.get("limit"),
                           preset="mapping" if mapping else opts.get("preset", "auto"),
                           mapping=mapping)
    for record in records:
        gold = gold_text(record, opts["join"])
        if gold is not None:
            yield gold


def run_learned_eval(opts: dict[str, Any]) -> str:
    """The report of ``--folds`` and/or ``--curve`` (text, or JSON with ``--json``)."""
    result: dict[str, Any] = {"strategy": "learned", "join": opts["join"]}
    if opts.get("folds"):
        with opts["gold"].open("rb") as stream:
            score = cross_validate(_examples(stream, opts), opts["folds"])
        if not score.texts:
            raise ValueError("no record of this file carries gold steps")
        result["folds"] = {"k": opts["folds"], **score.as_dict()}
    if opts.get("curve"):
        sizes = [int(size) for size in opts["curve"].split(",") if size.strip()]
        with opts["gold"].open("rb") as stream:
            curve = learning_curve(_examples(stream, opts), sizes, test=opts.get("test"))
        result["curve"] = [{"train": n, **score.as_dict()} for n, score in curve]
    if opts.get("json"):
        return json.dumps(result, indent=1)
    lines = []
    if "folds" in result:
        f = result["folds"]
        lines.append(f"{f['texts']} texts, {f['k']}-fold cross-validation, joined by {opts['join']}: "
                     f"P {f['precision']:.3f}  R {f['recall']:.3f}  F1 {f['f1']:.3f}")
    for point in result.get("curve", []):
        lines.append(f"trained on {point['train']:>4} texts, scored on {point['texts']}: "
                     f"P {point['precision']:.3f}  R {point['recall']:.3f}  F1 {point['f1']:.3f}")
    return "\n".join(lines)
