"""The quality dashboard and the API's quality figures, checked on a small hand-made project."""
from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from curation.models import Membership, Segmentation
from curation.services.annotation import claim_next
from curation.services.people import tokens
from curation.services.quality import mark_gold
from curation.services.quality.dashboard import project_figures
from tests.factories import add_cut_trace, add_member, add_segmentation
from tests.quality.loop import ONE_STEP, PARAGRAPHS, annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(project, lead, django_user_model):
    """t1: two annotators agree; t2: they disagree, a third has it open; t3: open; t4: gold,
    answered by a fifth annotator."""
    project.overlap = 2
    project.save()
    ann, bob, cid, dee, eve = (add_member(django_user_model, project, n, "annotator") for n in ("ann", "bob", "cid", "dee", "eve"))
    t1, t2, t3 = (add_cut_trace(project, n) for n in range(3))
    t4 = add_cut_trace(project, 3)
    mark_gold(segmentation=add_segmentation(t4, origin="human", status="approved", author=lead, spans=PARAGRAPHS))
    annotate(project, ann, time_spent_seconds=60)
    annotate(project, bob)
    annotate(project, ann, ONE_STEP, time_spent_seconds=120)
    annotate(project, bob)
    assert claim_next(project=project, annotator=cid).trace_id == t2.pk
    assert claim_next(project=project, annotator=dee).trace_id == t3.pk
    project.gold_rate = 1.0
    project.save()
    assert annotate(project, eve).trace_id == t4.pk
    return project


EXPECTED_STATES = {"not_started": 0, "in_progress": 1, "submitted": 2, "approved": 1}


def test_the_figures_of_a_small_project(small):
    figures = project_figures(small)
    assert figures["states"] == EXPECTED_STATES
    today = timezone.now().date().isoformat()
    assert figures["progress"] == [{"day": today, "submitted": 5, "approved": 0, "skipped": 0}]
    assert figures["throughput"] == [
        {"annotator": "ann", "submitted": 2, "skipped": 0, "mean_seconds": 90.0},
        {"annotator": "bob", "submitted": 2, "skipped": 0, "mean_seconds": None},
        {"annotator": "cid", "submitted": 0, "skipped": 0, "mean_seconds": None},
        {"annotator": "dee", "submitted": 0, "skipped": 0, "mean_seconds": None},
        {"annotator": "eve", "submitted": 1, "skipped": 0, "mean_seconds": None},
    ]
    agreement = figures["agreement"]
    assert (agreement["traces"], agreement["mean_boundary_f1"]) == (2, 0.5)
    assert [b["traces"] for b in agreement["histogram"]] == [1, 0, 0, 0, 0, 0, 0, 0, 0, 1]
    assert agreement["routes"] == {"route_to_one_more": 1, "wait": 1}
    assert [w["traces"] for w in agreement["weekly"]] == [2]
    assert agreement["per_annotator"] == [
        {"annotator": "ann", "traces": 2, "mean_boundary_f1": 0.5},
        {"annotator": "bob", "traces": 2, "mean_boundary_f1": 0.5},
    ]
    assert figures["gold"] == [{"annotator": "eve", "items": 1, "boundary_f1": 1.0,
                                "type_accuracy": 1.0, "rating_accuracy": None}]
    # People's counted steps: t1 3 + 3, t2 3 + 1, the gold 3, eve's answer 3.
    assert figures["types"] == {"compute": 16}
    assert figures["ratings"] == {"unrated": 16}


def test_an_approval_counts_on_its_day(small, lead):
    from curation.models import SegmentationTransition

    seg = Segmentation.objects.filter(status="submitted", origin="human").first()
    SegmentationTransition.objects.create(segmentation=seg, from_status="submitted", to_status="approved")
    assert project_figures(small)["progress"][0]["approved"] == 1


def test_the_dashboard_page_carries_the_figures_for_its_charts(client, small, reviewer):
    client.force_login(reviewer)
    response = client.get(reverse("quality-dashboard", args=[small.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="quality-figures"' in html and "vendor/chartjs/chart-4.6.2.umd.min.js" in html
    assert "js/dashboard.js" in html and "<script>" not in html  # no inline script
    data = json.loads(html.split('id="quality-figures" type="application/json">')[1].split("</script>")[0])
    assert data["states"] == EXPECTED_STATES


def test_the_api_gives_the_same_figures(small, reviewer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + tokens.create_token(user=reviewer, name="r", scope="read")[1])
    body = client.get(f"/api/v1/projects/{small.slug}/quality/").json()
    figures = project_figures(small)
    assert body["states"] == figures["states"]
    assert body["agreement"]["histogram"][9] == {"from": 0.9, "to": 1.0, "traces": 1}
    assert body["gold"] == figures["gold"] and body["types"] == figures["types"]


def test_a_lead_marks_gold_from_the_trace_page(client, project, lead):
    trace = add_cut_trace(project)
    approved = add_segmentation(trace, origin="human", status="approved", author=lead, spans=PARAGRAPHS)
    client.force_login(lead)
    page = client.get(reverse("trace-detail", args=[project.slug, trace.pk])).content.decode()
    assert f'id="gold-{approved.pk}"' in page and "Mark as gold" in page
    client.post(reverse("segmentation-gold", args=[project.slug, approved.pk]), {"gold": "true"})
    assert Segmentation.objects.get(pk=approved.pk).is_gold
    client.post(reverse("segmentation-gold", args=[project.slug, approved.pk]), {"gold": "false"})
    assert not Segmentation.objects.get(pk=approved.pk).is_gold


def test_a_lead_marks_gold_through_the_api(project, lead):
    trace = add_cut_trace(project)
    approved = add_segmentation(trace, origin="human", status="approved", author=lead, spans=PARAGRAPHS)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + tokens.create_token(user=lead, name="w", scope="write")[1])
    answer = client.post(f"/api/v1/projects/{project.slug}/segmentations/{approved.pk}/gold/", {}, format="json")
    assert answer.json() == {"id": approved.pk, "is_gold": True}


def test_a_lead_pauses_and_unpauses_from_the_members_page(client, project, lead, annotator):
    membership = Membership.objects.get(user=annotator)
    client.force_login(lead)
    assert 'id="pause-anna"' in client.get(reverse("member-list", args=[project.slug])).content.decode()
    client.post(reverse("member-pause", args=[project.slug, membership.pk]), {"paused": "true"})
    assert Membership.objects.get(pk=membership.pk).paused
    client.post(reverse("member-pause", args=[project.slug, membership.pk]), {"paused": "false"})
    assert not Membership.objects.get(pk=membership.pk).paused


def test_the_editor_asks_why_the_annotator_stopped_and_sends_the_time(client, project, annotator):
    add_cut_trace(project)
    assignment = claim_next(project=project, annotator=annotator)
    client.force_login(annotator)
    page = client.get(reverse("annotate-editor", args=[project.slug, assignment.pk])).content.decode()
    assert 'id="stop-reason"' in page and 'value="gave_up"' in page and "js/time_spent.js" in page
    seg = assignment.segmentation
    client.post(reverse("annotate-submit", args=[project.slug, assignment.pk]),
                {"revision": seg.revision, "time_spent_seconds": "42", "stop_reason": "checked"})
    seg.refresh_from_db()
    assert (seg.status, seg.time_spent_seconds, seg.stop_reason) == ("submitted", 42, "checked")


# --- The stored figures: what the page and the API read -----------------------------------------


def test_the_page_reads_stored_figures_that_a_transition_refreshes(small, reviewer, django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.core.cache import cache

    from curation.models import QualityFigures
    from curation.services import review
    from curation.services.quality.dashboard import _refresh_key, dashboard_figures

    cache.delete(_refresh_key(small.pk))
    first = dashboard_figures(small)  # none stored yet: computed now, and stored
    assert first.figures["states"] == EXPECTED_STATES
    assert QualityFigures.objects.get(project=small).figures == first.figures
    # A new trace is no transition: the stored figures stand until they are old.
    add_cut_trace(small, 9)
    assert dashboard_figures(small).figures["states"]["not_started"] == 0
    QualityFigures.objects.filter(project=small).update(computed_at=timezone.now() - timedelta(minutes=5))
    assert dashboard_figures(small).figures["states"]["not_started"] == 0  # served while it is redone
    # The refresh it asked for ran (on the worker; eager here).
    assert QualityFigures.objects.get(project=small).figures["states"]["not_started"] == 1
    # A transition asks for one at once (a burst shares it: the key is cleared when it runs).
    submitted = Segmentation.objects.filter(trace__project=small, status="submitted", origin="human",
                                            is_gold=False).first()
    with django_capture_on_commit_callbacks(execute=True):  # approve commits its own transaction
        review.approve(submitted, reviewer)
    stored = QualityFigures.objects.get(project=small)
    assert stored.figures["states"]["approved"] == EXPECTED_STATES["approved"] + 1
    assert stored.figures["progress"][0]["approved"] == 1
    assert cache.get(_refresh_key(small.pk)) is None


def test_a_refresh_asked_for_is_asked_once_until_it_runs(small, monkeypatch):
    from django.core.cache import cache

    from curation import tasks
    from curation.services.quality import dashboard

    sent = []
    monkeypatch.setattr(tasks.refresh_quality_figures, "apply_async", lambda args, countdown: sent.append(args))
    cache.delete(dashboard._refresh_key(small.pk))
    dashboard.request_refresh(small.pk)
    dashboard.request_refresh(small.pk)
    assert sent == [(small.pk,)]
    dashboard.refresh_figures(small)  # clears the mark before computing
    dashboard.request_refresh(small.pk)
    assert sent == [(small.pk,), (small.pk,)]


def test_the_api_says_when_its_figures_were_computed(small, reviewer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer " + tokens.create_token(user=reviewer, name="r", scope="read")[1])
    body = client.get(f"/api/v1/projects/{small.slug}/quality/").json()
    from curation.models import QualityFigures

    assert body["computed_at"].startswith(QualityFigures.objects.get(project=small).computed_at.date().isoformat())


def test_an_unreachable_cache_does_not_fail_a_review_decision(small, reviewer, monkeypatch):
    from curation.services import review
    from curation.services.quality import dashboard

    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(dashboard.cache, "add", down)
    submitted = Segmentation.objects.filter(trace__project=small, status="submitted", origin="human",
                                            is_gold=False).first()
    review.approve(submitted, reviewer)
    assert Segmentation.objects.get(pk=submitted.pk).status == "approved"
