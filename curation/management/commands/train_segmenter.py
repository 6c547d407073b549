"""manage.py train_segmenter (--project SLUG | --gold FILE ...) [--limit N] [--out PATH]

Trains the ``learned`` strategy's boundary model on people's steps: a project's submitted or
approved human segmentations (read here through the ORM), or the gold steps of a file. Prints
the training record (texts, cross-validated scores) and where the model is.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.ingest.presets import PRESETS
from curation.segment.evaluate import JOINERS, ORIGINAL, gold_text
from curation.segment.gold import gold_records
from curation.segment.learned import train_boundary_model


class Command(BaseCommand):
    help = "Train a boundary model for the 'learned' segmentation strategy."

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--project", help="Slug: train on the project's human segmentations.")
        source.add_argument("--gold", type=Path, help="Any file a preset reads with steps.")
        parser.add_argument("--field", help="Only segmentations of this field (--project).")
        parser.add_argument("--approved-only", action="store_true", help="Skip merely submitted ones.")
        parser.add_argument("--preset", default="auto", choices=["auto", *PRESETS])
        parser.add_argument("--mapping", choices=sorted(KNOWN_MAPPINGS), help="A built-in mapping.")
        parser.add_argument("--join", default=ORIGINAL, choices=[*JOINERS, ORIGINAL],
                            help="--gold: rebuild each text from its steps with this joiner.")
        parser.add_argument("--limit", type=int, help="At most this many training texts.")
        parser.add_argument("--folds", type=int, default=5, help="Cross-validation folds (0: none).")
        parser.add_argument("--out", type=Path, help="Where to save the model (default: derived).")

    def handle(self, *args, **opts) -> None:
        if opts["gold"]:
            if not opts["gold"].is_file():
                raise CommandError(f"{opts['gold']}: no such file")
            out = opts["out"] or opts["gold"].with_suffix(f".{opts['join']}.boundary-model.json")
            with opts["gold"].open("rb") as stream:
                model = self._train(_gold_examples(stream, opts), opts)
        else:
            out = opts["out"] or Path(f"{opts['project']}.boundary-model.json")
            model = self._train(_project_examples(opts), opts)
        model.save(out)
        self.stdout.write(json.dumps(model.training, indent=1))
        self.stdout.write(f"model saved to {out.resolve()}")

    def _train(self, examples: Iterator, opts):
        try:
            return train_boundary_model(examples, folds=opts["folds"], limit=opts["limit"])
        except ValueError as exc:
            raise CommandError(f"cannot train: {exc}") from exc


def _gold_examples(stream, opts) -> Iterator[tuple[str, list]]:
    mapping = KNOWN_MAPPINGS[opts["mapping"]] if opts["mapping"] else None
    records = gold_records(stream, name=opts["gold"].name,
                           preset="mapping" if mapping else opts["preset"], mapping=mapping)
    for record in records:
        gold = gold_text(record, opts["join"])
        if gold is not None:
            yield gold


def _project_examples(opts) -> Iterator[tuple[str, list]]:
    """(field text, steps) of the project's human segmentations, submitted or approved."""
    from curation.models import Project, Segmentation

    if not Project.objects.filter(slug=opts["project"]).exists():
        raise CommandError(f"no project {opts['project']!r}")
    statuses = [Segmentation.Status.APPROVED]
    if not opts["approved_only"]:
        statuses.append(Segmentation.Status.SUBMITTED)
    found = Segmentation.objects.filter(
        trace__project__slug=opts["project"], origin=Segmentation.Origin.HUMAN, status__in=statuses
    )
    if opts["field"]:
        found = found.filter(field=opts["field"])
    for segmentation in found.select_related("trace").prefetch_related("steps").iterator(chunk_size=200):
        steps = [(step.start, step.end) for step in segmentation.steps.all()]
        if steps:
            yield segmentation.trace.field_text(segmentation.field), steps
