"""Differences between two or three segmentations and the adjudicated result (``adjudication``)."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curation.quality import DROP, KEEP, Annotation, StepLabel, Take, differences, resolve

TEXT = "aaaa bbbb cccc dddd"  # words at 0, 5, 10, 15
X = Annotation("x", [StepLabel(0, 5, "plan", 1), StepLabel(5, 10, "compute", 1), StepLabel(10, 19, "compute", -1)])
Y = Annotation("y", [StepLabel(0, 10, "plan", 1), StepLabel(10, 15, "check", -1), StepLabel(15, 19, "compute", 1)])


def spans(steps):
    return [(s.start, s.end) for s in steps]


def test_differences_list_boundaries_only_some_placed_and_labels_that_differ():
    found = differences([X, Y], text=TEXT)
    assert found.agreed == [10]
    assert [(d.id, d.positions, d.missing) for d in found.boundaries] == [
        ("boundary-0", {"x": 5}, ("y",)),
        ("boundary-1", {"y": 15}, ("x",)),
    ]
    assert found.labels == []  # no step is drawn by both (each side's steps have another edge)


def test_matched_steps_with_another_type_or_rating_are_label_differences():
    z = Annotation("z", [StepLabel(0, 5, "plan", 0), StepLabel(5, 10, "check", 1), StepLabel(10, 19, "compute", -1)])
    found = differences([X, z], text=TEXT)
    assert found.boundaries == []
    assert [(d.id, d.values) for d in found.labels] == [
        ("type-0", {"x": "compute", "z": "check"}),
        ("rating-0", {"x": 1, "z": 0}),
    ]
    steps = resolve([X, z], {"type-0": Take("z"), "rating-0": Take("x")}, text=TEXT)
    assert [(s.type, s.rating) for s in steps] == [("plan", 1), ("check", 1), ("compute", -1)]


def test_resolve_applies_keep_and_drop_and_labels_steps_from_who_drew_them():
    steps = resolve([X, Y], {"boundary-0": KEEP, "boundary-1": DROP}, text=TEXT)
    assert spans(steps) == [(0, 4), (5, 9), (10, 19)]
    assert [(s.type, s.rating) for s in steps] == [("plan", 1), ("compute", 1), ("compute", -1)]


def test_resolve_takes_a_side_for_every_unchosen_difference_from_base():
    steps = resolve([X, Y], {}, text=TEXT, base="y")
    assert spans(steps) == [(0, 9), (10, 14), (15, 19)]
    assert [s.type for s in steps] == ["plan", "check", "compute"]


def test_a_step_someone_drew_keeps_its_labels():
    steps = resolve([X, Y], {"boundary-0": DROP, "boundary-1": DROP}, text=TEXT, base="y")
    assert spans(steps) == [(0, 9), (10, 19)]
    assert [(s.type, s.rating) for s in steps] == [("plan", 1), ("compute", -1)]  # y's, x's


def test_a_step_nobody_drew_takes_the_labels_it_overlaps_most():
    x = Annotation("x", [StepLabel(0, 5, "plan"), StepLabel(5, 19, "compute")])
    y = Annotation("y", [StepLabel(0, 10, "check"), StepLabel(10, 19, "recall")])
    steps = resolve([x, y], {"boundary-0": DROP, "boundary-1": DROP}, text=TEXT)
    # one step [0,19): overlaps x's 5 and 14 characters, y's 10 and 9: x's [5,19) wins
    assert [(s.start, s.end, s.type) for s in steps] == [(0, 19, "compute")]


def test_resolve_without_a_choice_or_base_is_an_error():
    with pytest.raises(ValueError, match="boundary-0"):
        resolve([X, Y], {}, text=TEXT)
    with pytest.raises(ValueError):
        resolve([X], {}, text=TEXT)


cuts = st.lists(st.integers(1, 59), max_size=8, unique=True).map(sorted)


@st.composite
def annotation(draw, name):
    bounds = [0, *draw(cuts), 60]
    return Annotation(name, [StepLabel(a, b, draw(st.sampled_from("pq")), draw(st.sampled_from([-1, 1])))
                             for a, b in zip(bounds, bounds[1:])])


@settings(deadline=None)  # a loaded machine must not fail a property
@given(st.integers(2, 3).flatmap(lambda n: st.tuples(*[annotation(f"a{k}") for k in range(n)])),
       st.integers(0, 3), st.data())
def test_resolve_gives_ordered_non_overlapping_spans_covering_the_inputs(annotations, tolerance, data):
    annotations = list(annotations)
    found = differences(annotations, tolerance=tolerance)
    names = [a.annotator for a in annotations]
    choices = {}
    for diff in found.boundaries:
        choices[diff.id] = data.draw(st.sampled_from([KEEP, DROP, *[Take(n) for n in names]]))
    for diff in found.labels:
        choices[diff.id] = Take(data.draw(st.sampled_from(sorted(diff.values))))
    steps = resolve(annotations, choices, tolerance=tolerance)
    assert all(s.start < s.end for s in steps)
    assert all(a.end <= b.start for a, b in zip(steps, steps[1:]))
    assert steps[0].start == 0 and steps[-1].end == 60  # without text: no gaps, the whole extent
    assert all(a.end == b.start for a, b in zip(steps, steps[1:]))
