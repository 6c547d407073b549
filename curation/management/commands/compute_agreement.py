"""Back-fill stored agreement: ``manage.py compute_agreement --project SLUG``.

Runs ``services.quality.compute_project_agreement`` in this process, the same computation (and
routing) the worker runs after each submission.
"""
from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from curation.models import Project
from curation.services.quality import compute_project_agreement


class Command(BaseCommand):
    help = "Compute and store the agreement of every trace with two or more annotators."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--project", required=True, help="The project's slug.")

    def handle(self, *args, project: str, **options) -> None:
        found = Project.objects.filter(slug=project).first()
        if found is None:
            raise CommandError(f"No project {project!r}.")
        started = time.monotonic()
        stored = compute_project_agreement(project=found)
        self.stdout.write(f"Agreement stored for {stored} traces in {time.monotonic() - started:.1f} s.")
