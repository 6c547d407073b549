"""Argument parsing shared by the management commands."""
from __future__ import annotations

import json

from django.core.management.base import CommandError


def parse_param(item: str) -> tuple[str, object]:
    """'key=value' -> (key, value), the value read as JSON when it is JSON, else as a string."""
    key, sep, raw = item.partition("=")
    if not sep or not key:
        raise CommandError(f"--param {item!r}: expected KEY=VALUE")
    try:
        return key, json.loads(raw)
    except json.JSONDecodeError:
        return key, raw
