"""The Celery application. Broker and settings come from Django settings (CELERY_*).

Beat sends the reaper (``curation.reap_stale_jobs``) every STEPWISE_REAPER_INTERVAL_SECONDS: it
requeues or fails jobs whose worker died and removes staging folders nobody will publish. Run
exactly one beat, as its own process (``celery -A webapp beat``; ``make run`` starts one) or
embedded in one worker (``celery worker -B``).
"""
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")

app = Celery("stepwise")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def schedule_reaper(sender, **kwargs) -> None:
    from django.conf import settings

    sender.add_periodic_task(
        settings.STEPWISE_REAPER_INTERVAL_SECONDS, sender.signature("curation.reap_stale_jobs"),
        name="reap stale jobs",
    )


@worker_init.connect
def warm_up_segmenter(sender, **kwargs) -> None:
    """A worker that takes segmentation chunks loads the tokenizer and the segmenter before its
    first task (webapp/warmup.py); a worker of other queues only (``-Q build``) stays small.
    A warm-up that raises (a tokenizer that cannot load) is logged by Celery and the worker
    starts anyway: its first chunk then fails the run with the error, as it did before."""
    from django.conf import settings

    from webapp.warmup import warm_up_segmenter as warm_up

    route = settings.CELERY_TASK_ROUTES.get("curation.segment_chunk", {})
    queue = route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)
    if queue in sender.app.amqp.queues.consume_from:
        warm_up()
