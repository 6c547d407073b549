"""An import on the workers hands each committed batch to the segmentation workers at once, so
cutting overlaps importing (issue 16); its run is done only once the import has finished and
every trace it counted is cut."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from curation.models import ImportJob, Segmentation, SegmentationRun, Trace
from curation.services.imports.jobs import create_import_job, run_import, segment_new_traces, settled
from curation.services.workers import reap_stale_jobs
from tests.factories import generation_record, write_jsonl

pytestmark = pytest.mark.django_db(transaction=True)  # batches really commit


@pytest.fixture
def small_batches(settings):
    settings.STEPWISE_IMPORT_BATCH_SIZE = 2


def test_every_batch_is_segmented_as_it_commits_and_the_run_closes_with_the_import(
    project, tmp_path, small_batches
):
    path = write_jsonl(tmp_path / "g.jsonl", [generation_record(n) for n in range(1, 6)])
    job = create_import_job(project=project, local_path=path)

    run_import(job, segment=True)

    run = job.segmentation_runs.get()  # one run for the whole import, made by its first batch
    assert (run.traces_total, run.traces_done) == (5, 5)  # chunks ran as batches committed
    assert Segmentation.objects.filter(trace__import_job=job, origin="auto").count() == 10
    assert job.status == ImportJob.Status.DONE

    closed = segment_new_traces(job)

    assert closed.pk == run.pk and closed.status == SegmentationRun.Status.DONE
    assert closed.steps_created > 0 and settled(job)
    assert segment_new_traces(job).status == SegmentationRun.Status.DONE  # safe to call again
    assert SegmentationRun.objects.count() == 1


def test_a_run_is_not_done_while_its_import_may_add_traces(project, tmp_path, small_batches):
    path = write_jsonl(tmp_path / "g.jsonl", [generation_record(n) for n in range(1, 4)])
    job = create_import_job(project=project, local_path=path)
    run_import(job, segment=True)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, finished_at=None)
    job.refresh_from_db()

    run = segment_new_traces(job)  # every counted trace is cut, but the import is running

    assert run.status == SegmentationRun.Status.RUNNING and not settled(job)


def test_a_failed_import_keeps_its_saved_traces_and_their_segmentation(
    project, tmp_path, small_batches, monkeypatch
):
    from curation.services.imports import jobs

    path = write_jsonl(tmp_path / "g.jsonl", [generation_record(n) for n in range(1, 8)])
    job = create_import_job(project=project, local_path=path)
    reported = jobs._report_progress

    def stop_after_two_batches(job, counters, *args):
        if counters.traces_created > 2:
            raise OSError("the disk went away")
        reported(job, counters, *args)

    monkeypatch.setattr(jobs, "_report_progress", stop_after_two_batches)

    run_import(job, segment=True)
    run = segment_new_traces(job)

    assert job.status == ImportJob.Status.FAILED
    saved = Trace.objects.filter(import_job=job).count()
    assert saved == 4
    assert run.status == SegmentationRun.Status.DONE
    assert run.traces_total == run.traces_done == saved
    assert settled(job)


def test_the_reaper_leaves_a_quiet_run_alone_while_its_import_runs(project, tmp_path, small_batches):
    path = write_jsonl(tmp_path / "g.jsonl", [generation_record(n) for n in range(1, 4)])
    job = create_import_job(project=project, local_path=path)
    run_import(job, segment=True)
    long_ago = timezone.now() - timedelta(hours=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, finished_at=None, heartbeat_at=timezone.now()
    )
    SegmentationRun.objects.filter(import_job=job).update(heartbeat_at=long_ago)

    reap_stale_jobs()

    run = job.segmentation_runs.get()
    assert run.attempts == 0 and run.status == SegmentationRun.Status.RUNNING


def test_a_workers_import_leaves_search_to_its_index_tasks_which_then_find_every_trace(
    project, tmp_path
):
    from django.db import connection

    from curation.services.imports.jobs import index_new_traces
    from curation.services.traces import search_traces

    if connection.vendor != "postgresql":
        pytest.skip("the search vector is PostgreSQL's")
    records = [generation_record(n, problem=f"Zanzibar puzzle {n}") for n in range(1, 4)]
    job = create_import_job(project=project, local_path=write_jsonl(tmp_path / "g.jsonl", records))

    run_import(job, segment=True)

    assert not search_traces(project.traces.all(), "zanzibar").exists()  # deferred

    assert index_new_traces(job) == 1  # one range, its task run at once here

    assert search_traces(project.traces.all(), "zanzibar").count() == 3
    assert index_new_traces(job) == 0  # nothing left to index


def test_traces_saved_any_other_way_are_found_at_once(project, tmp_path):
    from curation.services.traces import search_traces

    path = write_jsonl(tmp_path / "g.jsonl", [generation_record(1, problem="Quokka sums")])
    run_import(create_import_job(project=project, local_path=path))  # a command's import
    trace = Trace.objects.create(project=project, problem="Wombat", reasoning="r", response="s",
                                 content_hash="x" * 64)

    assert search_traces(project.traces.all(), "quokka").count() == 1
    assert search_traces(project.traces.all(), "wombat").get() == trace
    trace.reasoning = "a numbat appears"
    trace.save()
    assert search_traces(project.traces.all(), "numbat").get() == trace


def test_an_import_failed_for_good_by_the_reaper_closes_its_run_and_indexes_what_it_saved(
    project, tmp_path, small_batches
):
    from django.db import connection

    from curation.services.imports.jobs import fail_lost_import
    from curation.services.traces import search_traces

    records = [generation_record(n, problem=f"Axolotl {n}") for n in range(1, 4)]
    job = create_import_job(project=project, local_path=write_jsonl(tmp_path / "g.jsonl", records))
    run_import(job, segment=True)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, finished_at=None)
    job.refresh_from_db()

    assert fail_lost_import(job, "gave up") == 1

    run = job.segmentation_runs.get()
    assert run.status == SegmentationRun.Status.DONE and run.traces_done == 3
    if connection.vendor == "postgresql":
        assert search_traces(project.traces.all(), "axolotl").count() == 3
