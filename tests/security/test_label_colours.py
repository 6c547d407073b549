"""Label colours reach style attributes only as hex colours (issue 12): one check, used when a
schema is saved (model, admin) and again wherever a colour is rendered (trace page, editor)."""
from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from curation.models import Project
from curation.segment.schema import is_colour, label_schema_problems
from tests.factories import add_cut_trace

HOSTILE = "red;background:url(http://127.0.0.1:8199/x)"


@pytest.mark.parametrize("value", ["#abc", "#ABCD", "#4e79a7", "#4e79a7cc"])
def test_hex_colours_are_colours(value):
    assert is_colour(value)


@pytest.mark.parametrize(
    "value",
    [HOSTILE, "red", "#12345", "#4e79a7;x:y", "#4e79a7 ", "#ggg", "", None, 123, "url(x)"],
)
def test_anything_else_is_not(value):
    assert not is_colour(value)


def test_a_schema_with_a_hostile_colour_names_the_label():
    problems = label_schema_problems([{"key": "plan", "colour": "#59a14f"}, {"key": "bad", "colour": HOSTILE}])

    assert len(problems) == 1 and problems[0].startswith("Label bad: colour")


@pytest.mark.django_db
def test_saving_a_project_with_a_hostile_colour_is_refused(project):
    project.label_schema = [{"key": "plan", "name": "Plan", "colour": HOSTILE}]

    with pytest.raises(ValidationError) as refused:
        project.save()
    assert "label_schema" in refused.value.message_dict
    project.refresh_from_db()
    assert HOSTILE not in str(project.label_schema)


@pytest.mark.django_db
def test_saving_other_fields_does_not_trip_on_the_schema_check(project):
    project.name = "Renamed"
    project.save(update_fields=["name"])

    assert Project.objects.get(pk=project.pk).name == "Renamed"


@pytest.mark.django_db
def test_the_admin_form_refuses_a_hostile_colour(client, django_user_model, project):
    admin = django_user_model.objects.create_superuser("root", "r@example.org", "pw")
    client.force_login(admin)
    schema = '[{"key": "plan", "name": "Plan", "colour": "%s"}]' % HOSTILE
    data = {
        "slug": project.slug, "name": project.name, "guidelines": "", "label_schema": schema,
        "rating_scale": '[{"value": 1, "name": "Good"}]', "segmentation": '{"strategy": "auto", "params": {}}',
        "overlap": 1, "memberships-TOTAL_FORMS": 0, "memberships-INITIAL_FORMS": 0,
    }

    response = client.post(reverse("admin:curation_project_change", args=[project.pk]), data)

    assert response.status_code == 200  # the form again, with the error
    assert "is not a hex colour" in response.content.decode()
    project.refresh_from_db()
    assert HOSTILE not in str(project.label_schema)


def _hostile_row(project) -> None:
    """A schema written around the model (an old row, raw SQL): rendering must still check."""
    schema = [dict(label) for label in project.label_schema]
    schema[2]["colour"] = HOSTILE  # "compute", the type add_cut_trace gives every step
    Project.objects.filter(pk=project.pk).update(label_schema=schema)


@pytest.mark.django_db
def test_the_trace_page_never_puts_a_hostile_colour_into_style(client, lead, project):
    _hostile_row(project)
    trace = add_cut_trace(project, 1)
    client.force_login(lead)

    body = client.get(reverse("trace-detail", args=[project.slug, trace.pk])).content.decode()

    assert 'style="border-left-color: #8a8f98"' in body
    assert "url(" not in body and "8199" not in body


@pytest.mark.django_db
def test_the_editor_never_puts_a_hostile_colour_into_style(client, annotator, project):
    _hostile_row(project)
    add_cut_trace(project, 1)
    client.force_login(annotator)

    response = client.post(reverse("annotate-next", args=[project.slug]), follow=True)

    body = response.content.decode()
    assert 'id="editor"' in body
    assert "url(" not in body and "8199" not in body
