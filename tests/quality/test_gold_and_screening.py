"""Gold items: marking, serving at the project's rate, scoring; screening; pausing."""
from __future__ import annotations

import pytest

from curation.models import GoldResult, Membership, Segmentation, TraceAgreement
from curation.services.annotation import claim_next, submit
from curation.services.quality import GoldError, mark_gold, reset_screening, set_paused
from tests.factories import add_cut_trace, add_member, add_segmentation
from tests.quality.loop import ONE_STEP, PARAGRAPHS, annotate, set_steps

pytestmark = pytest.mark.django_db


def gold_trace(project, lead, n: int, spans=PARAGRAPHS):
    trace = add_cut_trace(project, 100 + n)
    gold = add_segmentation(trace, origin="human", status="approved", author=lead, spans=spans)
    mark_gold(segmentation=gold)
    return trace


@pytest.fixture
def newcomer(django_user_model, project):
    return add_member(django_user_model, project, "wendy", "annotator")


def test_only_an_approved_segmentation_can_be_gold(project, lead):
    submitted = add_segmentation(add_cut_trace(project), origin="human", status="submitted", author=lead)
    with pytest.raises(GoldError):
        mark_gold(segmentation=submitted)
    assert not Segmentation.objects.get(pk=submitted.pk).is_gold


def test_a_gold_trace_is_never_served_as_real_work(project, lead, newcomer):
    gold_trace(project, lead, 1)
    assert claim_next(project=project, annotator=newcomer) is None


def test_gold_items_come_at_the_projects_rate(project, lead, newcomer):
    project.gold_rate = 0.5
    project.save()
    golds = {gold_trace(project, lead, n).pk for n in range(3)}
    for n in range(4):
        add_cut_trace(project, n)
    served = [annotate(project, newcomer).trace_id in golds for _ in range(6)]
    assert served == [False, True, False, True, False, True]


def test_a_gold_answer_looks_like_any_trace_and_is_scored_not_counted(project, lead, newcomer):
    project.gold_rate = 1.0
    project.save()
    trace = gold_trace(project, lead, 1)
    assignment = claim_next(project=project, annotator=newcomer)
    assert assignment.trace_id == trace.pk
    draft = assignment.segmentation
    assert (draft.author, draft.origin, draft.status, draft.is_gold) == (newcomer, "human", "draft", False)
    set_steps(draft, [(0, 30), (32, 79)], types=["compute", "check"])
    draft.refresh_from_db()
    submit(segmentation=draft, user=newcomer, revision=draft.revision)
    result = GoldResult.objects.get(segmentation=draft)
    assert result.annotator == newcomer and not result.screening
    assert result.boundary_f1 == pytest.approx(2 / 3)  # one of gold's two cuts found, no false one
    assert result.type_accuracy == 1.0  # the one matched step (the first) has gold's type
    assert result.counts["gold_cuts"] == 2
    assert not TraceAgreement.objects.filter(trace=trace).exists()


@pytest.fixture
def screening_project(project, lead):
    project.screening_items, project.screening_threshold = 2, 0.8
    project.save()
    for n in range(3):
        gold_trace(project, lead, n)
    add_cut_trace(project, 1)
    return project


def test_a_new_annotator_gets_only_gold_items_until_screened(screening_project, newcomer):
    first = claim_next(project=screening_project, annotator=newcomer)
    assert Membership.objects.get(user=newcomer).screening == "pending"
    assert first.segmentation.trace.segmentations.filter(is_gold=True).exists()


def test_passing_screening_opens_real_work(screening_project, newcomer):
    annotate(screening_project, newcomer, PARAGRAPHS)
    assert Membership.objects.get(user=newcomer).screening == "pending"
    annotate(screening_project, newcomer, PARAGRAPHS)
    assert Membership.objects.get(user=newcomer).screening == "passed"
    assert GoldResult.objects.filter(annotator=newcomer, screening=True).count() == 2
    nxt = claim_next(project=screening_project, annotator=newcomer)
    assert not nxt.trace.segmentations.filter(is_gold=True).exists()  # real work


def test_failing_screening_stops_work_until_a_lead_resets_it(screening_project, newcomer):
    annotate(screening_project, newcomer, ONE_STEP)
    annotate(screening_project, newcomer, ONE_STEP)
    membership = Membership.objects.get(user=newcomer)
    assert membership.screening == "failed"
    assert claim_next(project=screening_project, annotator=newcomer) is None
    reset_screening(membership=membership)
    assert Membership.objects.get(user=newcomer).screening == "pending"
    assert not GoldResult.objects.filter(annotator=newcomer, screening=True).exists()
    assert claim_next(project=screening_project, annotator=newcomer) is not None  # the gold left


def test_annotators_who_already_worked_are_not_screened(project, lead, newcomer, django_user_model):
    add_cut_trace(project, 1)
    annotate(project, newcomer)
    project.screening_items = 2
    project.save()
    gold_trace(project, lead, 1)
    add_cut_trace(project, 2)
    assert claim_next(project=project, annotator=newcomer) is not None
    assert Membership.objects.get(user=newcomer).screening == "none"


def test_a_paused_annotator_gets_no_new_trace_but_keeps_the_current_one(project, newcomer):
    add_cut_trace(project, 1)
    add_cut_trace(project, 2)
    current = claim_next(project=project, annotator=newcomer)
    membership = set_paused(membership=Membership.objects.get(user=newcomer), paused=True)
    assert claim_next(project=project, annotator=newcomer) == current
    current.segmentation.refresh_from_db()
    submit(segmentation=current.segmentation, user=newcomer, revision=current.segmentation.revision)
    assert claim_next(project=project, annotator=newcomer) is None
    set_paused(membership=membership, paused=False)
    assert claim_next(project=project, annotator=newcomer) is not None


def test_the_gold_author_is_not_served_their_own_gold(project, lead):
    project.gold_rate = 1.0
    project.save()
    gold_trace(project, lead, 1)
    assert claim_next(project=project, annotator=lead) is None
