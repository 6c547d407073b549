"""A user's own mapping: dotted paths into each record for every trace field.

Mapping keys (all optional, but at least one of text / reasoning / response / steps)::

    problem, reasoning, response, answer, teacher   path to a string
    text            path to a raw "[prompt]<think>reasoning</think>response" string,
                    split like the generation preset (problem from the prefix if unmapped)
    steps           path to a list of step strings, e.g. "steps" or "chunks[].text"
    ratings         path to a list of -1 / 0 / +1 / null, one per step
    types           path to a list of step type keys, one per step (a list: its first item)
    steps_field     "response" (default) or "reasoning": the field the steps point into
    steps_joiner    joins the steps into that field when no path fills it (default "\\n\\n")
    source          list of paths copied into ``source`` (default: the small top-level scalars)

Paths walk objects by key and lists by index (``messages.0.content``); ``name[]`` maps the
rest of the path over every item of a list (``chunks[].text``). A path may be a list of
alternatives, the first present wins; a trailing ``?`` makes a path optional (empty when
missing). A required path missing from a record is an InvalidRecord naming the path.

When the steps field is filled from the record, each step is located in its text (see
``locate.locate_steps``) so the spans point into the original text; otherwise the text is
the steps joined with ``steps_joiner``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson

from ..locate import locate_steps
from curation.traces.records import InvalidRecord, StepSpan, TraceRecord, spans_from_steps
from ..think import split_think
from ._fields import metadata_fields, teacher_from, type_name

NAME = "mapping"
DESCRIPTION = (
    "your own field mapping: dotted paths for problem, reasoning, response, text, steps, ..."
)
OPTIONS = {
    "mapping": "the mapping (see the module documentation)",
    "untagged": (
        'for "text": where a text without any think tag goes, "reasoning" (default) or "response"'
    ),
    "teacher_model": "teacher name for records where the teacher path is absent",
}

TEXT_KEYS = ("problem", "reasoning", "response", "answer", "teacher", "text")
LIST_KEYS = ("steps", "ratings", "types")
OTHER_KEYS = ("steps_field", "steps_joiner", "source")
RATINGS = {-1: -1, 0: 0, 1: 1, "-1": -1, "0": 0, "1": 1, "+1": 1}


def score(record: dict) -> float:
    return 0  # never auto-detected: a mapping is chosen by the user


def matches(record: dict) -> bool:
    return False


class MappingError(ValueError):
    """A mapping that cannot work: a setup error, reported before any record is read."""


@dataclass(frozen=True, slots=True)
class Path:
    """One dotted path, parsed once: ("key", name) / ("each", None) tokens."""

    text: str
    tokens: tuple[tuple[str, str | None], ...]
    optional: bool


@dataclass(frozen=True, slots=True)
class CompiledMapping:
    paths: dict[str, tuple[Path, ...]]  # mapping key -> alternatives
    steps_field: str
    steps_joiner: str
    source: tuple[Path, ...] | None


def compile_mapping(mapping: dict) -> CompiledMapping:
    """Check and parse a mapping; a bad one raises MappingError (a ValueError)."""
    return _compile_cached(orjson.dumps(mapping, option=orjson.OPT_SORT_KEYS))


@lru_cache(maxsize=64)
def _compile_cached(frozen: bytes) -> CompiledMapping:
    mapping = orjson.loads(frozen)
    if not isinstance(mapping, dict):
        raise MappingError("a mapping must be an object of field -> path")
    unknown = set(mapping) - set(TEXT_KEYS + LIST_KEYS + OTHER_KEYS)
    if unknown:
        raise MappingError(f"unknown mapping keys: {', '.join(sorted(unknown))}")
    if not any(mapping.get(key) for key in ("text", "reasoning", "response", "steps")):
        raise MappingError("a mapping needs at least one of text, reasoning, response or steps")
    steps_field = mapping.get("steps_field", "response")
    if steps_field not in ("response", "reasoning"):
        raise MappingError("steps_field must be 'response' or 'reasoning'")
    joiner = mapping.get("steps_joiner", "\n\n")
    if not isinstance(joiner, str):
        raise MappingError("steps_joiner must be a string")
    paths = {
        key: _alternatives(mapping[key], key) for key in TEXT_KEYS + LIST_KEYS if mapping.get(key)
    }
    source = mapping.get("source")
    if source is not None and (
        not isinstance(source, list) or not all(isinstance(p, str) for p in source)
    ):
        raise MappingError("source must be a list of paths")
    return CompiledMapping(
        paths,
        steps_field,
        joiner,
        None if source is None else tuple(_parse_path(p) for p in source),
    )


def _alternatives(value: Any, key: str) -> tuple[Path, ...]:
    candidates = [value] if isinstance(value, str) else value
    if (
        not isinstance(candidates, list)
        or not candidates
        or not all(isinstance(p, str) and p for p in candidates)
    ):
        raise MappingError(f"mapping '{key}' must be a path or a list of paths")
    return tuple(_parse_path(p) for p in candidates)


def _parse_path(text: str) -> Path:
    optional = text.endswith("?")
    body = text[:-1] if optional else text
    tokens: list[tuple[str, str | None]] = []
    for part in body.split("."):
        each = part.endswith("[]")
        name = part[:-2] if each else part
        if name:
            tokens.append(("key", name))
        elif not each:
            raise MappingError(f"path {text!r} has an empty part")
        if each:
            tokens.append(("each", None))
    return Path(text, tuple(tokens), optional)


class _Missing(Exception):
    def __init__(self, part: str):
        self.part = part


def resolve(value: Any, tokens: tuple[tuple[str, str | None], ...]) -> Any:
    """Walk ``tokens`` from ``value``; raises _Missing naming the first absent part."""
    for position, (kind, name) in enumerate(tokens):
        if kind == "each":
            if not isinstance(value, list):
                raise _Missing(f"{name or 'item'}[] (not a list)")
            return [resolve(item, tokens[position + 1 :]) for item in value]
        value = _step_into(value, name)
    return value


def _step_into(value: Any, name: str) -> Any:
    if isinstance(value, dict) and name in value and value[name] is not None:
        return value[name]
    if (
        isinstance(value, list)
        and name.lstrip("-").isdigit()
        and -len(value) <= int(name) < len(value)
    ):
        return value[int(name)]
    raise _Missing(name)


def _get(record: dict, compiled: CompiledMapping, key: str) -> tuple[bool, Any]:
    """(found, value) for a mapping key; a required path that is absent is an InvalidRecord."""
    alternatives = compiled.paths.get(key)
    if not alternatives:
        return False, None
    for path in alternatives:
        try:
            return True, resolve(record, path.tokens)
        except _Missing:
            continue
    if all(path.optional for path in alternatives):
        return False, None
    names = " or ".join(repr(p.text) for p in alternatives)
    raise InvalidRecord(f"mapping '{key}': path {names} not found in the record")


def _get_text(record: dict, compiled: CompiledMapping, key: str) -> tuple[bool, str]:
    found, value = _get(record, compiled, key)
    if not found:
        return False, ""
    if (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and key in ("answer", "teacher")
    ):
        return True, str(value)
    if not isinstance(value, str):
        raise InvalidRecord(f"mapping '{key}' must point to a string, got {type_name(value)}")
    return True, value


def to_trace(record: dict, options: dict) -> TraceRecord:
    if not isinstance(options.get("mapping"), dict):
        raise InvalidRecord("the mapping preset needs options['mapping']")
    compiled = compile_mapping(options["mapping"])
    texts = _mapped_texts(record, compiled, options.get("untagged", "reasoning"))
    trace = TraceRecord(
        problem=texts.values["problem"],
        reasoning=texts.values["reasoning"],
        response=texts.values["response"],
        answer=texts.values["answer"],
        teacher_model=texts.values["teacher"] or teacher_from({}, (), options),
        source=_source(record, compiled),
    )
    if texts.truncated:
        trace.source["truncated"] = True
    if "steps" in compiled.paths:
        # Steps point into text the record supplied, or make up the field when it did not.
        filled = texts.found[compiled.steps_field] or texts.found["text"]
        _attach_steps(trace, record, compiled, locate=filled)
    return trace


@dataclass(slots=True)
class _MappedTexts:
    values: dict[str, str]  # TEXT_KEYS -> text ("" when not mapped)
    found: dict[str, bool]  # TEXT_KEYS -> whether the record supplied it
    truncated: bool = False


def _mapped_texts(record: dict, compiled: CompiledMapping, untagged: str) -> _MappedTexts:
    texts = _MappedTexts({}, {})
    for key in TEXT_KEYS:
        texts.found[key], texts.values[key] = _get_text(record, compiled, key)
    if texts.found["text"]:
        split = split_think(texts.values["text"], untagged=untagged)
        texts.truncated = split.truncated
        parts = {"reasoning": split.reasoning, "response": split.response, "problem": split.prefix}
        for key, value in parts.items():
            if not texts.found[key]:  # an explicit path wins over the split
                texts.values[key] = value
    return texts


def _attach_steps(
    trace: TraceRecord, record: dict, compiled: CompiledMapping, *, locate: bool
) -> None:
    texts = _string_list(record, compiled, "steps")
    field = compiled.steps_field
    if locate:
        spans = locate_steps(getattr(trace, field), texts, field=field)
    else:
        joined, spans = spans_from_steps(texts, compiled.steps_joiner)
        setattr(trace, field, joined)
    _apply_labels(spans, record, compiled)
    trace.steps, trace.steps_field = spans, field


def _string_list(record: dict, compiled: CompiledMapping, key: str) -> list[str]:
    found, value = _get(record, compiled, key)
    if not found:
        return []
    if not isinstance(value, list):
        raise InvalidRecord(f"mapping '{key}' must point to a list, got {type_name(value)}")
    for index, item in enumerate(value):
        if not isinstance(item, str):
            raise InvalidRecord(
                f"mapping '{key}' item {index} must be a string, got {type_name(item)}"
            )
    return value


def _apply_labels(spans: list[StepSpan], record: dict, compiled: CompiledMapping) -> None:
    for key in ("ratings", "types"):
        found, values = _get(record, compiled, key)
        if not found:
            continue
        if not isinstance(values, list) or len(values) != len(spans):
            raise InvalidRecord(f"mapping '{key}' must give one value per step ({len(spans)})")
        for index, (span, value) in enumerate(zip(spans, values)):
            if key == "ratings":
                span.rating = _rating(value, index)
            else:
                span.type = _step_type(value, index)


def _rating(value: Any, index: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or value not in RATINGS:
        raise InvalidRecord(
            f"mapping 'ratings' item {index} must be -1, 0, +1 or null, got {value!r}"
        )
    return RATINGS[value]


def _step_type(value: Any, index: int) -> str:
    if isinstance(value, list):  # several tags: the first is the step's type
        value = value[0] if value else ""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidRecord(
            f"mapping 'types' item {index} must be a string, got {type_name(value)}"
        )
    return value


def _source(record: dict, compiled: CompiledMapping) -> dict[str, Any]:
    if compiled.source is None:
        return metadata_fields(record)
    source: dict[str, Any] = {}
    for path in compiled.source:
        try:
            source[path.text.rstrip("?")] = resolve(record, path.tokens)
        except _Missing:
            if not path.optional:
                raise InvalidRecord(
                    f"mapping 'source': path {path.text!r} not found in the record"
                ) from None
    return source
