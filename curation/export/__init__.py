"""Export core: frozen traces in, versioned step-supervised dataset files out.

Pure Python over plain data (no Django, no Celery), read in pipeline order:

- ``records``: ``ExportTrace`` / ``ExportStep``, the input contract;
- ``filters``: rating filters applied to each trace;
- ``splits``: train/validation/test by a hash of the normalized problem;
- ``formats/``: one row maker per format (``srl``, ``prm``, ``sft``, ``steps``);
- ``encoding`` and ``writers``: JSON lines, gzip, Parquet;
- ``card`` and ``manifest``: README.md and manifest.json;
- ``build``: one streaming pass that writes a whole version; ``publish``: atomic rename.

The SRL reward lives in the top-level ``stepwise_reward`` package so trainers can import it
(or copy its one file, which every version ships as ``srl_reward.py``) without this app.
"""
from curation.export.build import BuildResult, build_artifacts
from curation.export.options import BuildOptions
from curation.export.publish import publish_atomically, staging_dir
from curation.export.records import ExportStep, ExportTrace
from curation.export.splits import split_for

__all__ = [
    "BuildOptions",
    "BuildResult",
    "ExportStep",
    "ExportTrace",
    "build_artifacts",
    "publish_atomically",
    "split_for",
    "staging_dir",
]
