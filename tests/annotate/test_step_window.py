"""A window of a draft's steps: what an edit reads instead of every step, and the same answers."""

from __future__ import annotations

import pytest

from curation.segment.edits import (
    EditableStep,
    EditError,
    StepWindow,
    label_counts,
    merge_with_next,
    split_step,
    update_step,
)

TEXT = " ".join(f"w{n}." for n in range(40))  # "w0. w1. ..." : steps of one word each


def all_steps() -> list[EditableStep]:
    steps, start = [], 0
    for n in range(40):
        end = start + len(f"w{n}.")
        steps.append(EditableStep(start, end, type="compute" if n % 3 else "", rating=1 if n % 2 else None,
                                  flagged=n % 5 == 0))
        start = end + 1
    return steps


def window_of(steps: list[EditableStep], first: int, stop: int, loads: list, store=None) -> StepWindow:
    """``store``: where the whole list is read from (the database: after a write, the new one)."""
    store = store if store is not None else {"steps": steps}

    def load_all():
        loads.append(1)
        return list(store["steps"])

    return StepWindow(len(steps), first, steps[first:stop], label_counts(steps), load_all)


def test_a_window_answers_like_the_list_inside_it_without_reading_the_rest():
    steps, loads = all_steps(), []
    window = window_of(steps, 10, 15, loads)
    assert len(window) == 40 and window[12] == steps[12] and window[10:15] == steps[10:15]
    assert window[11:11] == [] and label_counts(window) == label_counts(steps)
    assert loads == []


def test_reading_outside_the_window_reads_everything_once():
    steps, loads = all_steps(), []
    window = window_of(steps, 10, 15, loads)
    assert window[0] == steps[0] and window[-1] == steps[-1] and window[5:12] == steps[5:12]
    assert list(window) == steps and window == steps
    assert loads == [1]
    with pytest.raises(IndexError):
        window[40]


@pytest.mark.parametrize("make", [
    lambda steps: split_step(TEXT, steps, 12, steps[12].start + 1),
    lambda steps: merge_with_next(steps, 12),
    lambda steps: update_step(steps, 12, rating=None, type="", flagged=True),
])
def test_a_spliced_window_holds_what_the_spliced_list_holds(make):
    steps, loads, store = all_steps(), [], {}
    store["steps"] = steps
    window = window_of(steps, 10, 16, loads, store)
    splice = make(window)
    assert splice == make(steps)
    after, expected = window.spliced(splice), splice.apply(steps)
    assert len(after) == len(expected) and label_counts(after) == label_counts(expected)
    assert after[10:14] == expected[10:14]
    assert loads == []
    store["steps"] = expected  # the splice written
    assert list(after) == expected and loads == [1]


def test_a_splice_outside_the_window_is_applied_to_the_whole_list():
    steps, loads = all_steps(), []
    window = window_of(steps, 10, 16, loads)
    splice = merge_with_next(steps, 30)
    after = window.spliced(splice)
    assert list(after) == splice.apply(steps) and label_counts(after) == label_counts(splice.apply(steps))


def test_a_stale_splice_is_refused_like_on_a_list():
    steps, loads = all_steps(), []
    window = window_of(steps, 10, 16, loads)
    stale = update_step(steps, 12, rating=-1)
    moved = window.spliced(update_step(steps, 12, rating=0))
    with pytest.raises(EditError):
        moved.spliced(stale)
