"""Adjudication: which trace fields wait for it, the sides laid over each other, the resolution."""
from __future__ import annotations

import pytest

from curation.models import Segmentation, TraceAgreement
from curation.quality import DROP, KEEP, Take
from curation.review import overlay
from curation.services import review
from curation.services.review import ReviewError
from tests.factories import TEXT, add_cut_trace, add_member

pytestmark = pytest.mark.django_db
# TEXT's three paragraphs start at 0, 32 and 62.
PARAGRAPHS = [(0, 30), (32, 60), (62, 80)]


def side(trace, author, spans, types=None, ratings=None):
    from tests.factories import add_segmentation

    return add_segmentation(trace, origin="human", author=author, spans=spans, types=types, ratings=ratings)


@pytest.fixture
def disputed(project, annotator, lead, django_user_model):
    """Anna cuts the three paragraphs; Bert also cuts the first one at 20, and calls step 3 verify."""
    bert = add_member(django_user_model, project, "bert", "annotator")
    trace = add_cut_trace(project, 0)
    a = side(trace, annotator, PARAGRAPHS)
    b = side(trace, bert, [(0, 19), (20, 30), (32, 60), (62, 80)], types=["compute"] * 3 + ["verify"])
    return trace, a, b


def test_differences_and_the_overlay_mark_the_boundary_only_one_placed(project, disputed):
    trace, a, b = disputed
    case = review.case(project, trace.pk, "response")
    assert [d.positions for d in case.differences.boundaries] == [{1: 20}]
    assert [(d.label, d.values) for d in case.differences.labels] == [("type", {0: "compute", 1: "verify"})]
    cuts = [(p.start, p.annotator, p.diff) for p in case.overlay.pieces if p.kind == "cut"]
    assert cuts == [(20, 1, "boundary-0"), (32, 0, None), (32, 1, None), (62, 0, None), (62, 1, None)]
    assert "".join(TEXT[p.start:p.end] for p in case.overlay.pieces if p.kind == "text") == TEXT


def test_resolving_creates_the_approved_segmentation_with_both_parents(project, disputed, reviewer):
    trace, a, b = disputed
    result = review.adjudicate(project, reviewer, trace_id=trace.pk, field="response",
                               segmentation_ids=[a.pk, b.pk], choices={"boundary-0": Take(1), "type-0": Take(0)})
    assert (result.status, result.origin, result.author, result.reviewed_by) == ("approved", "human", reviewer, reviewer)
    assert set(result.parents.all()) == {a, b}
    assert list(result.steps.order_by("position").values_list("start", "end", "type")) == [
        (0, 19, "compute"), (20, 30, "compute"), (32, 60, "compute"), (62, 80, "compute")]
    [t] = review.history(result)
    assert (t.from_status, t.to_status, t.actor) == ("", "approved", reviewer)
    assert result.edits.get().params == {"from": "adjudication", "parents": [a.pk, b.pk]}


def test_keep_and_drop_decide_a_boundary_and_unchosen_ones_follow_the_base(project, disputed, reviewer):
    trace, a, b = disputed
    kept = review.case(project, trace.pk, "response")
    assert kept.differences.boundaries[0].id == "boundary-0"
    result = review.adjudicate(project, reviewer, trace_id=trace.pk, field="response",
                               segmentation_ids=[a.pk, b.pk], choices={"boundary-0": DROP}, base=1)
    assert result.steps.count() == 3
    assert result.steps.all()[2].type == "verify"  # the base side's label


def test_a_trace_field_waits_for_adjudication_until_one_is_approved(project, disputed, reviewer):
    trace, a, b = disputed
    other = add_cut_trace(project, 1)
    side(other, a.author, PARAGRAPHS)
    side(other, b.author, PARAGRAPHS)
    TraceAgreement.objects.create(trace=other, field="response", annotators=2, boundary_f1=0.4, route="adjudicate")
    assert [row["trace_id"] for row in review.awaiting_adjudication(project)] == [other.pk, trace.pk]
    review.adjudicate(project, reviewer, trace_id=trace.pk, field="response",
                      segmentation_ids=[a.pk, b.pk], choices={}, base=0)
    assert [row["trace_id"] for row in review.awaiting_adjudication(project)] == [other.pk]
    assert not review.review_queue(project).filter(trace=trace).exists()


def test_a_second_adjudication_of_the_same_field_is_refused(project, disputed, reviewer, lead):
    trace, a, b = disputed
    review.adjudicate(project, reviewer, trace_id=trace.pk, field="response", segmentation_ids=[a.pk, b.pk], choices={}, base=0)
    with pytest.raises(ReviewError):
        review.adjudicate(project, lead, trace_id=trace.pk, field="response", segmentation_ids=[a.pk, b.pk], choices={}, base=0)


def test_an_annotator_of_the_trace_cannot_adjudicate_it(project, disputed, lead, django_user_model):
    trace, a, b = disputed
    Segmentation.objects.filter(pk=a.pk).update(author=lead)
    with pytest.raises(ReviewError, match="own work"):
        review.adjudicate(project, lead, trace_id=trace.pk, field="response", segmentation_ids=[a.pk, b.pk], choices={}, base=0)


def test_a_side_changed_since_it_was_shown_is_refused(project, disputed, reviewer):
    trace, a, b = disputed
    with pytest.raises(ReviewError, match="changed meanwhile"):
        review.adjudicate(project, reviewer, trace_id=trace.pk, field="response", segmentation_ids=[a.pk, b.pk],
                          revisions=[a.revision, b.revision + 1], choices={}, base=0)


def test_keep_on_a_label_difference_is_refused(project, disputed, reviewer):
    trace, a, b = disputed
    with pytest.raises(ReviewError):
        review.adjudicate(project, reviewer, trace_id=trace.pk, field="response",
                          segmentation_ids=[a.pk, b.pk], choices={"type-0": KEEP}, base=0)


def test_the_overlay_core_interleaves_text_and_markers():
    from curation.quality import Annotation, StepLabel, differences

    text = "ab cd ef"
    sides = [Annotation(0, [StepLabel(0, 2), StepLabel(3, 8)]), Annotation(1, [StepLabel(0, 5), StepLabel(6, 8)])]
    laid = overlay(text, sides, differences(sides, text=text))
    assert [(p.kind, p.start, p.end) for p in laid.pieces] == [
        ("text", 0, 3), ("cut", 3, 3), ("text", 3, 6), ("cut", 6, 6), ("text", 6, 8)]
    assert laid.cuts == [1, 1]
