"""Running the segmenter over a project: after imports, on demand, never over people's work."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation.models import Segmentation, SegmentationRun, Step, Trace
from curation.services.segmentation import runs as segmentation
from tests.factories import add_trace, generation_record

pytestmark = pytest.mark.django_db

SOLUTION = "We need the sum.\n\n1. **Add** the numbers: 2 + 2 = 4.\n2. **Check**: 4 - 2 = 2.\n\nThe answer is $\\boxed{4}$."


def make_trace(project, n: int = 0, **fields) -> Trace:
    """A trace with a SOLUTION-like response and no reasoning, nobody's steps yet."""
    blank = {"reasoning": "", "answer": "", "teacher_model": "", "source": {}}
    return add_trace(project, n, text=SOLUTION, problem=f"Problem {n}",
                     content_hash=f"hash-{n}", **{**blank, **fields})


def run_all(project, **kwargs) -> SegmentationRun:
    run, chunks = segmentation.create_run(project, **kwargs)
    for chunk in chunks:
        segmentation.segment_chunk(run, chunk)
    run.refresh_from_db()
    return run


def auto_steps(trace: Trace) -> list[Step]:
    seg = trace.segmentations.get(origin=Segmentation.Origin.AUTO)
    return list(seg.steps.order_by("position"))


def test_a_run_cuts_every_trace_and_records_its_progress(project):
    traces = [make_trace(project, n) for n in range(3)]

    run = run_all(project)

    assert run.status == SegmentationRun.Status.DONE
    assert (run.traces_total, run.traces_done) == (3, 3)
    assert run.steps_created == sum(len(auto_steps(t)) for t in traces)


def test_auto_cuts_a_final_solution_the_srl_way_with_types_and_token_counts(project):
    trace = make_trace(project)

    run_all(project)

    steps = auto_steps(trace)
    texts = [trace.response[s.start:s.end] for s in steps]
    assert texts[0] == "We need the sum."
    assert texts[1].startswith("1. **Add**")
    assert texts[-1].endswith("$\\boxed{4}$.")
    assert all(s.token_count and s.token_count > 0 for s in steps)
    schema_keys = {label["key"] for label in project.label_schema}
    assert all(s.type in schema_keys for s in steps)


def test_running_again_replaces_only_the_automatic_segmentation(project):
    trace = make_trace(project)
    run_all(project)
    run_all(project, strategy="paragraphs")

    autos = trace.segmentations.filter(origin=Segmentation.Origin.AUTO)
    assert autos.count() == 1
    assert autos.get().strategy == "paragraphs"


def test_traces_cut_by_a_person_are_left_alone(project, lead):
    trace = make_trace(project)
    human = Segmentation.objects.create(trace=trace, field="response", origin="human", author=lead)
    Step.objects.create(segmentation=human, position=0, start=0, end=len(SOLUTION))

    run = run_all(project)

    assert run.skipped_human == 1
    assert not trace.segmentations.filter(origin=Segmentation.Origin.AUTO).exists()
    assert human.steps.count() == 1


def test_reasoning_only_traces_are_cut_by_discourse_moves(project):
    reasoning = (
        "Let me think about the triangle. The sides are 3, 4 and 5, so it might be right-angled. "
        "I should compute the squares first. 9 + 16 = 25, which equals 5 squared. "
        "Wait, I should double-check that the longest side is 5. Yes, 5 is the longest side. "
        "Therefore the triangle is right-angled and the area is 3 * 4 / 2 = 6."
    )
    trace = make_trace(project, reasoning=reasoning, response="")

    run_all(project)

    seg = trace.segmentations.get(origin=Segmentation.Origin.AUTO)
    assert (seg.field, seg.strategy) == ("reasoning", "discourse")
    assert seg.steps.count() >= 1


def test_importing_from_the_command_line_segments_the_new_traces(generations_file):
    call_command("import_traces", str(generations_file), "--project", "fresh", stdout=StringIO(), stderr=StringIO())

    traces = Trace.objects.filter(project__slug="fresh")
    assert traces.count() == 5
    assert all(t.segmentations.filter(origin=Segmentation.Origin.AUTO).exists() for t in traces)


def test_an_upload_started_in_the_browser_is_segmented_by_the_task(client, lead, project, media_root):
    from django.core.files.uploadedfile import SimpleUploadedFile
    import json

    client.force_login(lead)
    content = b"".join(json.dumps(generation_record(n)).encode() + b"\n" for n in range(3))
    client.post(reverse("import-list", args=[project.slug]), {"file": SimpleUploadedFile("g.jsonl", content), "preset": "auto"})
    job = project.import_jobs.get()
    client.post(reverse("import-start", args=[project.slug, job.pk]))

    run = SegmentationRun.objects.get(import_job=job)
    assert run.status == SegmentationRun.Status.DONE
    # every field cut: each generation's reasoning and its response (issue 14)
    assert Segmentation.objects.filter(trace__project=project, origin="auto").count() == 6


def test_the_segment_command_takes_a_strategy_and_parameters(project):
    make_trace(project)
    out = StringIO()

    call_command("segment", "--project", project.slug, "--strategy", "paragraphs",
                 "--param", "min_tokens=1", stdout=out, stderr=StringIO())

    assert "Segmented 1 traces" in out.getvalue()
    assert Segmentation.objects.get(origin="auto").strategy == "paragraphs"


def test_the_segment_command_rejects_an_unknown_strategy(project):
    with pytest.raises(CommandError, match="unknown strategy"):
        call_command("segment", "--project", project.slug, "--strategy", "magic", stderr=StringIO())


def test_the_segment_button_saves_the_strategy_and_runs(client, lead, project):
    make_trace(project)
    client.force_login(lead)

    client.post(reverse("segment-start", args=[project.slug]), {"strategy": "solution", "params": "{}"})

    project.refresh_from_db()
    assert project.segmentation["fields"]["response"] == {"strategy": "solution", "params": {}}
    assert SegmentationRun.objects.get(project=project).status == SegmentationRun.Status.DONE


def test_annotators_cannot_start_a_segmentation_run(client, annotator, project):
    client.force_login(annotator)

    response = client.post(reverse("segment-start", args=[project.slug]), {"strategy": "auto"})

    assert response.status_code == 404


def test_the_trace_page_shows_steps_escaped(client, annotator, project):
    trace = make_trace(project, response="Step 1: <script>alert(1)</script>\n\nStep 2: done.")
    run_all(project)
    client.force_login(annotator)

    body = client.get(reverse("trace-detail", args=[project.slug, trace.pk])).content.decode()

    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def _saved_rows(trace_ids):
    return list(
        Step.objects.filter(segmentation__trace_id__in=trace_ids)
        .order_by("segmentation__trace_id", "segmentation__field", "position")
        .values_list("segmentation__trace_id", "segmentation__field", "segmentation__origin",
                     "segmentation__strategy", "segmentation__status", "position", "start", "end",
                     "type", "rating", "note", "token_count", "flagged")
    )


@pytest.mark.parametrize("types", [
    ["plan", "compute", ""],  # plain: COPY of one pre-formatted block on PostgreSQL
    ["a\tb", "c\\d", "e\nf\r"],  # what COPY's text format escapes: copy_rows' own escaping
])
def test_saved_steps_are_the_cut_steps_however_they_are_written(project, types):
    from curation.segment.steps import SegmentedStep
    from curation.services.segmentation.config import Plan

    traces = [make_trace(project, n) for n in range(3)]
    cut = [
        (trace, Plan(field, "discourse", {}),
         [SegmentedStep(i * 10, i * 10 + 7, types[(i + n) % 3], 5 + i) for i in range(4)])
        for n, trace in enumerate(traces) for field in ("response", "reasoning")
    ]

    assert segmentation._save(cut) == 24

    expected = sorted(
        (trace.pk, plan.field, "auto", "discourse", "submitted", position, step.start, step.end,
         step.type, None, "", step.token_count, False)
        for trace, plan, steps in cut for position, step in enumerate(steps)
    )
    assert _saved_rows([t.pk for t in traces]) == expected
