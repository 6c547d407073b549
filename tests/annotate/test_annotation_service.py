"""Edits to a draft: saved at once, checked against the revision, kept in an append-only history."""

from __future__ import annotations

import pytest

from curation.models import Assignment
from curation.segment.edits import EditError
from curation.services.annotation import edits as annotation
from curation.services.annotation import queue
from curation.services.annotation.edits import Conflict

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(project, annotator, traces):
    return queue.claim_next(project=project, annotator=annotator).segmentation


def spans(segmentation) -> list[tuple[int, int]]:
    return list(segmentation.steps.order_by("position").values_list("start", "end"))


def test_a_split_is_saved_at_once_with_a_new_revision(draft, annotator):
    state = annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=19)

    draft.refresh_from_db()
    assert draft.revision == state.segmentation.revision == 2
    assert spans(draft)[:2] == [(0, 19), (20, 30)]
    assert len(spans(draft)) == 4


def test_an_edit_on_a_stale_revision_is_refused_and_changes_nothing(draft, annotator):
    annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=1)
    before = spans(draft)

    with pytest.raises(Conflict, match="revision 1.*revision 2"):
        annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=19)

    draft.refresh_from_db()
    assert (draft.revision, spans(draft)) == (2, before)


def test_a_refused_edit_leaves_the_revision_and_history_alone(draft, annotator):
    with pytest.raises(EditError):
        annotation.merge_steps(
            segmentation=draft, user=annotator, revision=1, index=2, direction="next"
        )

    draft.refresh_from_db()
    assert (draft.revision, draft.edits.count()) == (1, 1)


def test_a_merge_leaves_the_steps_after_it_one_index_earlier(draft, annotator):
    annotation.merge_steps(
        segmentation=draft, user=annotator, revision=1, index=0, direction="next"
    )

    assert spans(draft) == [(0, 60), (62, 81)]
    state = annotation.rate(segmentation=draft, user=annotator, revision=2, index=1, rating=1)
    assert [(step.start, step.rating) for step in state.steps] == [(0, None), (62, 1)]


def test_moving_a_boundary_forgets_the_stale_token_counts(draft, annotator):
    annotation.move_boundary(
        segmentation=draft, user=annotator, revision=1, index=0, unit="word", direction=1
    )

    assert list(draft.steps.values_list("token_count", flat=True)) == [None, None, 3]


def test_set_type_refuses_a_type_outside_the_project_schema(draft, annotator):
    with pytest.raises(EditError, match="not a step type"):
        annotation.set_type(segmentation=draft, user=annotator, revision=1, index=0, type="poetry")


def test_labels_are_saved_on_the_step(draft, annotator):
    annotation.set_type(segmentation=draft, user=annotator, revision=1, index=1, type="verify")
    annotation.rate(segmentation=draft, user=annotator, revision=2, index=1, rating=-1)
    annotation.note(segmentation=draft, user=annotator, revision=3, index=1, text="  sign error ")
    annotation.flag(segmentation=draft, user=annotator, revision=4, index=1, flagged=True)

    step = draft.steps.all()[1]
    assert (step.type, step.rating, step.note, step.flagged) == ("verify", -1, "sign error", True)


def test_every_edit_lands_in_the_history_with_who_what_and_before_after(draft, annotator):
    annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=19)

    edit = draft.edits.last()
    assert (edit.author, edit.operation, edit.revision, edit.position) == (annotator, "split", 2, 0)
    assert [(s["start"], s["end"]) for s in edit.before] == [(0, 30)]
    assert [(s["start"], s["end"]) for s in edit.after] == [(0, 19), (20, 30)]


def test_the_history_is_append_only(draft):
    entry = draft.edits.first()

    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_undo_restores_the_steps_before_the_last_edit(draft, annotator):
    original = spans(draft)
    annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=19)

    state = annotation.undo(segmentation=draft, user=annotator, revision=2)

    assert spans(draft) == original
    assert (state.segmentation.revision, state.can_undo, state.can_redo) == (3, False, True)


def test_undo_walks_back_through_several_edits_and_redo_forward_again(draft, annotator):
    annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=19)
    after_split = spans(draft)
    annotation.merge_steps(
        segmentation=draft, user=annotator, revision=2, index=1, direction="next"
    )
    annotation.undo(segmentation=draft, user=annotator, revision=3)
    annotation.undo(segmentation=draft, user=annotator, revision=4)
    annotation.redo(segmentation=draft, user=annotator, revision=5)

    assert spans(draft) == after_split
    assert list(draft.edits.values_list("operation", flat=True)) == [
        "start",
        "split",
        "merge",
        "undo",
        "undo",
        "redo",
    ]


def test_a_new_edit_after_undo_leaves_nothing_to_redo(draft, annotator):
    annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=1)
    annotation.undo(segmentation=draft, user=annotator, revision=2)
    annotation.rate(segmentation=draft, user=annotator, revision=3, index=0, rating=0)

    with pytest.raises(EditError, match="Nothing to redo"):
        annotation.redo(segmentation=draft, user=annotator, revision=4)


def test_undo_with_an_empty_history_is_refused(draft, annotator):
    with pytest.raises(EditError, match="Nothing to undo"):
        annotation.undo(segmentation=draft, user=annotator, revision=1)


def test_submit_closes_the_draft_for_edits(draft, annotator):
    annotation.submit(segmentation=draft, user=annotator, revision=1)

    with pytest.raises(Conflict, match="already submitted"):
        annotation.rate(segmentation=draft, user=annotator, revision=2, index=0, rating=1)
    assert Assignment.objects.get(segmentation=draft).status == "submitted"


def test_submit_on_a_stale_revision_is_refused(draft, annotator):
    annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=1)

    with pytest.raises(Conflict):
        annotation.submit(segmentation=draft, user=annotator, revision=1)


def test_skip_needs_a_reason(draft, annotator):
    with pytest.raises(EditError, match="why"):
        annotation.skip(segmentation=draft, user=annotator, revision=1, reason="  ")


def test_skip_records_the_reason_on_the_assignment(draft, annotator):
    assignment = annotation.skip(segmentation=draft, user=annotator, revision=1, reason="truncated")

    assert (assignment.status, assignment.skip_reason) == ("skipped", "truncated")


def test_only_the_assignee_may_edit_a_draft(draft, second_annotator):
    with pytest.raises(Conflict, match="not assigned to you"):
        annotation.rate(segmentation=draft, user=second_annotator, revision=1, index=0, rating=1)


def test_an_expired_assignment_is_taken_back_on_the_next_edit_while_its_slot_is_free(
    draft, annotator
):
    Assignment.objects.filter(segmentation=draft).update(status="expired")

    annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=1)

    assert Assignment.objects.get(segmentation=draft).status == "active"


def test_an_expired_assignment_whose_slot_was_taken_cannot_be_edited(
    draft, annotator, second_annotator, project
):
    Assignment.objects.filter(segmentation=draft).update(status="expired")
    Assignment.objects.create(project=project, trace=draft.trace, annotator=second_annotator)

    with pytest.raises(Conflict, match="expired"):
        annotation.rate(segmentation=draft, user=annotator, revision=1, index=0, rating=1)


def test_a_skip_leaves_no_draft_in_progress(draft, annotator):
    annotation.skip(segmentation=draft, user=annotator, revision=1, reason="truncated")

    draft.refresh_from_db()
    assert draft.status == "skipped" and draft.get_status_display() == "Skipped"
