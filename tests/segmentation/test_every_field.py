"""Runs cut every non-empty field of a trace, each with its own strategy (issue 14)."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curation.models import Segmentation, SegmentationRun, Step, Trace
from curation.services.segmentation import runs
from tests.factories import add_trace

pytestmark = pytest.mark.django_db

SOLUTION = "We need the sum.\n\n1. **Add** the numbers: 2 + 2 = 4.\n2. **Check**: 4 - 2 = 2."
REASONING = (
    "Okay, so I need the sum of 2 and 2. Adding them gives 4. "
    "Wait, let me check that again. 2 + 2 is 4, yes. So the answer is 4."
)


def make_trace(project, n: int = 0, **fields) -> Trace:
    """A trace with both fields to cut: a thinking model's reasoning and a numbered solution."""
    return add_trace(project, n, text=SOLUTION, **{"problem": f"Problem {n}", "reasoning": REASONING, **fields})


def run_all(project, trace_ids=None, **options) -> SegmentationRun:
    run, chunks = runs.create_run(project, trace_ids, **options)
    for chunk in chunks:
        runs.segment_chunk(run, chunk)
    run.refresh_from_db()
    return run


def autos(trace: Trace) -> dict[str, Segmentation]:
    return {s.field: s for s in trace.segmentations.filter(origin=Segmentation.Origin.AUTO)}


def test_reasoning_and_solution_each_get_an_automatic_segmentation(project):
    trace = make_trace(project)

    run_all(project)

    found = autos(trace)
    assert {f: s.strategy for f, s in found.items()} == {
        "reasoning": "discourse", "response": "solution",
    }
    steps = found["response"].steps.order_by("position")
    assert trace.response[steps[0].start : steps[0].end] == "We need the sum."


def test_a_field_a_person_cut_is_left_to_them_and_the_other_is_still_cut(project, lead):
    trace = make_trace(project)
    human = Segmentation.objects.create(trace=trace, field="response", origin="human", author=lead)
    Step.objects.create(segmentation=human, position=0, start=0, end=len(SOLUTION))

    run = run_all(project)

    assert set(autos(trace)) == {"reasoning"}
    assert run.skipped_human == 1
    assert human.steps.count() == 1


def test_an_existing_project_keeps_its_segmentations_and_gains_the_missing_field(project):
    trace = make_trace(project)
    run_all(project, fields=["response"])
    kept = autos(trace)["response"].steps.count()
    assert set(autos(trace)) == {"response"}

    run_all(project)

    assert set(autos(trace)) == {"reasoning", "response"}
    assert autos(trace)["response"].steps.count() == kept


def test_a_run_on_one_field_replaces_only_that_fields_segmentation(project):
    trace = make_trace(project)
    run_all(project)
    reasoning_id = autos(trace)["reasoning"].pk

    run_all(project, strategy="paragraphs", fields=["response"], params={"min_tokens": 1})

    assert autos(trace)["reasoning"].pk == reasoning_id
    assert autos(trace)["response"].strategy == "paragraphs"


def test_the_projects_per_field_settings_are_used(project):
    project.segmentation = {"fields": {"reasoning": {"strategy": "discourse",
                                                     "params": {"granularity": "sentence"}}}}
    project.save()
    trace = make_trace(project)

    run_all(project)

    assert autos(trace)["reasoning"].steps.count() == 5  # one per sentence


def test_chunks_are_sized_by_characters_not_trace_counts(project, settings):
    settings.STEPWISE_SEGMENT_CHUNK_CHARS = 1000
    long = make_trace(project, 0, reasoning="Word. " * 400)  # 2,400 characters: alone
    short = [make_trace(project, n) for n in range(1, 6)]  # about 250 characters each

    chunks = list(runs.chunk_ids(project.traces.all(), 1000))

    assert chunks[0] == [long.pk]
    assert sorted(sum(chunks[1:], [])) == [t.pk for t in short]
    assert all(len(chunk) < 5 for chunk in chunks[1:])


def test_invalid_project_settings_make_a_failed_run_that_says_why(project):
    make_trace(project)
    project.segmentation = {"strategy": "discourse", "params": {"granularity": "word"}}
    project.save()

    run = run_all(project)

    assert run.status == SegmentationRun.Status.FAILED
    assert "granularity must be one of" in run.message


def test_the_segment_command_cuts_only_the_fields_asked_for(project):
    trace = make_trace(project)

    call_command("segment", "--project", project.slug, "--field", "reasoning",
                 stdout=StringIO(), stderr=StringIO())

    assert set(autos(trace)) == {"reasoning"}


def test_the_segment_command_refuses_a_bad_parameter_with_the_segmenters_message(project):
    make_trace(project)

    with pytest.raises(CommandError, match="unknown parameter.*for discourse: colour"):
        call_command("segment", "--project", project.slug, "--field", "reasoning",
                     "--strategy", "discourse", "--param", "colour=1", stderr=StringIO())
    assert not SegmentationRun.objects.exists()


def test_a_chunk_that_fails_in_process_fails_the_run_with_its_error(project, monkeypatch):
    make_trace(project)

    def broken(*args, **kwargs):
        raise RuntimeError("tokenizer missing")

    monkeypatch.setattr(runs, "_cut_all", broken)
    run = runs.segment_in_process(project)

    assert run.status == SegmentationRun.Status.FAILED
    assert run.message == "RuntimeError: tokenizer missing"
