"""The builder's filters, and the live counts that must equal what a build writes."""
from __future__ import annotations

import pytest

from curation.services.datasets.selection import chosen_segmentations, count_selection
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db


def selected(project, **spec) -> list[int]:
    """The trace numbers (the n of add_trace) a build with this spec would take."""
    spec.setdefault("source", "auto")
    rows = chosen_segmentations(project, BuildSpec(**spec)).order_by("trace_id")
    problems = rows.values_list("trace__problem", flat=True)
    return [int(problem.split(":")[0].split()[1]) for problem in problems]


def test_status_filter_keeps_the_chosen_segmentation_s_standing(project, annotator):
    add_segmentation(add_trace(project, 1))
    add_segmentation(add_trace(project, 2), origin="human", author=annotator)

    assert selected(project, statuses=("auto",)) == [1]
    assert selected(project, statuses=("submitted",)) == [2]


def test_reviewer_filter_keeps_what_that_reviewer_approved(project, reviewer, annotator):
    add_segmentation(add_trace(project, 1), origin="human", status="approved", author=reviewer)
    add_segmentation(add_trace(project, 2), origin="human", status="approved", author=annotator)

    assert selected(project, reviewer="rita") == [1]


def test_teacher_filter(project):
    add_segmentation(add_trace(project, 1, teacher="r1"))
    add_segmentation(add_trace(project, 2, teacher="qwq"))
    add_segmentation(add_trace(project, 3, teacher="o1"))

    assert selected(project, teacher_models=("qwq", "r1")) == [1, 2]


def test_source_filter_matches_text_values(project):
    add_segmentation(add_trace(project, 1, source={"subset": "gsm8k"}))
    add_segmentation(add_trace(project, 2, source={"subset": "math"}))

    assert selected(project, source_key="subset", source_value="gsm8k") == [1]


def test_source_filter_matches_numbers_and_booleans_as_written(project):
    add_segmentation(add_trace(project, 1, source={"level": 5, "correct": True}))
    add_segmentation(add_trace(project, 2, source={"level": 3, "correct": False}))

    assert selected(project, source_key="level", source_value="5") == [1]
    assert selected(project, source_key="correct", source_value="false") == [2]


def test_source_filter_with_a_key_only_keeps_traces_that_have_it(project):
    add_segmentation(add_trace(project, 1, source={"level": 5}))
    add_segmentation(add_trace(project, 2, source={}))

    assert selected(project, source_key="level") == [1]


def test_step_type_filter_keeps_traces_with_any_of_the_types(project):
    add_segmentation(add_trace(project, 1), types=["compute", "verify", "conclude"])
    add_segmentation(add_trace(project, 2), types=["compute", "compute", "conclude"])
    add_segmentation(add_trace(project, 3), types=["plan", "compute", "compute"])

    assert selected(project, step_types=("verify", "plan")) == [1, 3]


def test_number_of_steps_bounds(project):
    for n, count in ((1, 1), (2, 2), (3, 3)):
        trace = add_trace(project, n)
        add_segmentation(trace, spans=[(i, i + 1) for i in range(count)])

    assert selected(project, min_steps=2) == [2, 3]
    assert selected(project, max_steps=2) == [1, 2]


def test_token_bounds_add_up_the_steps(project):
    add_segmentation(add_trace(project, 1), token_counts=[10, 10, 10])
    add_segmentation(add_trace(project, 2), token_counts=[100, 100, 100])

    assert selected(project, max_tokens=30) == [1]
    assert selected(project, min_tokens=31) == [2]


def test_token_bounds_estimate_steps_a_person_changed(project):
    # Step spans of SOLUTION are 30, 51 and 30 characters: 8 + 13 + 8 estimated tokens.
    add_segmentation(add_trace(project, 1), token_counts=[None, None, None])

    assert selected(project, max_tokens=29) == [1]
    assert selected(project, max_tokens=28) == []


def test_longest_step_bound(project):
    add_segmentation(add_trace(project, 1), token_counts=[10, 90, 10])
    add_segmentation(add_trace(project, 2), token_counts=[40, 40, 40])

    assert selected(project, max_step_tokens=50) == [2]


def test_no_negative_leaves_out_traces_with_a_bad_step(project):
    add_segmentation(add_trace(project, 1), ratings=[1, -1, 1])
    add_segmentation(add_trace(project, 2), ratings=[1, 0, 1])

    assert selected(project, ratings="no-negative") == [2]


def test_rated_only_leaves_out_traces_with_an_unrated_step(project):
    add_segmentation(add_trace(project, 1), ratings=[1, None, 1])
    add_segmentation(add_trace(project, 2), ratings=[1, 1, 1])

    assert selected(project, ratings="rated-only") == [2]


def test_truncation_rules_keep_every_trace(project):
    add_segmentation(add_trace(project, 1), ratings=[-1, 1, 1])

    assert selected(project, ratings="before-first-negative") == [1]


@pytest.mark.parametrize("ratings,srl_rows,prm_rows", [
    ("all", 9, 3), ("through-first-negative", 6, 3), ("before-first-negative", 4, 2),
])
def test_row_counts_follow_the_rating_rule(project, ratings, srl_rows, prm_rows):
    add_segmentation(add_trace(project, 1), ratings=[1, -1, 1])
    add_segmentation(add_trace(project, 2), ratings=[-1, 1, 1])
    add_segmentation(add_trace(project, 3), ratings=[1, 1, 1])

    counts = count_selection(project, BuildSpec(source="auto", ratings=ratings))

    assert counts.traces == 3
    assert counts.rows == {"srl": srl_rows, "prm": prm_rows, "sft": 3, "steps": 3}


@pytest.mark.parametrize("ratings", ["all", "no-negative", "through-first-negative",
                                     "before-first-negative"])
def test_live_counts_are_the_build_s_counts(dataset, project, ratings):
    for n, trace_ratings in enumerate(([1, -1, 1], [-1, 1, 1], [1, 1, 1], [0, 0, -1])):
        add_segmentation(add_trace(project, n), ratings=trace_ratings)
    spec = BuildSpec(source="auto", ratings=ratings)

    counts = count_selection(project, spec)
    version = build_version(start_build(dataset=dataset, spec=spec))

    built = version.manifest["rows"]
    for fmt, rows in counts.rows.items():
        assert sum(n for key, n in built.items() if key.startswith(f"{fmt}/")) == rows
    assert sum(version.manifest["traces"].values()) == counts.traces
