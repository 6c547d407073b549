"""Datasets: what a build takes (spec, selection), how it is read, built, stored and compared.

Entry points: ``create_dataset``, ``start_dataset_build`` (the one way to start a build: creates
the version and enqueues its task on commit), ``build_version`` (what the task runs),
``requeue_build`` / ``fail_lost_build`` / ``clear_staging`` (a build whose worker died),
``verify_version``, ``diff_versions``, ``estimate_selection`` (rows and bytes before a build;
``start_build`` refuses one above ``max_build_bytes``), ``preview_rows``, ``count_selection``.
"""
from curation.services.datasets.artifacts import Artifact, ArtifactNotFound, artifact_of, version_artifacts
from curation.services.datasets.build import (
    build_version, clear_staging, create_dataset, fail_abandoned_builds, fail_lost_build,
    requeue_build, start_build, start_dataset_build, verify_version,
)
from curation.services.datasets.diff import diff_versions
from curation.services.datasets.estimate import (
    BuildTooLarge, check_build_size, estimate_selection, max_build_bytes,
)
from curation.services.datasets.preview import preview_rows
from curation.services.datasets.selection import chosen_segmentations, count_selection
from curation.services.datasets.spec import BuildSpec, InvalidSpec

__all__ = [
    "Artifact", "ArtifactNotFound", "BuildSpec", "BuildTooLarge", "check_build_size",
    "estimate_selection", "max_build_bytes", "InvalidSpec", "artifact_of", "build_version",
    "chosen_segmentations", "count_selection", "create_dataset", "diff_versions",
    "clear_staging", "fail_abandoned_builds", "fail_lost_build", "preview_rows", "requeue_build",
    "start_build", "start_dataset_build",
    "verify_version", "version_artifacts",
]
