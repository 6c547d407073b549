"""manage.py train_segmenter (--project SLUG | --gold FILE ...) [--limit N] [--out PATH]

Trains the ``learned`` strategy's boundary model on people's steps: a project's submitted or
approved human segmentations, or the gold steps of a file. Prints the training record (texts,
cross-validated scores) and where the model is.

``--project`` goes through ``services.learning``, like the Segmenter page: a new version of the
project's model for the field, stored in the database and compared with the rules (here in
this process; ``--enqueue`` hands it to the workers' ``learning`` queue and follows it).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.ingest.presets import PRESETS
from curation.management.progress import follow
from curation.segment.evaluate import JOINERS, ORIGINAL, gold_text
from curation.segment.gold import gold_records
from curation.segment.learned import train_boundary_model


class Command(BaseCommand):
    help = "Train a boundary model for the 'learned' segmentation strategy."

    def add_arguments(self, parser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--project", help="Slug: train on the project's human segmentations.")
        source.add_argument("--gold", type=Path, help="Any file a preset reads with steps.")
        parser.add_argument("--field", default="response", help="The field to cut (--project).")
        parser.add_argument("--enqueue", action="store_true",
                            help="--project: train on the workers and follow the version.")
        parser.add_argument("--approved-only", action="store_true", help="Skip merely submitted ones.")
        parser.add_argument("--preset", default="auto", choices=["auto", *PRESETS])
        parser.add_argument("--mapping", choices=sorted(KNOWN_MAPPINGS), help="A built-in mapping.")
        parser.add_argument("--join", default=ORIGINAL, choices=[*JOINERS, ORIGINAL],
                            help="--gold: rebuild each text from its steps with this joiner.")
        parser.add_argument("--limit", type=int, help="At most this many training texts.")
        parser.add_argument("--folds", type=int, default=5, help="Cross-validation folds (0: none).")
        parser.add_argument("--out", type=Path, help="Where to save the model (default: derived).")

    def handle(self, *args, **opts) -> None:
        if opts["project"]:
            return self._train_project(opts)
        if not opts["gold"].is_file():
            raise CommandError(f"{opts['gold']}: no such file")
        out = opts["out"] or opts["gold"].with_suffix(f".{opts['join']}.boundary-model.json")
        with opts["gold"].open("rb") as stream:
            model = self._train(_gold_examples(stream, opts), opts)
        model.save(out)
        self.stdout.write(json.dumps(model.training, indent=1))
        self.stdout.write(f"model saved to {out.resolve()}")

    def _train_project(self, opts) -> None:
        from curation.models import Project, SegmenterModel
        from curation.services import learning

        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        source = SegmenterModel.Source.APPROVED if opts["approved_only"] else SegmenterModel.Source.SUBMITTED
        if opts["enqueue"]:
            version = learning.start_training(project, opts["field"], source=source)
            version = follow(version, finished=lambda m: m.status != SegmenterModel.Status.TRAINING,
                             draw=lambda m: None)
        else:
            version = learning.train_model(learning.create_version(project, opts["field"], source=source))
        if version.status != SegmenterModel.Status.READY:
            raise CommandError(f"cannot train: {version.message}")
        self.stdout.write(json.dumps(_record(version), indent=1))
        self.stdout.write(f"model stored as version {version.version} of {project.slug}'s "
                          f"{version.field} segmenter (segmenter model #{version.pk}; "
                          f"page /p/{project.slug}/segmenter/)")
        if opts["out"]:
            opts["out"].write_text(version.model_json, encoding="utf-8")
            self.stdout.write(f"model saved to {opts['out'].resolve()}")

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


def _record(version) -> dict:
    names = ("training_size", "folds", "precision", "recall", "f1", "rules_strategy",
             "rules_precision", "rules_recall", "rules_f1", "active")
    return {name: getattr(version, name) for name in names}
