"""Shared test data: two projects, a lead, an annotator and an outsider, and small trace files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


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
def project(db):
    from curation.models import Project

    return Project.objects.create(slug="alpha", name="Alpha")


@pytest.fixture
def other_project(db):
    from curation.models import Project

    return Project.objects.create(slug="beta", name="Beta")


def _member(django_user_model, project, username: str, role: str):
    from curation.models import Membership

    user = django_user_model.objects.create_user(username=username, password="pw-" + username)
    Membership.objects.create(project=project, user=user, role=role)
    return user


@pytest.fixture
def lead(django_user_model, project):
    return _member(django_user_model, project, "lena", "lead")


@pytest.fixture
def annotator(django_user_model, project):
    return _member(django_user_model, project, "anna", "annotator")


@pytest.fixture
def reviewer(django_user_model, project):
    return _member(django_user_model, project, "rita", "reviewer")


@pytest.fixture
def outsider(django_user_model, other_project):
    return _member(django_user_model, other_project, "otto", "lead")


def write_jsonl(path: Path, records: list) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for record in records:
            out.write(record if isinstance(record, str) else json.dumps(record))
            out.write("\n")
    return path


def generation_record(n: int, **extra) -> dict:
    """A raw R1-style generation: a problem and one text with <think>reasoning</think>answer."""
    return {
        "problem": f"What is {n} + {n}?",
        "output": f"<think>\nI add {n} and {n}.\n\nSo the sum is {2 * n}.\n</think>\nThe answer is $\\boxed{{{2 * n}}}$.",
        "model": "teacher-x",
        **extra,
    }


def processbench_record(n: int, label: int = -1) -> dict:
    return {
        "id": f"pb-{n}",
        "generator": "student-y",
        "problem": f"Tom has {n} apples and buys {n} more. How many now?",
        "steps": [f"Tom starts with {n} apples.", f"He buys {n}, so {n} + {n} = {2 * n}.", f"The answer is {2 * n}."],
        "label": label,
        "final_answer_correct": label == -1,
    }


@pytest.fixture
def generations_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "generations.jsonl", [generation_record(n) for n in range(1, 6)])


@pytest.fixture
def processbench_file(tmp_path) -> Path:
    return write_jsonl(tmp_path / "processbench.jsonl", [processbench_record(1, label=1), processbench_record(2)])
