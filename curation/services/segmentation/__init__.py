"""Segmentation: the auto-segmenter run over a project's traces (never over a person's cut).

Entry points: ``start_segmentation_run`` (the one way to start a run: creates it and enqueues
its chunks on commit), ``segment_in_process`` (the same run in this process, for commands),
``add_to_import_run`` / ``close_import_run`` (an import's batches segmented as they commit),
``segment_chunk`` (what the task runs; safe to run twice), ``requeue_run`` (the reaper's: the
traces a run whose worker died has not cut yet go out again).

Settings: ``check_config`` (a project's per-field configuration, normalised, or ``ValueError``
with the segmenter's own message: what the settings form, the command and the API call before
saving), ``default_config``, ``run_config`` (what a run with a strategy override would use),
``with_default`` (the segment button's strategy on the project's settings).
"""
from curation.services.segmentation.config import (
    DEFAULT_STRATEGIES, FIELD_KEYS, NONE, check_config, default_config, plans_for, with_default,
)
from curation.services.segmentation.runs import (
    IMPORTING,
    add_to_import_run, close_import_run, fail_run, plan_for, requeue_run, run_config, segment_chunk, segment_in_process,
    start_segmentation_run,
)

__all__ = [
    "IMPORTING", "add_to_import_run", "close_import_run", "DEFAULT_STRATEGIES", "FIELD_KEYS", "NONE", "check_config", "default_config", "fail_run",
    "plan_for", "plans_for", "requeue_run", "run_config", "segment_chunk", "segment_in_process",
    "start_segmentation_run", "with_default",
]
