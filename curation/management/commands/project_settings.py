"""Read or change a project's settings from the command line, with the settings page's checks.

    manage.py project_settings alpha                               # print every setting (JSON)
    manage.py project_settings alpha --set overlap=2 --set 'segmentation={"strategy": "paragraphs"}'

Each value is read as JSON when it parses (numbers, true/false, objects), else as text. A value
the settings page would refuse is refused here with the same message.
"""
from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from curation.models import Project
from curation.services import projects as project_service


class Command(BaseCommand):
    help = "Print or change a project's settings (checked like the settings page)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("project", help="the project's slug")
        parser.add_argument("--set", action="append", default=[], metavar="NAME=VALUE")

    def handle(self, *args, **opts) -> None:
        project = Project.objects.filter(slug=opts["project"]).first()
        if project is None:
            raise CommandError(f"no project {opts['project']!r}")
        changes = dict(_parse(item) for item in opts["set"])
        if changes:
            try:
                project_service.change_settings(project, changes)
            except project_service.SettingsError as refused:
                raise CommandError(f"settings refused: {refused}") from None
        self.stdout.write(json.dumps(project_service.current_settings(project), indent=1, default=str))


def _parse(item: str) -> tuple[str, object]:
    name, sep, raw = item.partition("=")
    if not sep:
        raise CommandError(f"--set takes NAME=VALUE, got {item!r}")
    try:
        return name.strip(), json.loads(raw)
    except json.JSONDecodeError:
        return name.strip(), raw
