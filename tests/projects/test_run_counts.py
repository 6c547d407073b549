"""Issue 13: a segmentation run tells traces cut by the source from those cut by people."""
from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from curation.models import Segmentation, SegmentationRun, Trace
from curation.services import segmentation
from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db


def make_trace(project, n: int, origin: str | None = None) -> Trace:
    """A two-paragraph trace, with a segmentation of ``origin`` (no steps) when one is given."""
    trace = add_trace(project, n, text="One.\n\nTwo.")
    if origin:
        add_segmentation(trace, origin=origin, status="draft", spans=[])
    return trace


def run_all(project) -> SegmentationRun:
    run = segmentation.segment_in_process(project)
    run.refresh_from_db()
    return run


def test_imported_segmentations_count_as_cut_by_the_source_not_by_people(project):
    make_trace(project, 1, Segmentation.Origin.IMPORTED)
    make_trace(project, 2, Segmentation.Origin.IMPORTED)
    make_trace(project, 3, Segmentation.Origin.HUMAN)
    make_trace(project, 4)

    run = run_all(project)

    assert (run.kept_imported, run.kept_human) == (2, 1)
    html = render_to_string("curation/partials/segmentation_run.html", {"run": run, "project": project})
    assert "2 came cut with the source" in html
    assert "1 left to their human segmentation" in html
