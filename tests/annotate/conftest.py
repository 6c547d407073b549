"""Traces with automatic steps, ready to be handed out by the queue."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Sequence

import pytest
from django.db import connection

from curation.models import Segmentation, Step, Trace

TEXT = "We add the numbers. 2 + 2 = 4.\n\nThen we check it: 4 - 2 = 2.\n\nSo the answer is 4."


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """One span per paragraph, like the automatic segmenter's output on TEXT."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def add_trace(
    project, n: int = 0, *, text: str = TEXT, spans=None, origin="auto", **fields
) -> Trace:
    trace = Trace.objects.create(
        project=project,
        problem=f"Problem {n}: what is 2 + 2?",
        response=text,
        content_hash=f"{project.slug}-{n}",
        **fields,
    )
    if spans is None:
        spans = sentence_spans(text)
    if spans:
        seg = Segmentation.objects.create(
            trace=trace, field="response", origin=origin, strategy="test"
        )
        Step.objects.bulk_create(
            Step(segmentation=seg, index=i, start=s, end=e, type="compute", token_count=3)
            for i, (s, e) in enumerate(spans)
        )
    return trace


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The fixtures' users log in with passwords; hashing them properly costs most of a test."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def traces(project):
    return [add_trace(project, n) for n in range(3)]


@pytest.fixture
def second_annotator(django_user_model, project):
    from curation.models import Membership

    user = django_user_model.objects.create_user(username="bert", password="pw-bert")
    Membership.objects.create(project=project, user=user, role="annotator")
    return user


def run_at_once(work: Callable, inputs: Sequence, timeout: float = 30) -> list:
    """``work(input)`` for every input, each in its own thread, all released at the same moment
    (a race on purpose); their results in input order, an exception standing for its result."""
    barrier = threading.Barrier(len(inputs))
    results: list = [None] * len(inputs)

    def run(n: int, value) -> None:
        try:
            barrier.wait(timeout=timeout)
            results[n] = work(value)
        except Exception as error:  # noqa: BLE001 (returned: a thread would swallow it)
            results[n] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(inputs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    return results
