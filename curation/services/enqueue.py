"""How an entry point hands work to the Celery workers: after the transaction commits.

A task enqueued before commit can start before the rows it reads exist (or after they were
rolled back); ``on_commit`` runs at once when no transaction is open (commands, tasks).
"""
from __future__ import annotations

from functools import partial
from typing import Any

from django.db import transaction


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """``task.delay(*args)`` once the current transaction has committed."""
    transaction.on_commit(partial(task.delay, *args))
