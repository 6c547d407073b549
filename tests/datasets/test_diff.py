"""Comparing two versions: traces added, removed and cut again."""
from __future__ import annotations

import pytest

from curation.models import Segmentation, Trace
from curation.services.datasets.diff import diff_versions
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db

AUTO = BuildSpec(source="auto", formats=("steps",), containers=("jsonl",))


@pytest.fixture
def two_versions(dataset, auto_traces, annotator):
    """v1 over five traces; then one trace added, one deleted, two cut again; v2."""
    old = build_version(start_build(dataset=dataset, spec=AUTO))
    add_segmentation(add_trace(dataset.project, 10))
    Trace.objects.filter(pk=auto_traces[1].pk).delete()
    add_segmentation(auto_traces[2], origin="human", author=annotator)
    Segmentation.objects.filter(trace=auto_traces[3]).update(revision=2)
    new = build_version(start_build(dataset=dataset, spec=AUTO))
    return old, new, auto_traces


def test_diff_counts_each_kind_of_change(two_versions):
    old, new, _ = two_versions

    diff = diff_versions(old, new)

    assert (diff.added_count, diff.removed_count, diff.resegmented_count, diff.unchanged_count) == (
        1, 1, 2, 2)


def test_diff_names_the_traces_added_and_removed(two_versions):
    old, new, traces = two_versions

    diff = diff_versions(old, new)

    assert diff.removed == [traces[1].pk]
    assert diff.added == [Trace.objects.get(problem__startswith="Problem 10:").pk]


def test_diff_shows_who_cut_a_trace_before_and_after(two_versions):
    old, new, traces = two_versions

    change = diff_versions(old, new).resegmented[0]

    assert change.trace_id == traces[2].pk
    assert (change.old["author"], change.new["author"]) == ("auto:solution", "anna")


def test_diff_lists_a_bounded_number_of_traces_but_counts_all(two_versions):
    old, new, _ = two_versions

    diff = diff_versions(old, new, listed=1)

    assert len(diff.resegmented) == 1 and diff.resegmented_count == 2


def test_diff_refuses_a_version_that_is_not_published(dataset, auto_traces):
    old = build_version(start_build(dataset=dataset, spec=AUTO))
    building = start_build(dataset=dataset, spec=AUTO)

    with pytest.raises(ValueError, match="not published"):
        diff_versions(old, building)
