"""``sft``: conversational messages for plain fine-tuning on the whole teacher output.

The assistant turn is DeepSeek-R1's layout, ``<think>\\n{reasoning}\\n</think>\\n\\n{response}``,
which the chat templates of R1-style students reproduce. A trace without reasoning still gets
an (empty) think block, so every row teaches the same shape.
"""
from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa

from curation.export.options import DEFAULT_OPTIONS, BuildOptions
from curation.export.records import ExportTrace

MESSAGE = pa.struct([("role", pa.string()), ("content", pa.string())])

SCHEMA = pa.schema(
    [
        ("messages", pa.list_(MESSAGE)),
        ("kind", pa.string()),
        ("teacher_model", pa.string()),
        ("trace_id", pa.int64()),
        ("version", pa.int64()),
    ]
)


def assistant_text(reasoning: str, response: str) -> str:
    return f"<think>\n{reasoning.strip()}\n</think>\n\n{response.strip()}"


def sft_rows(trace: ExportTrace, options: BuildOptions = DEFAULT_OPTIONS) -> Iterator[dict]:
    """One row per trace."""
    yield {
        "messages": [
            {"role": "user", "content": trace.problem},
            {"role": "assistant", "content": assistant_text(trace.reasoning, trace.response)},
        ],
        "kind": trace.kind,
        "teacher_model": trace.teacher_model,
        "trace_id": trace.trace_id,
        "version": options.version,
    }
