"""The annotator's pages over HTTP: who may see them, what an edit answers, what is escaped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from curation.models import Assignment
from curation.services.annotation import edits as annotation
from curation.services.annotation import queue
from tests.factories import TEXT, add_cut_trace

pytestmark = pytest.mark.django_db

HOSTILE = 'Look: <script>alert("x")</script> and <img src=x onerror="alert(1)"> done.'


@pytest.fixture
def assignment(project, annotator, traces):
    return queue.claim_next(project=project, annotator=annotator)


def edit_url(assignment, operation: str) -> str:
    return reverse("annotate-edit", args=[assignment.project.slug, assignment.pk, operation])


def editor_url(assignment) -> str:
    return reverse("annotate-editor", args=[assignment.project.slug, assignment.pk])


def test_start_claims_a_trace_and_opens_the_editor(client, project, annotator, traces):
    client.force_login(annotator)

    response = client.post(reverse("annotate-next", args=[project.slug]))

    assignment = Assignment.objects.get(annotator=annotator)
    assert response.status_code == 302
    assert response.url == editor_url(assignment)


def test_start_on_an_empty_queue_says_so(client, project, annotator):
    client.force_login(annotator)

    response = client.post(reverse("annotate-next", args=[project.slug]), follow=True)

    assert b"Nothing left to annotate" in response.content


def editor_data(content: bytes) -> dict:
    """The steps the editor page sends its script as data (static/js/annotate.js draws them)."""
    import json
    import re

    found = re.search(rb'<script id="editor-data" type="application/json">(.*?)</script>', content)
    return json.loads(found.group(1))


def test_the_editor_sends_the_text_and_the_steps_with_their_offsets(client, annotator, assignment):
    client.force_login(annotator)

    response = client.get(editor_url(assignment))

    assert response.status_code == 200
    data = editor_data(response.content)
    assert data["text"] == TEXT
    assert [step[:2] for step in data["steps"]] == [[0, 30], [32, 60], [62, 81]]
    assert b'data-revision="1"' in response.content
    assert b'class="step"' not in response.content  # drawn by the script, not sent as markup


def test_the_editor_data_leaves_out_only_empty_labels(client, annotator, assignment):
    steps = list(assignment.segmentation.steps.order_by("position"))
    steps[0].type, steps[0].rating, steps[0].flagged, steps[0].note = "plan", 0, True, "a <b>"
    steps[1].type, steps[1].rating = "", 0
    steps[2].type, steps[2].rating = "", None
    for step in steps:
        step.save()
    client.force_login(annotator)

    data = editor_data(client.get(editor_url(assignment)).content)

    assert data["steps"] == [[0, 30, "plan", 0, 1, "a <b>"], [32, 60, "", 0], [62, 81]]


def test_an_outsider_gets_404_on_every_annotation_page(client, outsider, assignment, project):
    client.force_login(outsider)
    urls = [reverse("annotate-queue", args=[project.slug]), editor_url(assignment)]

    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert (
        client.post(
            edit_url(assignment, "rate"), {"revision": 1, "index": 0, "rating": 1}
        ).status_code
        == 404
    )


def test_another_annotator_of_the_project_gets_404_on_my_assignment(
    client, second_annotator, assignment
):
    client.force_login(second_annotator)

    assert client.get(editor_url(assignment)).status_code == 404


def test_my_assignment_is_404_once_i_no_longer_annotate_the_project(
    client, annotator, assignment, project
):
    client.force_login(annotator)
    project.memberships.filter(user=annotator).update(role="reviewer")

    assert client.get(editor_url(assignment)).status_code == 404
    rate = {"revision": 1, "index": 0, "rating": 1}
    assert client.post(edit_url(assignment, "rate"), rate).status_code == 404


def test_my_assignment_under_another_projects_slug_is_404(
    client, annotator, assignment, other_project
):
    client.force_login(annotator)
    url = reverse("annotate-editor", args=[other_project.slug, assignment.pk])

    assert client.get(url).status_code == 404


def test_an_unknown_operation_is_404(client, annotator, assignment):
    client.force_login(annotator)

    assert client.post(edit_url(assignment, "delete"), {"revision": 1}).status_code == 404


def test_a_saved_split_answers_only_the_range_it_redrew(client, annotator, assignment):
    client.force_login(annotator)

    response = client.post(edit_url(assignment, "split"), {"revision": 1, "index": 0, "at": 19})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-revision="2"' in content and 'data-focus="1"' in content
    assert (
        '<i hx-swap-oob="delete:#s0"></i>' in content
        and '<i hx-swap-oob="delete:#l0"></i>' in content
    )
    assert '<div hx-swap-oob="beforebegin:#g30"><span class="step" id="s0"' in content
    assert 'id="g19"' in content and 'id="s20"' in content
    assert 'id="field"' not in content


def test_a_relabel_answers_only_the_changed_step(client, annotator, assignment):
    client.force_login(annotator)

    content = client.post(
        edit_url(assignment, "rate"), {"revision": 1, "index": 1, "rating": -1}
    ).content

    assert b'<span class="step" id="s32" hx-swap-oob="outerHTML:#s32"' in content
    assert (
        b'<li id="l32" hx-swap-oob="outerHTML:#l32"' in content and b'data-rating="-1"' in content
    )
    assert b'id="s0"' not in content and b'id="field"' not in content


def test_a_stale_edit_answers_409_with_the_current_state_and_why(client, annotator, assignment):
    annotation.rate(
        segmentation=assignment.segmentation, user=annotator, revision=1, index=0, rating=1
    )
    client.force_login(annotator)

    response = client.post(edit_url(assignment, "split"), {"revision": 1, "index": 0, "at": 19})

    assert response.status_code == 409
    assert b'data-revision="2"' in response.content
    assert b"Not saved: these steps changed in another tab" in response.content
    assert b'<div id="field" class="field-text"' in response.content  # redrawn whole


def test_an_impossible_edit_answers_422_with_the_reason(client, annotator, assignment):
    client.force_login(annotator)

    response = client.post(
        edit_url(assignment, "merge"), {"revision": 1, "index": 0, "direction": "previous"}
    )

    assert response.status_code == 422
    assert b"no previous step" in response.content


def test_a_malformed_edit_answers_400(client, annotator, assignment):
    client.force_login(annotator)

    response = client.post(edit_url(assignment, "rate"), {"revision": 1, "index": 0, "rating": 5})

    assert response.status_code == 400
    assert b"rating" in response.content


def test_submit_moves_on_to_the_next_trace(client, annotator, assignment, traces):
    client.force_login(annotator)

    response = client.post(
        reverse("annotate-submit", args=["alpha", assignment.pk]),
        {"revision": 1},
        HTTP_HX_REQUEST="true",
    )

    following = Assignment.objects.get(annotator=annotator, status="active")
    assert response.headers["HX-Redirect"] == editor_url(following)
    assert following.trace == traces[1]


def test_skip_without_a_reason_is_refused(client, annotator, assignment):
    client.force_login(annotator)

    response = client.post(
        reverse("annotate-skip", args=["alpha", assignment.pk]), {"revision": 1, "reason": ""}
    )

    assert response.status_code == 400
    assert Assignment.objects.get(pk=assignment.pk).status == "active"


def test_trace_text_is_escaped_everywhere_in_the_editor(client, project, annotator):
    trace = add_cut_trace(
        project, 9, text=HOSTILE, spans=[(0, 30), (31, len(HOSTILE))], reasoning=HOSTILE
    )
    trace.problem = HOSTILE
    trace.save()
    client.force_login(annotator)

    assignment = queue.claim_next(project=project, annotator=annotator)
    content = client.get(editor_url(assignment)).content.decode()

    assert "<script>alert" not in content
    assert "<img src=x" not in content
    assert editor_data(content.encode())["text"] == HOSTILE  # in the data block, escaped
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in content
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in content


def test_carriage_returns_survive_as_character_references(client, project, annotator):
    add_cut_trace(project, 8, text="One.\r\nTwo.", spans=[(0, 4), (6, 10)])
    client.force_login(annotator)

    assignment = queue.claim_next(project=project, annotator=annotator)
    page = client.get(editor_url(assignment)).content
    redrawn = client.post(edit_url(assignment, "rate"), {"revision": 5, "index": 0, "rating": 1})

    assert editor_data(page)["text"] == "One.\r\nTwo."  # JSON keeps it as it is
    assert redrawn.status_code == 409  # a stale edit answers with the whole field redrawn
    gap = b'<span class="gap" id="g4" data-start="4" data-end="6">&#13;\n</span>'
    assert gap in redrawn.content


def test_guidelines_are_rendered_as_sanitized_markdown(client, project, annotator, assignment):
    project.guidelines = (
        "# Rules\n\n**Rate** each step. <script>alert(1)</script> [x](javascript:alert(1))"
    )
    project.save()
    client.force_login(annotator)

    content = client.get(editor_url(assignment)).content.decode()

    assert "<h1>Rules</h1>" in content and "<strong>Rate</strong>" in content
    assert "alert(1)" not in content


def test_the_history_is_readable_by_the_lead(client, lead, annotator, assignment):
    annotation.split_step(
        segmentation=assignment.segmentation, user=annotator, revision=1, index=0, at=19
    )
    client.force_login(lead)

    response = client.get(
        reverse("segmentation-history", args=["alpha", assignment.segmentation_id])
    )

    assert response.status_code == 200
    assert b"Split a step" in response.content and b"anna" in response.content


def test_the_history_is_hidden_from_other_annotators(client, second_annotator, assignment):
    client.force_login(second_annotator)

    response = client.get(
        reverse("segmentation-history", args=["alpha", assignment.segmentation_id])
    )

    assert response.status_code == 404


def test_the_queue_page_lists_everyones_assignments_for_a_lead(client, lead, annotator, assignment):
    client.force_login(lead)

    response = client.get(reverse("annotate-queue", args=["alpha"]))

    assert b"All assignments" in response.content and b"anna" in response.content


def test_an_edits_answer_counts_every_step_though_it_reads_only_those_around_it(
    client, annotator, assignment
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(annotator)
    client.post(edit_url(assignment, "rate"), {"revision": 1, "index": 1, "rating": -1})
    client.post(edit_url(assignment, "flag"), {"revision": 2, "index": 0, "flagged": "true"})
    with CaptureQueriesContext(connection) as queries:
        content = client.post(
            edit_url(assignment, "split"), {"revision": 3, "index": 0, "at": 19}
        ).content.decode()

    steps = list(assignment.segmentation.steps.order_by("position"))
    unrated = sum(step.rating is None for step in steps)
    untyped = sum(not step.type for step in steps)
    flagged = sum(step.flagged for step in steps)
    assert f"{len(steps)} steps · {unrated} unrated · {untyped} untyped · {flagged} flagged" in content
    assert f'data-steps="{len(steps)}"' in content
    # the steps read are those around the edit (with the counts), not the draft's every step
    assert not any('ORDER BY "position"' in query["sql"] and "LIMIT" not in query["sql"]
                   and "LEFT JOIN" not in query["sql"] and "curation_step" in query["sql"]
                   for query in queries.captured_queries)
