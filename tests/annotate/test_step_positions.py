"""Where steps are stored: a position to sort by, so a split touches no step after it, while
everyone who reads a draft still sees its steps numbered 0, 1, 2, ..."""

from __future__ import annotations

import math

import pytest

from curation.models import Step
from curation.services.annotation import edits as annotation
from curation.services.annotation import queue
from curation.services.annotation.drafts import new_positions
from tests.factories import add_cut_trace

pytestmark = pytest.mark.django_db

WORDS = " ".join(f"w{n}" for n in range(70))
TEXT = f"{WORDS}\n\nThe end."


@pytest.fixture
def draft(project, annotator):
    add_cut_trace(project, 0, text=TEXT, spans=[(0, len(WORDS)), (len(WORDS) + 2, len(TEXT))])
    return queue.claim_next(project=project, annotator=annotator).segmentation


def stored(segmentation) -> list[tuple[int, float]]:
    return list(segmentation.steps.values_list("pk", "position"))


def test_a_split_reuses_its_steps_position_and_puts_the_new_one_halfway_to_the_next():
    assert new_positions([3.0], 4.0, 2) == [3.0, 3.5]


def test_a_split_of_the_last_step_puts_the_new_one_a_whole_place_after_it():
    assert new_positions([7.0], None, 2) == [7.0, 8.0]


def test_a_merge_keeps_the_position_of_its_first_step():
    assert new_positions([3.0, 3.5], 4.0, 1) == [3.0]


def test_no_positions_when_no_double_lies_between():
    assert new_positions([1.0], math.nextafter(1.0, 2.0), 2) is None


def test_a_split_leaves_the_rows_of_the_steps_after_it_as_they_were(project, annotator):
    add_cut_trace(project, 0)  # three paragraphs
    segmentation = queue.claim_next(project=project, annotator=annotator).segmentation
    after_it = stored(segmentation)[1:]

    annotation.split_step(segmentation=segmentation, user=annotator, revision=1, index=0, at=19)

    assert stored(segmentation)[2:] == after_it


def test_splits_into_one_gap_until_it_runs_out_keep_the_steps_in_order(draft, annotator):
    # Each split cuts the step's first word off the rest: the rest's position halves its
    # distance to the last step's every time, until no double fits and the draft is numbered
    # afresh (``drafts._respace``), then splitting goes on from there.
    for index in range(60):
        start = Step.objects.filter(segmentation=draft)[index].start
        annotation.split_step(segmentation=draft, user=annotator, revision=draft.revision,
                              index=index, at=WORDS.index(" ", start) + 1)
        draft.refresh_from_db()

    state = annotation.load_state(draft)
    words = [TEXT[step.start : step.end] for step in state.steps]
    assert words == [f"w{n}" for n in range(60)] + [" ".join(f"w{n}" for n in range(60, 70)), "The end."]
    assert draft.steps.order_by("position").last().position > 1  # numbered afresh on the way


def test_the_editor_numbers_the_steps_from_zero_whatever_their_positions(draft, annotator):
    annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=3)
    assert sorted(position for _, position in stored(draft)) == [0.0, 0.5, 1.0]

    state = annotation.rate(segmentation=draft, user=annotator, revision=2, index=2, rating=1)

    assert [(TEXT[s.start : s.end], s.rating) for s in state.steps] == [
        ("w0", None), (WORDS[3:], None), ("The end.", 1),
    ]


def test_undoing_a_merge_puts_both_steps_back_between_their_neighbours(draft, annotator):
    annotation.split_step(segmentation=draft, user=annotator, revision=1, index=0, at=3)
    annotation.merge_steps(segmentation=draft, user=annotator, revision=2, index=0, direction="next")

    state = annotation.undo(segmentation=draft, user=annotator, revision=3)

    assert [TEXT[s.start : s.end] for s in state.steps] == ["w0", WORDS[3:], "The end."]
    assert [TEXT[s.start : s.end] for s in annotation.load_state(draft).steps] == [
        "w0", WORDS[3:], "The end.",
    ]
