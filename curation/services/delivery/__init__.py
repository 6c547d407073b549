"""Delivery: training jobs that follow a dataset, and the deliveries of versions to them.

Entry points: ``register_job``, ``start_delivery`` (the one way to send a version to a job:
enqueues the delivery task on commit), ``attempt_delivery`` (what the task runs).
"""
from curation.services.delivery.deliveries import (
    attempt_delivery, deliver_to_followers, feed_followers, followers_of, start_delivery,
)
from curation.services.delivery.training_jobs import (
    NothingToDeliver, TrainingJobError, register_job, report, version_to_deliver,
)

__all__ = [
    "NothingToDeliver", "TrainingJobError", "attempt_delivery", "deliver_to_followers", "feed_followers",
    "followers_of", "register_job",
    "report", "start_delivery", "version_to_deliver",
]
