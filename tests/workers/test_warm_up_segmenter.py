"""A segmentation worker loads the tokenizer and the segmenter before its first task."""
from types import SimpleNamespace

from webapp import celery as celery_app
from webapp import warmup


def _worker(queues: list[str]) -> SimpleNamespace:
    """What the ``worker_init`` handler reads of a worker: the queues it consumes."""
    consume_from = {name: object() for name in queues}
    return SimpleNamespace(app=SimpleNamespace(amqp=SimpleNamespace(
        queues=SimpleNamespace(consume_from=consume_from))))


def test_warm_up_cuts_the_sample_without_the_database():
    # No database marker: a query here would fail the test (the warm-up runs before fork).
    assert warmup.warm_up_segmenter() >= 2


def test_only_a_worker_of_the_segment_queue_warms_up(monkeypatch, settings):
    calls = []
    monkeypatch.setattr(warmup, "warm_up_segmenter", lambda: calls.append(1) or 0)
    settings.CELERY_TASK_ROUTES = {"curation.segment_chunk": {"queue": "segment"}}
    celery_app.warm_up_segmenter(_worker(["build"]))
    assert calls == []
    celery_app.warm_up_segmenter(_worker(["import", "segment"]))
    assert calls == [1]


def test_one_queue_for_everything_warms_up(monkeypatch, settings):
    calls = []
    monkeypatch.setattr(warmup, "warm_up_segmenter", lambda: calls.append(1) or 0)
    settings.CELERY_TASK_ROUTES = {}
    settings.CELERY_TASK_DEFAULT_QUEUE = "private"
    celery_app.warm_up_segmenter(_worker(["private"]))
    assert calls == [1]
