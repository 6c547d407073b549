"""Where a trace goes after a submission (``routing.route``): one test per row of the table."""
from __future__ import annotations

from curation.quality import Route, RoutingSettings, route

SETTINGS = RoutingSettings(threshold=0.8, overlap=2, max_annotators=3)


def test_fewer_submissions_and_assignments_than_the_overlap_need_annotators():
    assert route(SETTINGS, submitted=1, score=None) == Route.NEEDS_MORE_ANNOTATORS


def test_an_outstanding_assignment_waits():
    assert route(SETTINGS, submitted=1, score=None, in_progress=1) == Route.WAIT
    assert route(SETTINGS, submitted=2, score=0.1, in_progress=1) == Route.WAIT


def test_a_project_without_overlap_waits_for_normal_review():
    assert route(RoutingSettings(threshold=0.8, overlap=1), submitted=1, score=None) == Route.WAIT


def test_agreement_at_the_threshold_waits_unless_auto_approve_is_on():
    assert route(SETTINGS, submitted=2, score=0.8) == Route.WAIT
    auto = RoutingSettings(threshold=0.8, overlap=2, max_annotators=3, auto_approve=True)
    assert route(auto, submitted=2, score=0.8) == Route.AUTO_APPROVE


def test_disagreement_goes_to_one_more_annotator_then_to_adjudication():
    assert route(SETTINGS, submitted=2, score=0.79) == Route.ROUTE_TO_ONE_MORE
    assert route(SETTINGS, submitted=3, score=0.5) == Route.ADJUDICATE


def test_an_undefined_score_counts_as_disagreement():
    assert route(SETTINGS, submitted=2, score=None) == Route.ROUTE_TO_ONE_MORE


def test_a_max_below_the_overlap_counts_as_the_overlap():
    settings = RoutingSettings(threshold=0.8, overlap=3, max_annotators=2)
    assert route(settings, submitted=3, score=0.1) == Route.ADJUDICATE
