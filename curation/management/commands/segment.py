"""manage.py segment --project SLUG [--strategy NAME] [--param key=value ...] [--enqueue]"""
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
        parser.add_argument("--trace", type=int, action="append", help="Only these trace ids.")
        parser.add_argument("--enqueue", action="store_true", help="Run on the Celery workers.")

    def handle(self, *args, **opts) -> None:
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        strategy = opts["strategy"]
        if strategy and strategy != "auto":
            from curation.segment import STRATEGIES

            if strategy not in STRATEGIES:
                raise CommandError(f"unknown strategy {strategy!r}: one of auto, {', '.join(STRATEGIES)}")
        params = dict(parse_param(item) for item in opts["param"]) if opts["param"] else None
        self.bar = ProgressBar()
        if opts["enqueue"]:
            run = segmentation.start_segmentation_run(
                project, opts["trace"], strategy=strategy, params=params
            )
            run = follow(run, finished=lambda run: run.is_finished, draw=self._draw)
        else:
            run = segmentation.segment_in_process(
                project, opts["trace"], strategy=strategy, params=params, on_progress=self._draw
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

