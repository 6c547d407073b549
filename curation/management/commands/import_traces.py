"""manage.py import_traces FILE --project SLUG [--preset auto|NAME] [--map field=path ...] [--atomic]"""
from __future__ import annotations

from functools import partial
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from curation.ingest.presets import PRESETS
from curation.management.progress import ProgressBar, follow
from curation.models import FieldMapping, ImportJob, Project
from curation.services.projects import ProjectArchived
from curation.services.imports import (
    create_import_job, run_import, saved_mappings, segment_new_traces, start_import,
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
        else:
            job = create_import_job(
                project=project, local_path=path, preset=preset, mapping=mapping,
                options=options, atomic=opts["atomic"],
            )
            job = run_import(job, on_progress=progress)
        self._report(job)
        if not opts["enqueue"] and not opts["no_segment"]:
            self._segment(job)

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
        if run is None:
            return
        self.stdout.write(
            f"Segmented {run.traces_done - run.skipped_human} new traces into {run.steps_created} steps."
        )

    def _report(self, job: ImportJob) -> None:
        self.stdout.write(f"Preset: {job.detected_preset or job.preset}")
        for error in job.errors[:20]:
            self.stdout.write(f"  record {error['location']}: {error['reason']}")
        if job.errors_count > 20:
            self.stdout.write(f"  ... and {job.errors_count - 20} more (see import job #{job.pk})")
        if job.status == ImportJob.Status.FAILED:
            raise CommandError(job.message)
        self.stdout.write(self.style.SUCCESS(job.message))
