"""``steps``: the segmentation itself, lossless, for re-import and for trainers' own tooling.

One row per trace. Schema (version ``STEPS_SCHEMA_VERSION``):

- ``trace_id`` (int): the trace's id in the exporting Stepwise instance.
- ``problem``, ``reasoning``, ``response``, ``answer`` (str): the trace fields, verbatim.
- ``teacher_model`` (str), ``kind`` (``"text"`` or ``"agent"``).
- ``source`` (str): the trace's source metadata as a JSON object text (sorted keys), since its
  shape varies per source and Parquet needs one schema.
- ``steps_field`` (str): the field the spans point into (``"reasoning"`` or ``"response"``).
- ``segmentation_id``, ``revision`` (int), ``author`` (str): which segmentation, at which
  revision, by whom (an annotator's username, or the auto-segmenter's name).
- ``status`` (str): the segmentation's review status (``approved``, ``submitted``, ...);
  ``reviewer`` (str): who approved it ("" when nobody did, or it was approved automatically);
  ``agreement`` (float or null): the boundary F1 of the trace's annotators on this field
  (null with fewer than two annotators). With ``author``, the provenance of every step of the row.
- ``steps``: list, in text order, of ``{start, end, type, rating, note, title}``:
  ``start``/``end`` are a half-open span ``[start, end)`` in **Unicode code points** (Python
  ``str`` indices, not bytes, not UTF-16 units) into ``row[row["steps_field"]]``; ``type`` is a
  label-schema key ("" when untyped); ``rating`` is -1, 0, +1 or null; ``note`` is free text;
  ``title`` is the title the segmentation gave the step, or null when none was given (the
  ``1. **Title**`` form in the text is not copied here: it is already in the text);
  ``source`` (schema 2) says who gave the step's labels: ``person``, ``rule`` (the segmenter's
  typing), ``imported``, or a proposal's ``model``, ``rollouts`` or ``consensus`` (the manifest's
  ``label_sources`` says which of these a build let in); "" when the step has no label.

Re-import: create the trace from the text fields, then one segmentation with these spans; the
step text is ``row[row["steps_field"]][start:end]``. Nothing else is needed.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from curation.export.encoding import dumps_sorted
from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace

STEPS_SCHEMA_VERSION = 2  # 2: provenance columns status, reviewer, agreement; each step's label ``source``

STEP = pa.struct(
    [
        ("start", pa.int64()),
        ("end", pa.int64()),
        ("type", pa.string()),
        ("rating", pa.int64()),
        ("note", pa.string()),
        ("title", pa.string()),
        ("source", pa.string()),
    ]
)

SCHEMA = pa.schema(
    [
        ("trace_id", pa.int64()),
        ("problem", pa.string()),
        ("reasoning", pa.string()),
        ("response", pa.string()),
        ("answer", pa.string()),
        ("teacher_model", pa.string()),
        ("kind", pa.string()),
        ("source", pa.string()),
        ("steps_field", pa.string()),
        ("segmentation_id", pa.int64()),
        ("revision", pa.int64()),
        ("author", pa.string()),
        ("status", pa.string()),
        ("reviewer", pa.string()),
        ("agreement", pa.float64()),
        ("steps", pa.list_(STEP)),
    ]
)


def steps_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per trace."""
    yield {
        "trace_id": trace.trace_id,
        "problem": trace.problem,
        "reasoning": trace.reasoning,
        "response": trace.response,
        "answer": trace.answer,
        "teacher_model": trace.teacher_model,
        "kind": trace.kind,
        "source": dumps_sorted(trace.source),
        "steps_field": trace.steps_field,
        "segmentation_id": trace.segmentation_id,
        "revision": trace.revision,
        "author": trace.author,
        "status": trace.status,
        "reviewer": trace.reviewer,
        "agreement": trace.agreement,
        "steps": [step._asdict() for step in trace.steps],
    }
