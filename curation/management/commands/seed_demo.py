"""manage.py seed_demo: a demo project with a small corpus and a lead who can log in."""
from __future__ import annotations

import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from curation.models import ImportJob, Membership, Project
from curation.services.imports import create_import_job, run_import, segment_new_traces

DEMO_FILES = ["demo/traces.jsonl", "demo/labelled_steps.jsonl"]
DEMO_GUIDELINES = """\
# Demo guidelines

* Cut a step where the reasoning makes a new **move**: a new computation, a check, a change of plan.
* Rate a step **-1** if it is wrong, **0** if it is correct but useless, **+1** if it is correct
  and moves the solution forward.
"""


class Command(BaseCommand):
    help = "Create the demo project, import its example corpus, and print a login."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", default="8000")
        parser.add_argument("--username", default="demo")

    def handle(self, *args, **opts) -> None:
        project, _ = Project.objects.get_or_create(
            slug="demo", defaults={"name": "Demo: math traces", "guidelines": DEMO_GUIDELINES}
        )
        password = secrets.token_urlsafe(9)
        user = self._lead(opts["username"], password)
        Membership.objects.get_or_create(
            project=project, user=user, defaults={"role": Membership.Role.LEAD}
        )
        for name in DEMO_FILES:
            job = run_import(
                create_import_job(project=project, local_path=Path(settings.BASE_DIR) / name)
            )
            if job.status != ImportJob.Status.DONE:
                self.stderr.write(f"{name}: {job.message}")
            else:
                segment_new_traces(job, in_process=True)
        url = f"http://{opts['host']}:{opts['port']}/"
        self.stdout.write(
            f"\nStepwise demo: {project.traces.count()} traces in project '{project.slug}'.\n"
            f"  Open   {url}\n  Login  {user.get_username()} / {password}\n"
        )

    def _lead(self, username: str, password: str):
        """The demo lead, with a fresh password each run (it is printed, never stored)."""
        user, _ = get_user_model().objects.get_or_create(username=username)
        user.set_password(password)
        user.is_staff = True
        user.is_superuser = True
        user.save()
        return user
