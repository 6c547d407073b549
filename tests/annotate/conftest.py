"""Traces with automatic steps, ready to be handed out by the queue; a second annotator; races."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
from django.db import connection

from tests.factories import add_cut_trace


@pytest.fixture
def traces(project):
    return [add_cut_trace(project, n) for n in range(3)]


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
