"""JSON encoding of rows: one place that decides the bytes every container is built from.

Text is written as UTF-8, unescaped (``<script>`` stays ``<script>``), keys in the order the
row maker built them, so the same rows always give the same bytes.

Lone surrogates (which some sources decode into Python strings) cannot be encoded in UTF-8,
so neither JSONL nor Parquet can hold them: they become U+FFFD. That keeps every span offset
valid (one code point for one code point) and is the only change export ever makes to text.
"""
from __future__ import annotations

import re
from typing import Any

import orjson

_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def replace_lone_surrogates(value: Any) -> Any:
    """The same structure with every lone surrogate in its strings replaced by U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, dict):
        return {key: replace_lone_surrogates(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [replace_lone_surrogates(item) for item in value]
    return value


def encode_row(row: dict[str, Any]) -> tuple[bytes, dict[str, Any]]:
    """The row as one JSON line (with its newline), and the row those bytes encode."""
    try:
        return orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE), row
    except orjson.JSONEncodeError:
        clean = replace_lone_surrogates(row)
        return orjson.dumps(clean, option=orjson.OPT_APPEND_NEWLINE), clean


def dumps_sorted(value: Any) -> str:
    """JSON text with sorted keys (metadata whose key order means nothing)."""
    clean = replace_lone_surrogates(value)
    return orjson.dumps(clean, option=orjson.OPT_SORT_KEYS, default=str).decode()
