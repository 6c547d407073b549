from django.apps import AppConfig


class CurationConfig(AppConfig):
    name = "curation"
    verbose_name = "Curation"

    def ready(self) -> None:
        from curation import signals

        signals.version_published.connect(feed_training_jobs, dispatch_uid="feed-training-jobs")


def feed_training_jobs(sender, version, **kwargs) -> None:
    """A published version goes to every job following its dataset, by a worker: the publishing
    request or task only enqueues one message, however many jobs there are."""
    from curation.services.delivery import feed_followers  # services import models: not at load

    feed_followers(version)
