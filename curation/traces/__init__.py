"""What a trace is, as plain data shared by every core: ``ingest`` makes it, ``segment`` cuts
it, ``export`` writes it.

* ``records``: ``TraceRecord`` (one mapped trace), ``StepSpan`` and ``spans_from_steps``, the
  errors a bad record becomes.
* ``transcript``: the one text rendering of an agent transcript, and where its steps start.

Pure Python (no Django, no Celery).
"""
