"""A whole import through a real `celery worker` process over the configured broker.

CI points CELERY_BROKER_URL at Redis and DATABASE_URL at PostgreSQL; on a bare machine the
embedded filesystem broker and a SQLite file are used, so the test runs everywhere.
"""
from __future__ import annotations

import time

import pytest

from curation.models import ImportJob, Segmentation, Trace
from curation.services.imports.jobs import create_import_job
from tests.factories import processbench_record, write_jsonl

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def wait_until_finished(job: ImportJob, timeout: float = 90) -> ImportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            return job
        time.sleep(0.25)
    pytest.fail(f"the worker did not finish import {job.pk} in {timeout} s (status {job.status})")


def test_a_real_worker_imports_a_file_into_the_database(worker, eager_celery, project, tmp_path, media_root):
    from curation.tasks import import_traces

    eager_celery.conf.task_always_eager = False
    records = [processbench_record(n, label=n % 4 - 1) for n in range(20)] + ["{broken"]
    path = write_jsonl(tmp_path / "mixed.jsonl", records)
    with path.open("rb") as upload:
        job = create_import_job(project=project, upload=upload, upload_name="mixed.jsonl")

    import_traces.apply_async(args=[job.pk], queue=worker)
    job = wait_until_finished(job)

    assert job.status == ImportJob.Status.DONE, job.message
    assert job.detected_preset == "processbench"
    assert (job.traces_created, job.errors_count) == (20, 1)
    assert job.errors[0]["location"] == 21
    assert Trace.objects.filter(project=project).count() == 20
    imported = Segmentation.objects.filter(trace__project=project, origin=Segmentation.Origin.IMPORTED)
    assert imported.count() == 20
    assert {s.steps.count() for s in imported} == {3}
