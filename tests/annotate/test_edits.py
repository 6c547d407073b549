"""The pure edit operations: spans in, a splice out, the text's invariants kept."""

from __future__ import annotations

import pytest

from curation.segment.edits import (
    EditableStep,
    EditError,
    merge_with_next,
    merge_with_previous,
    move_boundary,
    split_step,
    step_at,
    update_step,
)

TEXT = "One two three. Four five.\n\nSix seven. Eight."
#       0123456789012345678901234 5 6789012345678901234


def steps_of(*spans, **labels) -> list[EditableStep]:
    return [EditableStep(start, end, **labels) for start, end in spans]


def texts(steps) -> list[str]:
    return [TEXT[s.start : s.end] for s in steps]


STEPS = steps_of((0, 25), (27, 44), type="compute")


def test_split_cuts_at_the_offset_and_trims_the_whitespace_between():
    splice = split_step(TEXT, STEPS, 0, 14)

    assert texts(splice.apply(STEPS)) == ["One two three.", "Four five.", "Six seven. Eight."]
    assert splice.focus == 1


def test_split_keeps_the_labels_on_the_first_half_and_the_type_on_both():
    steps = [EditableStep(0, 25, type="plan", rating=1, note="ok", flagged=True), STEPS[1]]

    first, second = split_step(TEXT, steps, 0, 8).after

    assert (first.type, first.rating, first.note, first.flagged) == ("plan", 1, "ok", True)
    assert (second.type, second.rating, second.note, second.flagged) == ("plan", None, "", False)


@pytest.mark.parametrize(
    "at, where", [(0, "at the start of"), (25, "at the end of"), (26, "outside"), (1003, "outside")]
)
def test_split_refuses_an_offset_outside_the_step_and_says_where_the_caret_is(at, where):
    with pytest.raises(EditError, match=f"The caret is {where} step 1: place it where"):
        split_step(TEXT, STEPS, 0, at)


def test_split_refuses_to_leave_an_empty_half():
    steps = steps_of((0, 6))  # an imported step with trailing spaces: "One   "

    with pytest.raises(EditError, match="empty"):
        split_step("One   two", steps, 0, 4)


def test_merge_with_next_spans_both_and_the_gap():
    merged = merge_with_next(STEPS, 0).apply(STEPS)

    assert texts(merged) == [TEXT[0:44]]


def test_merge_keeps_both_notes_and_any_flag():
    steps = [EditableStep(0, 25, note="a"), EditableStep(27, 44, note="b", flagged=True)]

    (merged,) = merge_with_next(steps, 0).after

    assert (merged.note, merged.flagged) == ("a\nb", True)


def test_merge_with_previous_of_the_first_step_is_refused():
    with pytest.raises(EditError, match="no previous"):
        merge_with_previous(STEPS, 0)


def test_merge_with_next_of_the_last_step_is_refused():
    with pytest.raises(EditError, match="no next"):
        merge_with_next(STEPS, 1)


def test_moving_forward_by_a_word_hands_over_the_next_steps_first_word():
    moved = move_boundary(TEXT, STEPS, 0, "word", 1).apply(STEPS)

    assert texts(moved) == ["One two three. Four five.\n\nSix", "seven. Eight."]


def test_moving_back_by_a_word_hands_over_this_steps_last_word():
    moved = move_boundary(TEXT, STEPS, 0, "word", -1).apply(STEPS)

    assert texts(moved) == ["One two three. Four", "five.\n\nSix seven. Eight."]


def test_moving_by_a_sentence_moves_whole_sentences():
    forward = move_boundary(TEXT, STEPS, 0, "sentence", 1).apply(STEPS)
    back = move_boundary(TEXT, STEPS, 0, "sentence", -1).apply(STEPS)

    assert texts(forward) == ["One two three. Four five.\n\nSix seven.", "Eight."]
    assert texts(back) == ["One two three.", "Four five.\n\nSix seven. Eight."]


def test_moving_refuses_to_empty_a_step():
    steps = steps_of((0, 25), (39, 44))  # the second step is the single word "Eight."

    with pytest.raises(EditError, match="empty"):
        move_boundary(TEXT, steps, 0, "word", 1)


def test_the_last_step_has_no_boundary_to_move():
    with pytest.raises(EditError, match="last step"):
        move_boundary(TEXT, STEPS, 1, "word", 1)


def test_update_step_changes_labels_only():
    (step,) = update_step(STEPS, 1, type="verify", rating=-1, note="wrong").after

    assert (step.start, step.end, step.type, step.rating, step.note) == (
        27,
        44,
        "verify",
        -1,
        "wrong",
    )


def test_a_rating_off_the_prm_scale_is_refused():
    with pytest.raises(EditError, match="-1, 0 or \\+1"):
        update_step(STEPS, 0, rating=2)


def test_the_inverse_splice_restores_the_steps():
    splice = split_step(TEXT, STEPS, 1, 38)

    assert splice.inverted().apply(splice.apply(STEPS)) == STEPS


def test_a_splice_refuses_steps_that_changed_since():
    splice = merge_with_next(STEPS, 0)
    changed = update_step(STEPS, 1, rating=1).apply(STEPS)

    with pytest.raises(EditError, match="changed"):
        splice.apply(changed)


def test_step_at_finds_the_step_holding_an_offset_and_none_in_a_gap():
    assert [step_at(STEPS, offset) for offset in (0, 24, 25, 26, 27, 43, 44)] == [
        0,
        0,
        None,
        None,
        1,
        1,
        None,
    ]
