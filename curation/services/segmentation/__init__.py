"""Segmentation: the auto-segmenter run over a project's traces (never over a person's cut).

Entry points: ``start_segmentation_run`` (the one way to start a run: creates it and enqueues
its chunks on commit), ``segment_in_process`` (the same run in this process, for commands),
``segment_chunk`` (what the task runs; safe to run twice), ``requeue_run`` (the reaper's: the
traces a run whose worker died has not cut yet go out again).
"""
from curation.services.segmentation.runs import (
    fail_run, plan_for, requeue_run, segment_chunk, segment_in_process, start_segmentation_run,
)

__all__ = [
    "fail_run", "plan_for", "requeue_run", "segment_chunk", "segment_in_process", "start_segmentation_run",
]
