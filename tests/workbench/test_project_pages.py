"""Projects in the browser: create, each settings section, guidelines preview, archive, purge."""
from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import ImportJob, Membership, Project
from curation.services.imports import create_import_job
from curation.services.projects import ProjectArchived, archive_project
from tests.factories import add_trace


@pytest.fixture
def lead_client(client, lead):
    client.force_login(lead)
    return client


def settings_url(project) -> str:
    return reverse("project-settings", args=[project.slug])


def label_post(project, override: dict | None = None) -> dict:
    """The step-type table as the page posts it, with ``override`` per row index."""
    labels = project.label_schema
    data = {"section": "labels", "labels-TOTAL_FORMS": str(len(labels) + 1),
            "labels-INITIAL_FORMS": str(len(labels)), "labels-MIN_NUM_FORMS": "0",
            "labels-MAX_NUM_FORMS": "1000", f"labels-{len(labels)}-colour": "#000000"}
    for i, label in enumerate(labels):
        row = {"original": label["key"], "key": label["key"], "name": label["name"],
               "colour": label["colour"], "shortcut": label.get("shortcut", ""),
               "definition": "", "ORDER": str(i + 1), **(override or {}).get(i, {})}
        data.update({f"labels-{i}-{name}": value for name, value in row.items() if value is not None})
    return data


def test_a_lead_creates_a_project_and_becomes_its_lead(lead_client, lead):
    response = lead_client.post(reverse("project-create"), {"name": "Geometry proofs", "description": "Olympiad"})
    project = Project.objects.get(slug="geometry-proofs")
    assert response.url == settings_url(project)
    assert project.description == "Olympiad"
    assert Membership.objects.get(project=project, user=lead).role == "lead"


def test_an_annotator_may_not_create_projects(client, annotator):
    client.force_login(annotator)
    assert client.post(reverse("project-create"), {"name": "X"}).status_code == 403


def test_a_taken_slug_is_refused(lead_client, project):
    response = lead_client.post(reverse("project-create"), {"name": "Other", "slug": project.slug})
    assert response.status_code == 200 and "exists already" in response.content.decode()


def test_the_settings_page_shows_every_section(lead_client, project):
    page = lead_client.get(settings_url(project)).content.decode()
    for anchor in ("general", "guidelines", "labels", "ratings", "work", "segmentation", "imports", "archive"):
        assert f'id="{anchor}"' in page


def test_a_bad_segmentation_parameter_is_refused_in_the_form(lead_client, project):
    response = lead_client.post(settings_url(project), {
        "section": "segmentation", "strategy": "paragraphs", "params": '{"max_tokenz": 5}'})
    assert response.status_code == 400
    assert "Unknown parameter(s) for paragraphs: max_tokenz." in response.content.decode()
    project.refresh_from_db()
    assert project.segmentation == {"strategy": "auto", "params": {}}


def test_a_good_segmentation_setting_is_saved_per_field(lead_client, project):
    lead_client.post(settings_url(project), {
        "section": "segmentation", "strategy": "auto", "params": "{}",
        "reasoning_strategy": "discourse", "reasoning_params": '{"granularity": "move"}'})
    project.refresh_from_db()
    assert project.segmentation["fields"] == {"reasoning": {"strategy": "discourse", "params": {"granularity": "move"}}}


def test_the_segment_button_refuses_a_bad_parameter_too(lead_client, project):
    lead_client.post(reverse("segment-start", args=[project.slug]),
                     {"strategy": "solution", "params": '{"max_tokens": 3}'})
    project.refresh_from_db()
    assert project.segmentation["params"] == {}
    assert not project.segmentation_runs.exists()


def test_work_settings_are_saved(lead_client, project):
    data = {"section": "work", "overlap": 2, "agreement_tolerance": 5, "agreement_unit": "tokens",
            "agreement_threshold": 0.7, "max_annotators": 4, "gold_rate": 0.1, "screening_items": 3,
            "screening_threshold": 0.9, "auto_approve_consensus": "on"}
    assert lead_client.post(settings_url(project), data).status_code == 302
    project.refresh_from_db()
    assert (project.overlap, project.agreement_unit, project.auto_approve_consensus) == (2, "tokens", True)


def test_the_step_types_table_renames_and_reorders(lead_client, project):
    response = lead_client.post(settings_url(project), label_post(
        project, {1: {"key": "planning", "name": "Planning", "ORDER": "1"}, 0: {"ORDER": "2"}}))
    assert response.status_code == 302
    project.refresh_from_db()
    assert [label["key"] for label in project.label_schema][:2] == ["planning", "premise"]


def test_retiring_a_used_type_without_an_answer_is_refused(lead_client, project):
    from tests.factories import add_segmentation

    add_segmentation(add_trace(project, 1)).steps.update(type="premise")
    response = lead_client.post(settings_url(project), label_post(project, {0: {"DELETE": "on"}}))
    assert response.status_code == 400 and "used by existing steps" in response.content.decode()
    response = lead_client.post(settings_url(project), label_post(project, {0: {"DELETE": "on", "retire_to": "plan"}}))
    assert response.status_code == 302


def test_a_bad_colour_is_refused_in_the_table(lead_client, project):
    response = lead_client.post(settings_url(project), label_post(project, {0: {"colour": "red"}}))
    assert response.status_code == 400 and "hex colour" in response.content.decode()


def test_the_guidelines_preview_is_rendered_and_sanitized(lead_client, project):
    html = lead_client.post(reverse("guidelines-preview", args=[project.slug]),
                            {"guidelines": "# Rules\n\n<script>alert(1)</script>**bold**"}).content.decode()
    assert "<h1>Rules</h1>" in html and "<strong>bold</strong>" in html and "<script" not in html


def test_an_archived_project_leaves_the_list_and_refuses_imports(lead_client, project, tmp_path):
    assert lead_client.post(reverse("project-archive", args=[project.slug]), {"confirm": "on"}).status_code == 302
    project.refresh_from_db()
    assert project.is_archived
    assert project.name not in lead_client.get(reverse("project-list")).content.decode()
    assert project.name in lead_client.get(reverse("project-list") + "?archived=1").content.decode()
    path = tmp_path / "x.jsonl"
    path.write_text("{}\n")
    with pytest.raises(ProjectArchived):
        create_import_job(project=project, local_path=path)
    assert not ImportJob.objects.filter(project=project).exists()


def test_archiving_needs_the_confirmation(lead_client, project):
    lead_client.post(reverse("project-archive", args=[project.slug]), {})
    project.refresh_from_db()
    assert not project.is_archived


def test_purge_needs_an_archived_project_and_its_slug_typed(lead_client, project):
    add_trace(project, 1)
    purge = reverse("project-purge", args=[project.slug])
    lead_client.post(purge, {"slug": project.slug})
    assert Project.objects.filter(pk=project.pk).exists()  # not archived yet
    archive_project(project)
    lead_client.post(purge, {"slug": "wrong"})
    assert Project.objects.filter(pk=project.pk).exists()
    assert lead_client.post(purge, {"slug": project.slug}).url == reverse("project-list")
    assert not Project.objects.filter(pk=project.pk).exists()


def test_purge_deletes_published_versions_too(project, dataset, datasets_root):
    from django.utils import timezone

    from curation.models import DatasetVersion
    from curation.services.projects import purge_project

    DatasetVersion.objects.create(dataset=dataset, number=1, status="published", published_at=timezone.now())
    archive_project(project)
    purge_project(project, confirm_slug=project.slug)
    assert not DatasetVersion.objects.filter(dataset__name=dataset.name).exists()


def test_the_import_form_starts_from_the_projects_defaults(lead_client, project):
    project.default_preset, project.default_teacher = "s1k", "gemini"
    project.save()
    page = lead_client.get(reverse("import-list", args=[project.slug])).content.decode()
    assert '<option value="s1k" selected>' in page and 'value="gemini"' in page
