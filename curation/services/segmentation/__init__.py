"""Segmentation: the auto-segmenter run over a project's traces (never over a person's cut).

Entry points: ``start_segmentation_run`` (the one way to start a run: creates it and enqueues
its chunks on commit), ``segment_in_process`` (the same run in this process, for commands),
``segment_chunk`` (what the task runs).
``check_segmentation_config`` checks settings before they are saved.
"""
from curation.services.segmentation.config import check_segmentation_config
from curation.services.segmentation.runs import (
    fail_run, plan_for, segment_chunk, segment_in_process, start_segmentation_run,
)

__all__ = [
    "check_segmentation_config", "fail_run", "plan_for", "segment_chunk", "segment_in_process", "start_segmentation_run",
]
