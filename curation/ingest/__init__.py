"""Ingest: read uploaded trace files and map each record to a ``TraceRecord``.

Pure Python (no Django, no Celery). Entry points:

* ``containers.read_records``: bytes -> raw dict records (one module per container: ``jsonl``,
  ``json_array``, ``csv``, ``parquet``; ``base`` holds what they share, ``read`` picks one).
* ``pipeline.parse_stream`` / ``pipeline.preview``: raw records -> validated ``TraceRecord``
  (``curation.traces.records``: the plain data ingest, segment and export share).
* ``presets.PRESETS``: the source formats, ``detect.detect_preset`` picks one.
"""
