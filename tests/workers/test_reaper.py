"""The reaper and the leases: jobs whose worker died are requeued and finish as if nothing had
happened, or are failed after too many deaths; a live job is never taken from its worker."""
from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from curation.models import DatasetVersion, ImportJob, Segmentation, SegmentationRun, Trace
from curation.services import segmentation, workers
from curation.services.datasets.build import create_dataset, start_build
from curation.services.datasets.spec import BuildSpec
from curation.services.imports.jobs import create_import_job, run_import
from tests.factories import add_segmentation, add_trace, processbench_record, write_jsonl

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("short_heartbeat")]

LONG_AGO = timezone.now() - timedelta(hours=1)


@pytest.fixture
def datasets_root(settings, tmp_path) -> Path:
    root = tmp_path / "datasets"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                     "OPTIONS": {"location": str(root)}},
    }
    return root


def interrupted_import(project, tmp_path, records: list, written: int) -> ImportJob:
    """A job over ``records`` whose dead worker had committed the first ``written`` of them."""
    part = write_jsonl(tmp_path / "part.jsonl", records[:written])
    job = run_import(create_import_job(project=project, local_path=part))
    full = write_jsonl(tmp_path / "full.jsonl", records)
    ImportJob.objects.filter(pk=job.pk).update(
        source_path=str(full), bytes_total=full.stat().st_size, status=ImportJob.Status.RUNNING,
        finished_at=None, heartbeat_at=LONG_AGO, task_id="dead-worker", attempts=1,
    )
    job.refresh_from_db()
    return job


def test_a_requeued_import_counts_what_its_dead_worker_wrote_as_its_own(project, tmp_path):
    records = [processbench_record(n) for n in range(30)]
    records.insert(5, records[2])  # a real duplicate inside the file stays a duplicate
    job = interrupted_import(project, tmp_path, records, written=12)

    report = workers.reap_stale_jobs()

    job.refresh_from_db()
    assert report.requeued == 1
    assert job.status == ImportJob.Status.DONE
    assert (job.traces_created, job.duplicates, job.attempts) == (30, 1, 2)
    assert job.message.startswith("30 traces imported, 1 duplicate skipped")
    assert Trace.objects.filter(project=project).count() == 30


def test_an_import_whose_heartbeat_is_fresh_is_left_to_its_worker(project, tmp_path):
    job = interrupted_import(project, tmp_path, [processbench_record(n) for n in range(4)], 2)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())

    assert workers.reap_stale_jobs().requeued == 0
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.RUNNING


def test_a_second_copy_of_the_message_steps_aside_while_the_holder_lives(project, tmp_path):
    job = interrupted_import(project, tmp_path, [processbench_record(n) for n in range(4)], 2)
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())

    assert not workers.claim_import(job, "another-task")
    assert workers.claim_import(job, "dead-worker")  # its own message, redelivered: it died


def test_an_import_whose_workers_keep_dying_is_failed_with_the_reason(project, tmp_path):
    job = interrupted_import(project, tmp_path, [processbench_record(n) for n in range(4)], 2)
    ImportJob.objects.filter(pk=job.pk).update(attempts=3)

    report = workers.reap_stale_jobs()

    job.refresh_from_db()
    assert (report.failed, job.status) == (1, ImportJob.Status.FAILED)
    assert "died 3 time(s)" in job.message


def test_a_finished_import_whose_worker_died_before_segmenting_is_segmented(project, tmp_path):
    from curation.tasks import import_traces

    path = write_jsonl(tmp_path / "g.jsonl", [{"problem": "p", "output": "1. a\n2. b"}])
    job = run_import(create_import_job(project=project, local_path=path, preset="generation"))
    assert not job.segmentation_runs.exists()

    import_traces.delay(job.pk)  # the message, redelivered

    assert job.segmentation_runs.get().status == SegmentationRun.Status.DONE


def building_version(project, datasets_root) -> DatasetVersion:
    for n in range(3):
        add_segmentation(add_trace(project, n))
    version = start_build(dataset=create_dataset(project=project, name="d"), spec=BuildSpec(source="auto"))
    DatasetVersion.objects.filter(pk=version.pk).update(
        task_id="dead-worker", heartbeat_at=LONG_AGO, attempts=1
    )
    return version


def test_a_build_whose_worker_died_starts_over_cleanly_and_publishes(project, datasets_root):
    version = building_version(project, datasets_root)
    leftover = datasets_root / "alpha" / "d" / ".v1.dead.tmp"
    (leftover / "prm").mkdir(parents=True)
    (leftover / "prm" / "half.jsonl").write_text("{")

    report = workers.reap_stale_jobs()

    version.refresh_from_db()
    assert report.requeued == 1
    assert (version.status, version.attempts) == (DatasetVersion.Status.PUBLISHED, 2)
    assert not leftover.exists()
    assert (datasets_root / version.path / "manifest.json").exists()


def test_orphaned_staging_folders_go_but_a_running_builds_stays(project, datasets_root):
    version = building_version(project, datasets_root)
    DatasetVersion.objects.filter(pk=version.pk).update(heartbeat_at=timezone.now())
    running = datasets_root / "alpha" / "d" / ".v1.live.tmp"
    orphan = datasets_root / "alpha" / "d" / ".v7.dead.tmp"  # no such version is building
    for folder in (running, orphan):
        folder.mkdir(parents=True)
        old = time.time() - 3600
        os.utime(folder, (old, old))

    assert workers.reap_stale_jobs().staging_removed == 1
    assert running.exists() and not orphan.exists()


def test_a_stale_segmentation_run_cuts_only_what_it_had_not_cut(project):
    traces = [add_trace(project, n) for n in range(4)]
    run, _ = segmentation.runs.create_run(project, [t.pk for t in traces])
    segmentation.segment_chunk(run, [traces[0].pk, traces[1].pk])  # then the worker died
    SegmentationRun.objects.filter(pk=run.pk).update(heartbeat_at=LONG_AGO)

    assert workers.reap_stale_jobs().requeued == 1

    run.refresh_from_db()
    assert (run.status, run.traces_done, run.traces_total) == ("done", 4, 4)
    cuts = list(
        Segmentation.objects.filter(trace__project=project, origin="auto").values_list("trace_id", "field")
    )
    # every field of every trace cut once: reasoning and response of 4 traces, none twice
    assert len(cuts) == len(set(cuts)) == 8
    assert {trace for trace, _ in cuts} == {t.pk for t in traces}


def test_a_chunk_run_twice_counts_its_traces_once(project):
    traces = [add_trace(project, n) for n in range(4)]
    run, _ = segmentation.runs.create_run(project, [t.pk for t in traces])
    segmentation.segment_chunk(run, [traces[0].pk, traces[1].pk])
    segmentation.segment_chunk(run, [traces[0].pk, traces[1].pk])  # redelivered

    run.refresh_from_db()
    assert (run.traces_done, run.status) == (2, "running")


def test_celery_is_configured_for_workers_that_die(settings):
    from webapp.celery import app

    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    assert app.conf.worker_prefetch_multiplier == 1
    timeout = app.conf.broker_transport_options["visibility_timeout"]
    assert timeout > settings.STEPWISE_BUILD_TIME_LIMIT and timeout > 3600
    assert any(
        entry["task"] == "curation.reap_stale_jobs" for entry in app.conf.beat_schedule.values()
    )
