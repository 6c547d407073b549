"""manage.py eval_segmenter --gold FILE --strategy NAME [--join blank|newline|space|original] ..."""
from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.ingest.presets import PRESETS
from curation.management.arguments import parse_param
from curation.segment import STRATEGIES
from curation.segment.evaluate import JOINERS, ORIGINAL
from curation.segment.gold import gold_records, score_strategy


class Command(BaseCommand):
    help = "Score a segmentation strategy against the gold steps of a file (boundary P/R/F1)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--gold", required=True, type=Path, help="Any file a preset reads with steps.")
        parser.add_argument("--preset", default="auto", choices=["auto", *PRESETS])
        parser.add_argument("--mapping", choices=sorted(KNOWN_MAPPINGS), help="A built-in mapping.")
        parser.add_argument("--strategy", required=True, choices=sorted(STRATEGIES))
        parser.add_argument("--param", action="append", default=[], metavar="KEY=VALUE")
        parser.add_argument(
            "--join", default="blank", choices=[*JOINERS, ORIGINAL],
            help="Rebuild each text from its gold steps with this joiner, or keep the original text.",
        )
        parser.add_argument("--tolerance", type=int, default=5, help="Characters for near matches.")
        parser.add_argument("--limit", type=int, help="At most this many gold records.")
        parser.add_argument("--json", action="store_true", help="Print the scores as JSON.")
        learned = parser.add_argument_group("learned strategy")
        learned.add_argument("--model", help="A saved boundary model (train_segmenter).")
        learned.add_argument("--folds", type=int,
                             help="Train on the other folds and score each (K = records: leave one out).")
        learned.add_argument("--curve", help="Learning curve: training sizes, e.g. 5,10,25,50,100.")
        learned.add_argument("--test", type=int, default=500, help="--curve: held-out texts.")

    def handle(self, *args, **opts) -> None:
        if not opts["gold"].is_file():
            raise CommandError(f"{opts['gold']}: no such file")
        params = dict(parse_param(item) for item in opts["param"])
        if opts["model"]:
            params["model"] = opts["model"]
        if opts["folds"] or opts["curve"]:
            if opts["strategy"] != "learned":
                raise CommandError("--folds and --curve train models: use them with --strategy learned")
            from curation.segment.learned_eval import run_learned_eval

            try:
                self.stdout.write(run_learned_eval(opts))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            return
        mapping = KNOWN_MAPPINGS[opts["mapping"]] if opts["mapping"] else None
        with opts["gold"].open("rb") as stream:
            records = gold_records(
                stream, name=opts["gold"].name, preset="mapping" if mapping else opts["preset"],
                mapping=mapping, limit=opts["limit"],
            )
            try:
                score = score_strategy(
                    records, opts["strategy"], params, joiner=opts["join"], tolerance=opts["tolerance"]
                )
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
        if not score.texts:
            raise CommandError("no record of this file carries gold steps")
        result = {"strategy": opts["strategy"], "join": opts["join"], **score.as_dict()}
        if opts["json"]:
            self.stdout.write(json.dumps(result, indent=1))
            return
        self.stdout.write(
            f"{score.texts} texts, strategy {opts['strategy']}, joined by {opts['join']}\n"
            f"  exact:     P {score.precision:.3f}  R {score.recall:.3f}  F1 {score.f1:.3f}\n"
            f"  ±{opts['tolerance']} chars: P {score.precision_near:.3f}  R {score.recall_near:.3f}  "
            f"F1 {score.f1_near:.3f}\n"
            f"  mean |step-count error|: {score.mean_step_count_error:.2f}"
        )
