"""Imports: a file of teacher traces becomes traces (and the steps that came with them).

Entry points: ``create_import_job``, ``start_import`` (the one way to queue an import: enqueues
its task on commit), ``run_import`` (what the task runs, or a command in this process),
``segment_new_traces`` (the one place that decides "after an import, segment the new traces"),
``index_new_traces`` (the search vectors a workers' import deferred),
``outcome`` (what the import came to, its segmentation included), ``requeue_import`` /
``fail_lost_import`` (what the reaper does with an import whose worker died).
``check_container`` / ``check_job_container`` refuse a file that is no supported container
before anything starts; ``discard_import`` deletes a staged upload with its file.
"""
from curation.services.imports.jobs import (
    AtomicImportRejected, UnreadableFile, UnsupportedFile, check_container, check_job_container,
    create_import_job, discard_import, fail_lost_import, index_new_traces, outcome,
    preview_import, requeue_import,
    run_import, saved_mappings, segment_new_traces, settled, start_import,
)

__all__ = [
    "AtomicImportRejected", "UnreadableFile", "UnsupportedFile", "check_container",
    "check_job_container", "create_import_job", "discard_import", "fail_lost_import", "index_new_traces",
    "outcome",
    "preview_import", "requeue_import", "run_import", "saved_mappings", "segment_new_traces",
    "settled", "start_import",
]
