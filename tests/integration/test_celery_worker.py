"""A whole import through a real `celery worker` process over the configured broker.

CI points CELERY_BROKER_URL at Redis and DATABASE_URL at PostgreSQL; on a bare machine the
embedded filesystem broker and a SQLite file are used, so the test runs everywhere.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection

from curation.models import ImportJob, Segmentation, Trace
from curation.services.imports.jobs import create_import_job
from tests.conftest import REPO_ROOT, processbench_record, write_jsonl

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def database_url_of_test_db() -> str:
    """The URL of the database this test runs in, for the worker process to share."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, media_root):
    """A real worker process on a queue of its own, stopped after the test."""
    if os.environ.get("STEPWISE_REQUIRE_WORKER_TEST"):
        assert not settings.CELERY_BROKER_URL.startswith("filesystem"), "CI must use a real broker"
    queue = f"stepwise-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": database_url_of_test_db(), "MEDIA_ROOT": str(settings.MEDIA_ROOT)}
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "webapp", "worker", "--pool=solo",
         "--queues", queue, "--loglevel=INFO", "--without-gossip", "--without-mingle"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    yield queue
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()
    print((tmp_path / "worker.log").read_text()[-4000:])


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
