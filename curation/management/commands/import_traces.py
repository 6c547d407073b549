"""manage.py import_traces FILE --project SLUG [--preset auto|NAME] [--map field=path ...] [--atomic]"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from curation.ingest.budget import upload_too_large
from curation.ingest.presets import PRESETS
from curation.management.progress import ProgressBar, follow
from curation.models import FieldMapping, ImportJob, Project, SegmentationRun
from curation.services.projects import ProjectArchived
from curation.services.imports import (
    UnsupportedFile, check_container, create_import_job, outcome, run_import, saved_mappings,
    segment_new_traces, start_import,
)


def draw_job(bar: ProgressBar, job: ImportJob) -> None:
    bar.draw(
        job.progress_percent,
        f"{job.records_seen} records, {job.traces_created} new, {job.duplicates} duplicates, "
        f"{job.errors_count} errors",
        finished=job.is_finished,
    )


class Command(BaseCommand):
    help = "Import a file of teacher traces (JSONL, JSON, CSV, Parquet; optionally gzip)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--project", required=True, help="Project slug (created if missing).")
        parser.add_argument(
            "--preset", default="auto", choices=["auto", *PRESETS], help="Input format."
        )
        parser.add_argument(
            "--map", action="append", default=[], metavar="FIELD=PATH",
            help="Field mapping, e.g. --map problem=question.text (implies --preset mapping).",
        )
        parser.add_argument(
            "--mapping", help="Use a mapping saved on the project, or a built-in one for a known source."
        )
        parser.add_argument("--save-mapping", help="Save the --map fields on the project.")
        parser.add_argument("--teacher", help="Which teacher to take where a record has several.")
        parser.add_argument("--atomic", action="store_true", help="Import all records or none.")
        parser.add_argument(
            "--no-segment", action="store_true", help="Skip the automatic segmentation afterwards."
        )
        parser.add_argument(
            "--enqueue", action="store_true",
            help="Hand the import to the Celery workers and follow its progress.",
        )

    def handle(self, *args, **opts) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        with path.open("rb") as stream:
            try:
                check_container(stream, path.name)
            except UnsupportedFile as exc:
                raise CommandError(f"{path}: {exc}") from None
        # --enqueue uploads the file to storage for the workers: an upload's limit applies. Read
        # in place, a file is bounded by the import limits alone.
        too_large = upload_too_large(path.stat().st_size, settings.STEPWISE_MAX_UPLOAD_BYTES)
        if opts["enqueue"] and too_large:
            raise CommandError(f"{path}: {too_large}")
        project, created = Project.objects.get_or_create(
            slug=opts["project"], defaults={"name": opts["project"]}
        )
        if created:
            self.stdout.write(f"Created project {project.slug}.")
        if project.is_archived:
            raise CommandError(str(ProjectArchived(project)))
        preset, mapping = self._preset_and_mapping(project, opts)
        options = {"teacher": opts["teacher"]} if opts["teacher"] else {}
        progress = partial(draw_job, ProgressBar())
        if opts["enqueue"]:
            with path.open("rb") as upload:
                job = create_import_job(
                    project=project, upload=upload, upload_name=path.name, preset=preset,
                    mapping=mapping, options=options, atomic=opts["atomic"],
                )
            start_import(job)
            job = follow(job, finished=lambda job: job.is_finished, draw=progress)
            progress(job)
            if job.status == ImportJob.Status.DONE and job.traces_created:
                self._follow_segmentation(job)
        else:
            job = create_import_job(
                project=project, local_path=path, preset=preset, mapping=mapping,
                options=options, atomic=opts["atomic"],
            )
            job = run_import(job, on_progress=progress)
        self._report(job)
        if not opts["enqueue"] and not opts["no_segment"]:
            self._segment(job)
        self._say_outcome(job)

    def _preset_and_mapping(self, project: Project, opts: dict) -> tuple[str, dict]:
        mapping: dict[str, str] = {}
        if opts["mapping"]:
            known = saved_mappings(project)
            if opts["mapping"] not in known:
                raise CommandError(
                    f"no mapping {opts['mapping']!r} on project {project.slug} (known: {', '.join(known)})"
                )
            mapping.update(known[opts["mapping"]])
        for item in opts["map"]:
            field, sep, dotted = item.partition("=")
            if not sep or not field or not dotted:
                raise CommandError(f"--map {item!r}: expected FIELD=PATH")
            mapping[field.strip()] = dotted.strip()
        if opts["save_mapping"]:
            if not mapping:
                raise CommandError("--save-mapping needs --map fields")
            FieldMapping.objects.update_or_create(
                project=project, name=opts["save_mapping"], defaults={"fields": mapping}
            )
        preset = "mapping" if mapping else opts["preset"]
        return preset, mapping

    def _segment(self, job: ImportJob) -> None:
        """Cut the new traces in this process, as a worker would after an upload."""
        bar = ProgressBar()
        run = segment_new_traces(
            job,
            in_process=True,
            on_progress=lambda run: bar.draw(
                run.progress_percent, f"segmented {run.traces_done}/{run.traces_total}",
                finished=run.is_finished,
            ),
        )
        if run is not None and run.status == SegmentationRun.Status.DONE:
            self.stdout.write(
                f"Segmented {run.traces_done - run.skipped_human} new traces into "
                f"{run.steps_created} steps."
            )

    def _follow_segmentation(self, job: ImportJob) -> None:
        """On the workers the import's task segments after it imports: wait for that too."""
        bar = ProgressBar()

        def finished(job: ImportJob) -> bool:
            run = job.segmentation_runs.first()
            return run is not None and run.is_finished

        def draw(job: ImportJob) -> None:
            run = job.segmentation_runs.first()
            if run is not None:
                bar.draw(run.progress_percent, f"segmented {run.traces_done}/{run.traces_total}")

        follow(job, finished=finished, draw=draw)

    def _say_outcome(self, job: ImportJob) -> None:
        """"imported 60 traces; segmentation failed: ..." is a failure of the command."""
        run = job.segmentation_runs.first()
        if run is not None and run.status == SegmentationRun.Status.FAILED:
            raise CommandError(outcome(job))
        if run is not None:
            self.stdout.write(outcome(job))

    def _report(self, job: ImportJob) -> None:
        chosen = getattr(job, "chosen_mapping", "")
        self.stdout.write(
            f"Preset: {job.detected_preset or job.preset}"
            + (f" (mapping {chosen!r}, chosen automatically)" if chosen else "")
        )
        for error in job.errors[:20]:
            self.stdout.write(f"  record {error['location']}: {error['reason']}")
        if job.errors_count > 20:
            self.stdout.write(f"  ... and {job.errors_count - 20} more (see import job #{job.pk})")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.message)
        self.stdout.write(self.style.SUCCESS(job.message))
