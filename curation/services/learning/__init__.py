"""Learning: a project's own boundary model (the ``learned`` strategy), trained on its people's cuts.

Entry points: ``start_training`` (the one way to train: records a model version and enqueues the
training task on commit, on the ``learning`` queue), ``activate_model`` / ``deactivate_field``
(the lead's choice of model per field; none active means the rules), ``strategy_for`` (what the
auto-segmenter uses for a field), ``after_submission`` (the "train again after N submissions"
hook of the submit path), ``queue_order`` (the annotation queue's order: oldest first or most
uncertain first). ``train_model`` and ``score_uncertainty`` are what the tasks run.
"""
from curation.services.learning.activation import (
    activate_model, deactivate_field, loaded_model, strategy_for,
)
from curation.services.learning.settings import settings_of, update_settings
from curation.services.learning.training import (
    after_submission, create_version, eligible_count, start_training, train_model,
)
from curation.services.learning.uncertainty import queue_order, score_uncertainty

__all__ = [
    "activate_model", "after_submission", "create_version", "deactivate_field", "eligible_count", "loaded_model",
    "queue_order", "score_uncertainty", "settings_of", "start_training", "strategy_for",
    "train_model", "update_settings",
]
