"""Training goes to the ``learning`` queue, and a worker started without ``-Q`` consumes it."""
from __future__ import annotations

from webapp.celery import app


def test_learning_tasks_are_routed_to_the_learning_queue():
    router = app.amqp.router

    for task in ("curation.train_segmenter_model", "curation.score_trace_uncertainty"):
        assert router.route({}, task)["queue"].name == "learning"
    # Other work keeps its own queue (webapp/settings.py's routes), not the learning one.
    assert router.route({}, "curation.import_traces")["queue"].name == "import"


def test_a_plain_worker_consumes_the_default_and_the_learning_queue():
    # Without -Q a worker consumes every queue in app.amqp.queues (task_queues).
    every = {"celery", "import", "segment", "build", "deliver", "assist", "quality", "learning"}
    assert every <= set(app.amqp.queues)
    assert app.amqp.queues.consume_from is None or every <= set(app.amqp.queues.consume_from)


def test_the_launcher_starts_its_worker_without_a_queue_list():
    from webapp.run import child_commands

    worker = child_commands("127.0.0.1", 8000, 2)["worker"]

    assert "worker" in worker
    assert not any(arg == "-Q" or arg.startswith("--queues") for arg in worker)
