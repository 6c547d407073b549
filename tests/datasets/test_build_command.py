"""manage.py build_dataset, end to end."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curation.models import Dataset, DatasetVersion

pytestmark = pytest.mark.django_db


def build_dataset(*args: str) -> str:
    out = StringIO()
    call_command("build_dataset", "--project", "alpha", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_prints_the_version_and_its_manifest(auto_traces, datasets_root):
    output = build_dataset("--dataset", "gsm", "--source", "auto")

    assert "Version 1 published" in output
    manifest = datasets_root / "alpha/gsm/v1/manifest.json"
    assert f"Manifest: {manifest}" in output
    assert json.loads(manifest.read_text())["traces"]


def test_the_command_creates_the_dataset_it_is_named(auto_traces):
    build_dataset("--dataset", "fresh", "--source", "auto")

    assert Dataset.objects.get().name == "fresh"


def test_the_command_writes_only_the_formats_and_containers_asked_for(auto_traces, datasets_root):
    build_dataset("--dataset", "gsm", "--source", "auto", "--formats", "srl,steps",
                  "--container", "parquet")

    files = json.loads((datasets_root / "alpha/gsm/v1/manifest.json").read_text())["files"]
    data = {path for path in files if "/data/" in path}
    assert data and all(p.split("/")[0] in ("srl", "steps") and p.endswith(".parquet")
                        for p in data)


def test_the_command_passes_filters_to_the_build(auto_traces, project):
    build_dataset("--dataset", "gsm", "--source", "auto", "--teacher", "nobody", "--min-steps", "2",
                  "--ratings", "no-negative", "--hint")

    spec = DatasetVersion.objects.get().spec
    assert (spec["teacher_models"], spec["min_steps"], spec["ratings"]) == (
        ["nobody"], 2, "no-negative")
    assert spec["next_step_title_hint"] is True


def test_out_copies_the_version_and_prints_that_manifest(auto_traces, tmp_path):
    out = tmp_path / "copy"

    output = build_dataset("--dataset", "gsm", "--source", "auto", "--out", str(out))

    assert f"Manifest: {out / 'manifest.json'}" in output
    manifest = json.loads((out / "manifest.json").read_text())
    assert all((out / path).is_file() for path in manifest["files"])


def test_an_unknown_format_is_refused_before_anything_is_built(auto_traces):
    with pytest.raises(CommandError, match="unknown formats"):
        build_dataset("--dataset", "gsm", "--formats", "srl,csv")

    assert not DatasetVersion.objects.exists()


def test_an_unknown_project_is_refused(db):
    with pytest.raises(CommandError, match="no project 'alpha'"):
        build_dataset("--dataset", "gsm")


def test_a_failed_build_fails_the_command_with_the_reason(auto_traces):
    from curation.models import Step

    Step.objects.filter(position=2).update(end=10_000)

    with pytest.raises(CommandError, match="outside"):
        build_dataset("--dataset", "gsm", "--source", "auto")


def test_verify_reports_a_version_that_reproduces(auto_traces):
    build_dataset("--dataset", "gsm", "--source", "auto")

    output = build_dataset("--dataset", "gsm", "--verify", "1")

    assert "gsm v1 reproduces: all " in output
    assert DatasetVersion.objects.count() == 1


def test_verify_names_the_files_that_no_longer_reproduce(auto_traces):
    from curation.models import Segmentation

    build_dataset("--dataset", "gsm", "--source", "auto")
    Segmentation.objects.filter(pk=Segmentation.objects.first().pk).update(revision=9)

    with pytest.raises(CommandError, match="does not reproduce; differing files: .*traces.jsonl"):
        build_dataset("--dataset", "gsm", "--verify", "1")


def test_verify_accepts_a_card_whose_wording_alone_changed(auto_traces, monkeypatch):
    from curation.export import build as export_build

    build_dataset("--dataset", "gsm", "--source", "auto")
    rendered = export_build.render_card
    monkeypatch.setattr(export_build, "render_card",
                        lambda facts, options: rendered(facts, options) + "\nReworded.\n")

    output = build_dataset("--dataset", "gsm", "--verify", "1")

    files = len(DatasetVersion.objects.get().manifest["files"])
    assert f"gsm v1 reproduces: all {files - 1} files but the card have the same SHA-256." in output
    assert "the card's wording changed since this version was built" in output
    assert "every data file reproduces" in output


def test_verify_still_fails_on_a_data_file_when_the_card_changed_too(auto_traces, monkeypatch):
    from curation.export import build as export_build
    from curation.models import Segmentation

    build_dataset("--dataset", "gsm", "--source", "auto")
    Segmentation.objects.filter(pk=Segmentation.objects.first().pk).update(revision=9)
    rendered = export_build.render_card
    monkeypatch.setattr(export_build, "render_card",
                        lambda facts, options: rendered(facts, options) + "\nReworded.\n")

    with pytest.raises(CommandError, match=r"does not reproduce; differing files: .*README\.md"):
        build_dataset("--dataset", "gsm", "--verify", "1")


def test_enqueue_hands_the_build_to_a_worker_and_follows_it(auto_traces):
    output = build_dataset("--dataset", "gsm", "--source", "auto", "--enqueue")

    assert "Version 1 published" in output


def test_a_dataset_name_that_is_no_slug_is_refused(auto_traces):
    with pytest.raises(CommandError, match="dataset 'no good'"):
        build_dataset("--dataset", "no good")
