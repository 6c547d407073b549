"""manage.py segment --project SLUG [--field reasoning|response|transcript ...]
[--strategy NAME] [--param key=value ...] [--enqueue]

Without options every non-empty field of every trace is cut with the project's settings; with
``--field`` only those fields; ``--strategy``/``--param`` override the settings for this run
(on the ``--field``s, else on the field the strategy is made for).
"""
from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from curation.management.arguments import parse_param
from curation.management.progress import ProgressBar, follow
from curation.models import Project, SegmentationRun
from curation.services import segmentation


class Command(BaseCommand):
    help = "Cut a project's traces into steps automatically (never touching human segmentations)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True)
        parser.add_argument("--strategy", help="auto, solution, paragraphs, discourse or actions.")
        parser.add_argument(
            "--param", action="append", default=[], metavar="KEY=VALUE",
            help="Strategy parameter, e.g. --param min_tokens=8 (values are JSON or strings).",
        )
        parser.add_argument(
            "--field", action="append", choices=list(segmentation.FIELD_KEYS),
            help="Only this field (repeatable): reasoning, response, or transcript (agents).",
        )
        parser.add_argument("--trace", type=int, action="append", help="Only these trace ids.")
        parser.add_argument("--enqueue", action="store_true", help="Run on the Celery workers.")

    def handle(self, *args, **opts) -> None:
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        options = {
            "strategy": opts["strategy"],
            "params": dict(parse_param(item) for item in opts["param"]) if opts["param"] else None,
            "fields": opts["field"],
        }
        try:  # refused here, with the segmenter's own message, before anything runs
            segmentation.run_config(project, **options)
        except ValueError as error:
            raise CommandError(str(error)) from None
        self.bar = ProgressBar()
        if opts["enqueue"]:
            run = segmentation.start_segmentation_run(project, opts["trace"], **options)
            run = follow(run, finished=lambda run: run.is_finished, draw=self._draw)
        else:
            run = segmentation.segment_in_process(
                project, opts["trace"], on_progress=self._draw, **options
            )
        self._draw(run)
        if run.status == SegmentationRun.Status.FAILED:
            raise CommandError(run.message)
        self.stdout.write(self.style.SUCCESS(
            f"Segmented {run.traces_done - run.skipped_human} traces into {run.steps_created} steps "
            f"({run.skipped_human} left alone: a person or the source had cut them)."
        ))

    def _draw(self, run: SegmentationRun) -> None:
        label = f"{run.traces_done}/{run.traces_total} traces, {run.steps_created} steps"
        self.bar.draw(run.progress_percent, label, finished=run.is_finished)

