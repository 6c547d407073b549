"""Agreement is computed after each submission, stored, and routes the trace."""
from __future__ import annotations

import pytest
from django.core.management import call_command

from curation.models import Segmentation, SegmentationTransition, TraceAgreement
from curation.services.annotation import claim_next
from curation.services.quality import compute_trace_agreement
from tests.factories import add_cut_trace, add_member
from tests.quality.loop import ONE_STEP, PARAGRAPHS, annotate

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_way(project):
    project.overlap = 2
    project.agreement_threshold = 0.8
    project.save()
    return project


@pytest.fixture
def people(django_user_model, two_way):
    return [add_member(django_user_model, two_way, name, "annotator") for name in ("ann", "bob", "cid", "dee")]


def test_one_submission_stores_no_agreement(two_way, people):
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0])
    assert not TraceAgreement.objects.filter(trace=trace).exists()


def test_two_agreeing_submissions_store_their_figures_and_wait_for_review(two_way, people):
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0])
    annotate(two_way, people[1])
    row = TraceAgreement.objects.get(trace=trace, field="response")
    assert (row.annotators, row.boundary_f1, row.score, row.route) == (2, 1.0, 1.0, "wait")
    assert sorted(row.figures["annotators"]) == sorted(u.pk for u in people[:2])
    assert row.figures["pairs"][0]["matched_cuts"] == 2


def test_disagreement_routes_the_trace_to_one_more_annotator(two_way, people):
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0], PARAGRAPHS)
    annotate(two_way, people[1], ONE_STEP)
    row = TraceAgreement.objects.get(trace=trace)
    assert row.boundary_f1 == 0.0 and row.route == "route_to_one_more"
    third = claim_next(project=two_way, annotator=people[2])
    assert third is not None and third.trace_id == trace.pk  # a third slot opened
    assert claim_next(project=two_way, annotator=people[3]) is None  # but only one


def test_still_disagreeing_at_the_maximum_goes_to_adjudication(two_way, people):
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0], PARAGRAPHS)
    annotate(two_way, people[1], ONE_STEP)
    annotate(two_way, people[2], [(0, 59), (61, 79)])
    row = TraceAgreement.objects.get(trace=trace)
    assert row.annotators == 3 and row.route == "adjudicate"
    assert claim_next(project=two_way, annotator=people[3]) is None  # no fourth slot


def test_an_assignment_still_out_makes_the_trace_wait(two_way, people):
    two_way.overlap = 3
    two_way.save()
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0])
    annotate(two_way, people[1], ONE_STEP)
    claim_next(project=two_way, annotator=people[2])  # still working
    assert compute_trace_agreement(trace_id=trace.pk, field="response").route == "wait"


def test_agreement_approves_the_consensus_only_when_the_lead_turned_it_on(two_way, people):
    two_way.auto_approve_consensus = True
    two_way.save()
    trace = add_cut_trace(two_way)
    first = annotate(two_way, people[0])
    annotate(two_way, people[1])
    row = TraceAgreement.objects.get(trace=trace)
    assert row.route == "auto_approve"
    approved = Segmentation.objects.get(trace=trace, status="approved")
    assert approved.pk == first.segmentation_id  # equal agreement: the earliest
    # The annotator's submit recorded draft -> submitted; the approval is the transition after it.
    transition = SegmentationTransition.objects.get(segmentation=approved, to_status="approved")
    assert (transition.from_status, transition.to_status, transition.actor, transition.comment) == (
        "submitted", "approved", None, "auto-approved by consensus")
    assert transition.automatic and transition.created_at is not None
    assert approved.reviewed_at is not None and approved.reviewed_by is None


def test_the_consensus_is_the_segmentation_closest_to_the_others(two_way, people):
    two_way.overlap, two_way.auto_approve_consensus, two_way.agreement_threshold = 3, True, 0.4
    two_way.save()
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0], [(0, 30), (32, 79)])
    middle = annotate(two_way, people[1], PARAGRAPHS)
    annotate(two_way, people[2], [(0, 59), (61, 79)])
    # Pairwise F1: first-middle 2/3, middle-last 2/3, first-last 0; the mean 4/9 passes 0.4.
    assert TraceAgreement.objects.get(trace=trace).route == "auto_approve"
    assert Segmentation.objects.get(trace=trace, status="approved").pk == middle.segmentation_id


def test_auto_approve_off_leaves_agreeing_work_submitted(two_way, people):
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0])
    annotate(two_way, people[1])
    assert not Segmentation.objects.filter(trace=trace, status="approved").exists()


def test_tolerance_in_characters_comes_from_the_project(two_way, people):
    two_way.agreement_tolerance = 0
    two_way.save()
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0], PARAGRAPHS)
    annotate(two_way, people[1], [(0, 28), (28, 59), (61, 79)])  # first cut 4 characters early
    assert TraceAgreement.objects.get(trace=trace).boundary_f1 == 0.5
    two_way.agreement_tolerance = 5
    two_way.save()
    assert compute_trace_agreement(trace_id=trace.pk, field="response").boundary_f1 == 1.0


def test_tolerance_in_tokens_reads_the_tokenizers_offsets(two_way, people):
    two_way.agreement_unit, two_way.agreement_tolerance = "tokens", 1
    two_way.save()
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0], PARAGRAPHS)
    annotate(two_way, people[1], [(0, 30), (32, 63), (64, 79)])  # "So | the answer": one token on
    assert TraceAgreement.objects.get(trace=trace).boundary_f1 == 1.0
    two_way.agreement_unit = "chars"  # the same cut is three characters away
    two_way.save()
    assert compute_trace_agreement(trace_id=trace.pk, field="response").boundary_f1 == 0.5


def test_the_backfill_command_computes_every_trace_through_the_same_entry_point(two_way, people, capsys):
    traces = [add_cut_trace(two_way, n) for n in range(2)]
    annotate(two_way, people[0])
    annotate(two_way, people[1])
    annotate(two_way, people[0], ONE_STEP)
    annotate(two_way, people[1])
    TraceAgreement.objects.all().delete()
    call_command("compute_agreement", "--project", two_way.slug)
    assert {r.trace_id: r.route for r in TraceAgreement.objects.all()} == {
        traces[0].pk: "wait", traces[1].pk: "route_to_one_more"}
    assert "2 traces" in capsys.readouterr().out


def test_submit_records_time_spent_and_why_the_annotator_stopped(two_way, people):
    add_cut_trace(two_way)
    done = annotate(two_way, people[0], time_spent_seconds=95, stop_reason="first_error")
    seg = Segmentation.objects.get(pk=done.segmentation_id)
    assert (seg.time_spent_seconds, seg.stop_reason) == (95, "first_error")


def test_submit_without_time_or_reason_keeps_them_empty(two_way, people):
    add_cut_trace(two_way)
    seg = Segmentation.objects.get(pk=annotate(two_way, people[0]).segmentation_id)
    assert (seg.time_spent_seconds, seg.stop_reason) == (None, "")


def test_auto_approval_is_refused_by_the_state_machine_when_the_work_moved_on(two_way, people):
    """The consensus is approved through the review's transition: under its lock, a segmentation
    sent back since the worker read it is left as it is, and nothing is recorded."""
    from curation import quality
    from curation.services.quality import approve_consensus
    from curation.services.quality.readers import annotations_of, annotators_work

    trace = add_cut_trace(two_way)
    annotate(two_way, people[0])
    annotate(two_way, people[1])
    work = annotators_work(trace.pk, "response")  # what the worker read: both submitted
    result = quality.trace_agreement(annotations_of(work), tolerance=0)
    Segmentation.objects.filter(pk__in=[seg.pk for seg in work]).update(status="sent_back")
    assert approve_consensus(work, result) is None
    assert not SegmentationTransition.objects.filter(to_status="approved").exists()
    Segmentation.objects.filter(pk__in=[seg.pk for seg in work]).update(status="submitted")
    chosen = approve_consensus(work, result)
    assert chosen.status == "approved"
    row = SegmentationTransition.objects.get(to_status="approved")
    assert (row.segmentation_id, row.actor, row.automatic) == (chosen.pk, None, True)
    assert approve_consensus(work, result) is None  # one approved segmentation per trace field


def test_the_history_shows_an_automatic_approval_as_the_systems(two_way, people):
    from django.template.loader import render_to_string

    from curation.services import review

    two_way.auto_approve_consensus = True
    two_way.save()
    trace = add_cut_trace(two_way)
    annotate(two_way, people[0])
    annotate(two_way, people[1])
    approved = Segmentation.objects.get(trace=trace, status="approved")
    html = render_to_string("curation/review/_transitions.html", {"transitions": review.history(approved)})
    assert "system" in html and "auto-approved by consensus" in html and "(deleted user)" not in html
