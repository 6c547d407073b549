"""manage.py import_traces FILE --project SLUG [--preset auto|NAME] [--map field=path ...] [--atomic]"""
from __future__ import annotations

import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.ingest.presets import PRESETS
from curation.models import FieldMapping, ImportJob, Project
from curation.services.imports import create_import_job, run_import
from curation.tasks import import_traces


class ProgressBar:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, stream=sys.stderr, width: int = 30) -> None:
        self.stream = stream
        self.width = width
        self.last_draw = 0.0

    def __call__(self, job: ImportJob) -> None:
        now = time.monotonic()
        if now - self.last_draw < 0.1 and not job.is_finished:
            return
        self.last_draw = now
        done = int(self.width * job.progress_percent / 100)
        bar = "#" * done + "-" * (self.width - done)
        self.stream.write(
            f"\r[{bar}] {job.progress_percent:3d}%  {job.records_seen} records, "
            f"{job.traces_created} new, {job.duplicates} duplicates, {job.errors_count} errors"
        )
        if job.is_finished:
            self.stream.write("\n")
        self.stream.flush()


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
        parser.add_argument("--mapping", help="Use a mapping saved on the project under this name.")
        parser.add_argument("--save-mapping", help="Save the --map fields on the project.")
        parser.add_argument("--teacher", help="Which teacher to take where a record has several.")
        parser.add_argument("--atomic", action="store_true", help="Import all records or none.")
        parser.add_argument(
            "--enqueue", action="store_true",
            help="Hand the import to the Celery workers and follow its progress.",
        )

    def handle(self, *args, **opts) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        project, created = Project.objects.get_or_create(
            slug=opts["project"], defaults={"name": opts["project"]}
        )
        if created:
            self.stdout.write(f"Created project {project.slug}.")
        preset, mapping = self._preset_and_mapping(project, opts)
        options = {"teacher": opts["teacher"]} if opts["teacher"] else {}
        progress = ProgressBar()
        if opts["enqueue"]:
            with path.open("rb") as upload:
                job = create_import_job(
                    project=project, upload=upload, upload_name=path.name, preset=preset,
                    mapping=mapping, options=options, atomic=opts["atomic"],
                )
            import_traces.delay(job.pk)
            job = self._follow(job, progress)
        else:
            job = create_import_job(
                project=project, local_path=path, preset=preset, mapping=mapping,
                options=options, atomic=opts["atomic"],
            )
            job = run_import(job, on_progress=progress)
        self._report(job)

    def _preset_and_mapping(self, project: Project, opts: dict) -> tuple[str, dict]:
        mapping: dict[str, str] = {}
        if opts["mapping"]:
            saved = FieldMapping.objects.filter(project=project, name=opts["mapping"]).first()
            if saved is None:
                raise CommandError(f"project {project.slug} has no mapping {opts['mapping']!r}")
            mapping.update(saved.fields)
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

    def _follow(self, job: ImportJob, progress: ProgressBar) -> ImportJob:
        while not job.is_finished:
            time.sleep(0.5)
            job.refresh_from_db()
            progress(job)
        return job

    def _report(self, job: ImportJob) -> None:
        self.stdout.write(f"Preset: {job.detected_preset or job.preset}")
        for error in job.errors[:20]:
            self.stdout.write(f"  record {error['location']}: {error['reason']}")
        if job.errors_count > 20:
            self.stdout.write(f"  ... and {job.errors_count - 20} more (see import job #{job.pk})")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.message)
        self.stdout.write(self.style.SUCCESS(job.message))
