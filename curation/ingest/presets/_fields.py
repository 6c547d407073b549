"""Field access shared by the presets: every wrong shape becomes an ``InvalidRecord``."""

from __future__ import annotations

from typing import Any

import orjson

from curation.traces.records import InvalidRecord

_SCALARS = (str, int, float, bool, type(None))


def type_name(value: object) -> str:
    return {
        dict: "an object",
        list: "a list",
        str: "a string",
        bool: "a boolean",
        type(None): "null",
        int: "a number",
        float: "a number",
    }.get(type(value), type(value).__name__)


def require_str(record: dict, key: str, *, allow_empty: bool = True) -> str:
    """``record[key]`` as a string; missing, null or another type is an InvalidRecord."""
    if record.get(key) is None:
        raise InvalidRecord(f"field '{key}' is missing")
    value = record[key]
    if not isinstance(value, str):
        raise InvalidRecord(f"field '{key}' must be a string, got {type_name(value)}")
    if not allow_empty and not value.strip():
        raise InvalidRecord(f"field '{key}' is empty")
    return value


def optional_str(record: dict, key: str) -> str:
    """``record[key]`` as a string, "" when missing or null; numbers are written out."""
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)  # answers like 42 are common; they are text to us
    raise InvalidRecord(f"field '{key}' must be a string, got {type_name(value)}")


def first_key(record: dict, keys: tuple[str, ...]) -> str | None:
    """The first of ``keys`` present in ``record`` with a non-null value."""
    for key in keys:
        if record.get(key) is not None:
            return key
    return None


def as_list(value: Any) -> Any:
    """A list stored as JSON text (CSV cells) becomes the list; anything else is unchanged."""
    if isinstance(value, str) and value.lstrip().startswith("["):
        try:
            return orjson.loads(value)
        except orjson.JSONDecodeError:
            return value
    if hasattr(value, "tolist") and not isinstance(value, (str, bytes)):
        return value.tolist()  # a numpy array from a pandas-made Parquet
    return value


def require_list(record: dict, key: str) -> list:
    value = as_list(record.get(key))
    if value is None:
        raise InvalidRecord(f"field '{key}' is missing")
    if not isinstance(value, list):
        raise InvalidRecord(f"field '{key}' must be a list, got {type_name(value)}")
    return value


def require_str_list(record: dict, key: str, *, allow_empty_list: bool = False) -> list[str]:
    items = require_list(record, key)
    if not items and not allow_empty_list:
        raise InvalidRecord(f"field '{key}' is an empty list")
    for index, item in enumerate(items):
        if not isinstance(item, str):
            raise InvalidRecord(
                f"field '{key}' item {index} must be a string, got {type_name(item)}"
            )
    return items


def optional_int(record: dict, key: str) -> int | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)  # CSV cells are text
    if isinstance(value, float) and value.is_integer():
        return int(value)  # pandas writes nullable int columns as float
    if not isinstance(value, int) or isinstance(value, bool):
        raise InvalidRecord(f"field '{key}' must be an integer, got {type_name(value)}")
    return value


def scalar_fields(record: dict, keys: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The scalar (JSON-safe, non-list, non-object) fields among ``keys``, for ``source``."""
    wanted = record.keys() if keys is None else keys
    return {
        key: record[key] for key in wanted if key in record and isinstance(record[key], _SCALARS)
    }


def metadata_fields(
    record: dict, exclude: tuple[str, ...] = (), max_chars: int = 500
) -> dict[str, Any]:
    """Top-level scalar fields for ``source``, minus long strings (copies of the trace text)."""
    return {
        key: value
        for key, value in record.items()
        if isinstance(key, str)
        and key not in exclude
        and isinstance(value, _SCALARS)
        and not (isinstance(value, str) and len(value) > max_chars)
    }


def get_path(record: dict, dotted: str) -> Any:
    """``a.b.c`` into nested objects; None when any part is missing."""
    value: Any = record
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def teacher_from(record: dict, keys: tuple[str, ...], options: dict) -> str:
    """The teacher named by the record, else the ``teacher_model`` option, else ""."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str) and value.strip():
            return value
    default = options.get("teacher_model") or ""
    if not isinstance(default, str):
        raise InvalidRecord("option 'teacher_model' must be a string")
    return default
