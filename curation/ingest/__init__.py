"""Ingest: read uploaded trace files and map each record to a ``TraceRecord``.

Pure Python (no Django, no Celery). Entry points:

* ``containers.read_records``: bytes -> raw dict records (JSONL, JSON, CSV, Parquet, gzip).
* ``pipeline.parse_stream`` / ``pipeline.preview``: raw records -> validated ``TraceRecord``.
* ``presets.PRESETS``: the source formats, ``detect.detect_preset`` picks one.
"""
