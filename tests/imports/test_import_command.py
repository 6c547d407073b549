"""manage.py import_traces: the command line way in."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curation.models import FieldMapping, Project, Trace
from tests.factories import write_jsonl

pytestmark = pytest.mark.django_db


def run_command(*args) -> str:
    out = StringIO()
    call_command("import_traces", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


def test_command_creates_the_project_and_names_the_preset(generations_file):
    output = run_command(generations_file, "--project", "fresh")

    assert Project.objects.filter(slug="fresh").exists()
    assert "Preset: generation" in output
    assert "5 traces imported" in output
    assert Trace.objects.filter(project__slug="fresh").count() == 5


def test_command_reports_bad_records_with_their_line(project, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", ['{"problem": "p", "output": "<think>a</think>b"}', "{broken"])

    output = run_command(path, "--project", project.slug)

    assert "record 2:" in output
    assert "1 trace imported" in output


def test_command_with_a_mapping_saves_it_for_reuse(project, tmp_path):
    path = write_jsonl(tmp_path / "custom.jsonl", [{"q": {"text": "Why?"}, "out": {"think": "Because.", "final": "42"}}])

    run_command(
        path, "--project", project.slug, "--map", "problem=q.text", "--map", "reasoning=out.think",
        "--map", "response=out.final", "--save-mapping", "custom",
    )

    trace = Trace.objects.get(project=project)
    assert (trace.problem, trace.reasoning, trace.response) == ("Why?", "Because.", "42")
    assert FieldMapping.objects.get(project=project, name="custom").fields["problem"] == "q.text"


def test_command_uses_a_saved_mapping(project, tmp_path):
    FieldMapping.objects.create(project=project, name="qa", fields={"problem": "q", "response": "a"})
    path = write_jsonl(tmp_path / "qa.jsonl", [{"q": "One?", "a": "1"}])

    output = run_command(path, "--project", project.slug, "--mapping", "qa")

    assert "Preset: mapping" in output
    assert Trace.objects.get(project=project).response == "1"


def test_command_atomic_failure_exits_with_an_error(project, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", ['{"problem": "p", "output": "<think>a</think>b"}', "{broken"])

    with pytest.raises(CommandError, match="Nothing imported"):
        run_command(path, "--project", project.slug, "--atomic")
    assert not Trace.objects.exists()


def test_command_rejects_a_missing_file(project, tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_command(tmp_path / "nope.jsonl", "--project", project.slug)
