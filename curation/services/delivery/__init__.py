"""Delivery: training jobs that follow a dataset, and the deliveries of versions to them.

Entry points: ``register_job``, ``start_delivery`` (the one way to send a version to a job:
enqueues the delivery task on commit, one chain of attempts per job and version),
``attempt_delivery`` (what the task runs), ``pause_job`` / ``resume_job`` / ``remove_job``
(a lead's or the system's: a job whose owner may no longer receive data is paused).
"""
from curation.services.delivery.deliveries import (
    attempt_delivery, deliver_to_followers, feed_followers, followers_of, in_flight,
    start_delivery,
)
from curation.services.delivery.training_jobs import (
    NothingToDeliver, TrainingJobError, WebhookRefused, delivery_block, pause_job, register_job,
    remove_job, report, resume_job, version_to_deliver,
)

__all__ = [
    "NothingToDeliver", "TrainingJobError", "WebhookRefused", "attempt_delivery",
    "deliver_to_followers", "delivery_block", "feed_followers", "followers_of", "in_flight",
    "pause_job", "register_job", "remove_job", "report", "resume_job", "start_delivery",
    "version_to_deliver",
]
