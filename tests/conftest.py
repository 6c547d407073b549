"""The standard test world: two projects; a lead, an annotator and a reviewer of ``alpha`` and an
outsider (a lead of ``beta``), each with a write API token; small trace files; eager Celery.

Builders for rows and records are in ``tests/factories.py``; a folder's conftest only adds what
that folder alone needs.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.factories import (
    REPO_ROOT, add_member, add_segmentation, add_trace, generation_record, processbench_record,
    write_jsonl,
)


@pytest.fixture(autouse=True)
def eager_celery(settings):
    """Tasks run in-process unless a test starts a real worker."""
    from webapp.celery import app

    app.conf.task_always_eager = True
    app.conf.task_eager_propagates = True
    yield app
    app.conf.task_always_eager = False


@pytest.fixture(autouse=True)
def commit_callbacks_run_at_once(monkeypatch):
    """The test's own transaction stands for autocommit, as a request or command has it: a task
    an entry point enqueues "on commit" is sent at once, unless a transaction the code opened
    itself is still open (then it waits for that one, as in production)."""
    from django.db import transaction

    deferred = transaction.on_commit

    def on_commit(func, using=None, robust=False):
        connection = transaction.get_connection(using)
        if connection.in_atomic_block and all(
            getattr(block, "_from_testcase", False) for block in connection.atomic_blocks
        ):
            func()
        else:
            deferred(func, using=using, robust=robust)

    monkeypatch.setattr(transaction, "on_commit", on_commit)


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Users are made by the dozen: a fast hasher (passwords here protect nothing)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def datasets_root(settings, tmp_path) -> Path:
    """A private ``datasets`` storage: a test publishes into its own folder, never var/datasets."""
    root = tmp_path / "datasets"
    settings.STORAGES = {
        **settings.STORAGES,
        "datasets": {"BACKEND": "django.core.files.storage.FileSystemStorage",
                     "OPTIONS": {"location": str(root)}},
    }
    return root


# --- The standard principals ---------------------------------------------------------------------


@pytest.fixture
def project(db):
    from curation.models import Project

    return Project.objects.create(slug="alpha", name="Alpha")


@pytest.fixture
def other_project(db):
    from curation.models import Project

    return Project.objects.create(slug="beta", name="Beta")


@pytest.fixture
def lead(django_user_model, project):
    return add_member(django_user_model, project, "lena", "lead")


@pytest.fixture
def annotator(django_user_model, project):
    return add_member(django_user_model, project, "anna", "annotator")


@pytest.fixture
def reviewer(django_user_model, project):
    return add_member(django_user_model, project, "rita", "reviewer")


@pytest.fixture
def outsider(django_user_model, other_project):
    return add_member(django_user_model, other_project, "otto", "lead")


def _write_token(user) -> str:
    from curation.services.people import tokens

    return tokens.create_token(user=user, name="tests", scope="write")[1]


@pytest.fixture
def lead_token(lead) -> str:
    return _write_token(lead)


@pytest.fixture
def annotator_token(annotator) -> str:
    return _write_token(annotator)


@pytest.fixture
def reviewer_token(reviewer) -> str:
    return _write_token(reviewer)


@pytest.fixture
def outsider_token(outsider) -> str:
    return _write_token(outsider)


# --- Shared data sets ----------------------------------------------------------------------------


@pytest.fixture
def dataset(project):
    from curation.services.datasets import create_dataset

    return create_dataset(project=project, name="gsm-steps", license="mit")


@pytest.fixture
def auto_traces(project):
    """Five traces cut by the segmenter only."""
    traces = [add_trace(project, n) for n in range(5)]
    for trace in traces:
        add_segmentation(trace)
    return traces


@pytest.fixture
def generations_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "generations.jsonl", [generation_record(n) for n in range(1, 6)])


@pytest.fixture
def processbench_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "processbench.jsonl", [processbench_record(1, label=1), processbench_record(2)])


# --- A real Celery worker ------------------------------------------------------------------------


def database_url_of_test_db() -> str:
    """The URL of the database this test runs in, for the worker process to share."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def test_database_url(db) -> str:
    """The database this test runs in, for worker processes to share."""
    return database_url_of_test_db()


@pytest.fixture
def worker(tmp_path, media_root):
    """A real worker process on a queue of its own, stopped after the test."""
    from django.conf import settings

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


# --- Object storage: a real S3 API on loopback -----------------------------------------------------


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory) -> str:
    """moto's S3 server (a real HTTP S3 API) in a process of its own on a free loopback port, so
    what a test measures of its own memory is the client's. No skip: moto is a test dependency,
    and CI must exercise object storage."""
    import socket
    import time

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path_factory.mktemp("moto") / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                assert server.poll() is None, "the S3 server exited; see its log"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture
def s3_storages(settings, s3_server):
    """Uploads and dataset versions in a fresh bucket of that server, configured as
    STEPWISE_STORAGE=s3 configures them; the boto3 client and the bucket's name."""
    import boto3
    from boto3.s3.transfer import TransferConfig

    bucket = f"stepwise-{uuid.uuid4().hex[:12]}"
    credentials = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **credentials)
    client.create_bucket(Bucket=bucket)
    settings.AWS_ACCESS_KEY_ID, settings.AWS_SECRET_ACCESS_KEY = "testing", "testing"
    settings.AWS_STORAGE_BUCKET_NAME = bucket
    settings.AWS_S3_ENDPOINT_URL = s3_server
    settings.AWS_S3_REGION_NAME = "us-east-1"
    settings.AWS_S3_ADDRESSING_STYLE = "path"
    settings.AWS_S3_FILE_OVERWRITE = False
    settings.AWS_S3_TRANSFER_CONFIG = TransferConfig(multipart_chunksize=8 << 20, max_concurrency=4)
    backend = "storages.backends.s3.S3Storage"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": backend, "OPTIONS": {"location": "uploads"}},
        "datasets": {"BACKEND": backend, "OPTIONS": {"location": "datasets"}},
    }
    return client, bucket
