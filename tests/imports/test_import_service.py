"""The import service: batches, dedup, imported steps, bad records, atomic imports."""
from __future__ import annotations

import pytest

from curation.models import ImportJob, Segmentation, Trace
from curation.services.imports.jobs import create_import_job, run_import
from tests.factories import generation_record, processbench_record, write_jsonl

pytestmark = pytest.mark.django_db


def import_file(project, path, **kwargs) -> ImportJob:
    return run_import(create_import_job(project=project, local_path=path, **kwargs))


def test_generations_become_traces_with_reasoning_and_response(project, generations_file):
    job = import_file(project, generations_file)

    assert job.status == ImportJob.Status.DONE
    assert job.detected_preset == "generation"
    assert job.traces_created == 5
    trace = Trace.objects.get(project=project, problem="What is 3 + 3?")
    assert "So the sum is 6." in trace.reasoning
    assert "<think>" not in trace.reasoning
    assert trace.response.startswith("The answer is")
    assert trace.teacher_model == "teacher-x"
    assert trace.import_job == job


def test_importing_the_same_file_twice_adds_nothing_and_says_so(project, generations_file):
    import_file(project, generations_file)
    again = import_file(project, generations_file)

    assert again.traces_created == 0
    assert again.duplicates == 5
    assert "0 traces imported, 5 duplicates skipped" in again.message
    assert Trace.objects.filter(project=project).count() == 5


def test_duplicates_inside_one_file_are_counted_once(project, tmp_path):
    path = write_jsonl(tmp_path / "dups.jsonl", [generation_record(1)] * 3)

    job = import_file(project, path)

    assert (job.traces_created, job.duplicates) == (1, 2)


def test_the_same_trace_may_live_in_two_projects(project, other_project, generations_file):
    import_file(project, generations_file)
    job = import_file(other_project, generations_file)

    assert job.traces_created == 5


def test_steps_in_the_source_become_an_imported_segmentation_with_ratings(project, processbench_file):
    job = import_file(project, processbench_file)

    assert job.detected_preset == "processbench"
    trace = Trace.objects.get(source__id="pb-1")
    segmentation = trace.segmentations.get()
    assert segmentation.origin == Segmentation.Origin.IMPORTED
    steps = list(segmentation.steps.order_by("position"))
    assert [getattr(trace, segmentation.field)[s.start:s.end] for s in steps] == processbench_record(1)["steps"]
    assert [s.rating for s in steps][:2] == [1, -1]


def test_bad_records_are_listed_and_the_good_ones_imported(project, tmp_path):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [generation_record(1), "{not json", generation_record(2), '{"problem": 3, "output": []}'],
    )

    job = import_file(project, path)

    assert job.status == ImportJob.Status.DONE
    assert job.traces_created == 2
    assert job.errors_count == 2
    assert [error["location"] for error in job.errors] == [2, 4]
    assert all(error["reason"] for error in job.errors)


def test_reported_errors_are_capped_but_all_are_counted(project, tmp_path, settings):
    settings.STEPWISE_MAX_REPORTED_ERRORS = 3
    path = write_jsonl(tmp_path / "bad.jsonl", [generation_record(1)] + ["{oops"] * 10)

    job = import_file(project, path)

    assert job.errors_count == 10
    assert len(job.errors) == 3


def test_atomic_import_with_a_bad_record_imports_nothing(project, tmp_path):
    path = write_jsonl(tmp_path / "mixed.jsonl", [generation_record(1), "{not json", generation_record(2)])

    job = import_file(project, path, atomic=True)

    assert job.status == ImportJob.Status.FAILED
    assert "Nothing imported" in job.message
    assert job.errors == [{"location": 2, "reason": job.errors[0]["reason"]}]
    assert not Trace.objects.filter(project=project).exists()


def test_atomic_import_of_a_clean_file_imports_everything(project, generations_file):
    job = import_file(project, generations_file, atomic=True)

    assert job.status == ImportJob.Status.DONE
    assert Trace.objects.filter(project=project).count() == 5


def test_an_empty_file_is_reported_not_fatal(project, tmp_path):
    path = tmp_path / "empty.jsonl"
    path.write_bytes(b"")

    job = import_file(project, path)

    assert job.traces_created == 0
    assert job.errors_count == 1
    assert "empty" in job.errors[0]["reason"].lower()


def test_progress_is_reported_while_importing(project, tmp_path, settings):
    settings.STEPWISE_IMPORT_BATCH_SIZE = 2
    path = write_jsonl(tmp_path / "many.jsonl", [generation_record(n) for n in range(7)])
    seen: list[tuple[int, int]] = []

    run_import(
        create_import_job(project=project, local_path=path),
        on_progress=lambda job: seen.append((job.records_seen, job.progress_percent)),
    )

    assert [records for records, _ in seen] == [2, 4, 6, 7, 7]
    assert seen[-1][1] == 100


def test_uploaded_files_are_kept_in_storage(project, generations_file, media_root):
    with generations_file.open("rb") as upload:
        job = create_import_job(project=project, upload=upload, upload_name="gen.jsonl")

    run_import(job)

    assert job.file.name.startswith("imports/alpha/")
    assert job.bytes_total == generations_file.stat().st_size
    assert job.traces_created == 5


def test_texts_that_copy_would_escape_come_back_as_they_were(project, tmp_path):
    """Traces go in by COPY (binary on PostgreSQL): tabs, newlines, backslashes, "\\N", control
    characters and non-ASCII text, in every field and in the source's JSON, are stored as is."""
    hostile = "a\tb\\c\nd\re\x08f\x0bg\x0ch \\N \\\\. ünï\u2028cøde 😀"
    record = {
        "problem": f"P {hostile}",
        "output": f"<think>\nR {hostile}\n</think>\nS {hostile}",
        "model": "m\t\\x",
    }
    path = write_jsonl(tmp_path / "hostile.jsonl", [record, generation_record(1)])

    job = import_file(project, path)

    assert (job.status, job.traces_created) == (ImportJob.Status.DONE, 2)
    trace = Trace.objects.get(project=project, problem=f"P {hostile}")
    assert trace.reasoning == f"R {hostile}"
    assert trace.response == f"S {hostile}"
    assert trace.teacher_model == "m\t\\x"
    assert trace.source["model"] == "m\t\\x"  # the source's JSON, escaped in its own way
    assert trace.length == len(trace.reasoning) + len(trace.response)
    assert trace.content_hash and trace.created_at is not None
