"""A `steps` export imported back gives the same traces and the same steps."""
from __future__ import annotations

import pytest

from curation.models import ImportJob, Segmentation, Step, Trace
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build
from curation.services.imports.jobs import create_import_job, run_import

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db

HOSTILE = 'Ünïcode ✓ \U0001f600 <b>"quoted"</b> \\frac{1}{2}\n\n'


@pytest.fixture
def exported(dataset, project, annotator):
    """Three traces cut by the segmenter, a person and the source, with labels and notes."""
    plain = add_trace(project, 1)
    add_segmentation(plain, ratings=[1, 0, -1], types=["premise", "compute", "conclude"])
    hostile = add_trace(project, 2, text=HOSTILE + "1. **A** one.\n\n2. **B** two.")
    add_segmentation(hostile, origin="human", author=annotator, notes=["", "check ✓", ""],
                     spans=[(0, len(HOSTILE) - 2), (len(HOSTILE), len(HOSTILE) + 13),
                            (len(HOSTILE) + 15, len(HOSTILE) + 28)])
    add_segmentation(add_trace(project, 3, kind="agent"), origin="imported", ratings=[None, 1, 1])
    spec = BuildSpec(source="auto", formats=("steps",), containers=("jsonl", "parquet"),
                     split_ratios=(1.0, 0.0, 0.0))  # one file holds every trace
    return build_version(start_build(dataset=dataset, spec=spec))


def reimport(version, datasets_root, container: str, into) -> ImportJob:
    path = datasets_root / version.path / f"steps/data/train-00000-of-00001.{container}"
    job = create_import_job(project=into, local_path=path)
    return run_import(job)


def cuts(project) -> list[tuple]:
    """Each trace's text fields and its steps, as comparable values, in problem order."""
    found = []
    for trace in Trace.objects.filter(project=project).order_by("problem"):
        segmentation = Segmentation.objects.get(trace=trace)
        steps = list(Step.objects.filter(segmentation=segmentation).order_by("position")
                     .values_list("start", "end", "type", "rating", "note"))
        found.append((trace.problem, trace.reasoning, trace.response, trace.answer, trace.kind,
                      trace.teacher_model, segmentation.field, steps))
    return found


@pytest.mark.parametrize("container", ["jsonl", "parquet"])
def test_reimported_steps_are_the_exported_steps(exported, project, other_project, datasets_root,
                                                  container):
    job = reimport(exported, datasets_root, container, other_project)

    assert job.status == ImportJob.Status.DONE and job.detected_preset == "steps"
    assert job.traces_created == 3
    assert cuts(other_project) == cuts(project)


def test_reimported_traces_keep_their_source_and_where_they_were_cut(exported, project,
                                                                     other_project, datasets_root):
    reimport(exported, datasets_root, "jsonl", other_project)

    original = Trace.objects.get(project=project, problem__startswith="Problem 1:")
    copy = Trace.objects.get(project=other_project, problem__startswith="Problem 1:")
    provenance = copy.source.pop("stepwise")
    assert copy.source == original.source
    assert provenance["trace_id"] == original.pk and provenance["author"] == "auto:solution"


def test_reimported_steps_arrive_as_imported_submitted_segmentations(exported, other_project,
                                                                   datasets_root):
    reimport(exported, datasets_root, "jsonl", other_project)

    assert set(Segmentation.objects.filter(trace__project=other_project)
               .values_list("origin", "status")) == {("imported", "submitted")}
