"""Rows and bytes of a build, estimated before it runs, from per-trace sizes alone.

A builder page and ``build_dataset`` show these and refuse a build above a cap: SRL rows repeat
their context, so 1,000 long reasoning traces with the whole prefix made 7 GB. The estimate
needs only each trace's field lengths and step count (a database can sum those without reading
the text), assumes steps of equal length, and counts uncompressed JSON lines, the largest
container (Parquet and gzip are several times smaller). It is meant to be within a few tens of
percent, which is what a size warning needs.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from curation.export.context import CHARS_PER_TOKEN, rule_of
from curation.export.formats import FORMATS
from curation.export.options import DEFAULT_OPTIONS, BuildOptions

# JSON bytes of a row besides its texts (keys, ids, labels), measured on the row makers' output.
_ROW_OVERHEAD = {"srl": 290, "prm": 150, "sft": 170, "steps": 280, "prm_separator": 160,
                 "prm_steptag": 110, "prm800k": 190}
_STEP_OVERHEAD = {"prm": 20, "steps": 75, "prm_separator": 16, "prm_steptag": 16,
                  "prm800k": 75}  # per step of a row that lists its steps


@dataclass(frozen=True, slots=True)
class TraceSize:
    """What the estimate needs of one trace (lengths in characters)."""

    problem: int
    reasoning: int = 0
    response: int = 0
    answer: int = 0
    num_steps: int = 0
    steps_field: str = "response"
    kind: str = "text"

    @property
    def steps_chars(self) -> int:
        return self.reasoning if self.steps_field == "reasoning" else self.response


@dataclass(frozen=True, slots=True)
class SizeEstimate:
    rows: int = 0
    bytes: int = 0

    def __add__(self, other: SizeEstimate) -> SizeEstimate:
        return SizeEstimate(self.rows + other.rows, self.bytes + other.bytes)


class BuildTooLarge(ValueError):
    """The estimated size is above the cap; the message says by how much and what to change."""


def estimate_build(
    sizes: Iterable[TraceSize],
    formats: Sequence[str] = tuple(FORMATS),
    options: BuildOptions = DEFAULT_OPTIONS,
) -> dict[str, SizeEstimate]:
    """Estimated rows and JSON lines bytes per format."""
    unknown = [name for name in formats if name not in _ESTIMATORS]
    if unknown:
        raise ValueError(f"no estimate for formats {unknown}")
    totals = {name: SizeEstimate() for name in formats}
    prompt = _json_len(options.system_prompt), _json_len(options.agent_system_prompt)
    for size in sizes:
        for name in formats:
            totals[name] += _ESTIMATORS[name](size, options, prompt)
    return totals


def check_size(estimates: dict[str, SizeEstimate], max_bytes: int | None) -> None:
    """Raise ``BuildTooLarge`` when the formats together exceed ``max_bytes`` (None: no cap)."""
    total = sum(e.bytes for e in estimates.values())
    if max_bytes is None or total <= max_bytes:
        return
    parts = ", ".join(f"{name} {_human(e.bytes)} ({e.rows} rows)" for name, e in estimates.items())
    raise BuildTooLarge(
        f"this build would write about {_human(total)} of JSON lines ({parts}), above the cap "
        f"of {_human(max_bytes)}: bound the SRL context (last K steps or a token budget), leave "
        "out long traces or formats, or raise the cap."
    )


def _srl(size: TraceSize, options: BuildOptions, prompt: tuple[int, int]) -> SizeEstimate:
    if not size.num_steps:
        return SizeEstimate()
    step = size.steps_chars / size.num_steps
    n = srl_rows_of(size.num_steps, options)
    if size.kind == "agent":
        keep, system = options.agent_context_pairs, prompt[1]
    else:
        rule = rule_of(size.steps_field, options)
        keep, system = _steps_kept(rule.max_steps, rule.max_tokens, step), prompt[0]
    context_steps = _sum_min(n, keep)  # previous steps over the n rows written
    fixed = _ROW_OVERHEAD["srl"] + system + size.problem + step
    return SizeEstimate(n, round(n * fixed + context_steps * step))


def srl_rows_of(num_steps: int, options: BuildOptions) -> int:
    """SRL rows of a trace of ``num_steps`` steps: one a step, up to the build's cap."""
    cap = options.srl_max_steps_per_trace
    return num_steps if cap is None else min(num_steps, cap)


def _steps_kept(max_steps: int | None, max_tokens: int | None, step_chars: float) -> int | None:
    """How many previous steps of this size a row keeps (None: all of them)."""
    limits = [max_steps] if max_steps is not None else []
    if max_tokens is not None:
        limits.append(int(max_tokens // max(1.0, step_chars / CHARS_PER_TOKEN)))
    return min(limits) if limits else None


def _sum_min(n: int, cap: int | None) -> int:
    """sum(min(j, cap) for j in range(n)): previous steps summed over rows 1..n."""
    if cap is None or cap >= n - 1:
        return n * (n - 1) // 2
    return cap * (cap + 1) // 2 + (n - 1 - cap) * cap


def _per_trace_with_steps(name: str, copies: int = 1):
    """A layout with one row per trace that has steps, holding ``copies`` of its text."""

    def estimate(size: TraceSize, options: BuildOptions, prompt: tuple[int, int]) -> SizeEstimate:
        if not size.num_steps:
            return SizeEstimate()
        texts = copies * (size.problem + size.steps_chars)
        return SizeEstimate(
            1, _ROW_OVERHEAD[name] + texts + size.num_steps * _STEP_OVERHEAD[name]
        )

    return estimate


def _sft(size: TraceSize, options: BuildOptions, prompt: tuple[int, int]) -> SizeEstimate:
    return SizeEstimate(1, _ROW_OVERHEAD["sft"] + size.problem + size.reasoning + size.response)


def _steps(size: TraceSize, options: BuildOptions, prompt: tuple[int, int]) -> SizeEstimate:
    texts = size.problem + size.reasoning + size.response + size.answer
    return SizeEstimate(
        1, _ROW_OVERHEAD["steps"] + texts + size.num_steps * _STEP_OVERHEAD["steps"]
    )


_ESTIMATORS = {
    "srl": _srl,
    "prm": _per_trace_with_steps("prm"),
    "sft": _sft,
    "steps": _steps,
    "prm_separator": _per_trace_with_steps("prm_separator"),
    "prm_steptag": _per_trace_with_steps("prm_steptag", copies=2),
    "prm800k": _per_trace_with_steps("prm800k"),
}


def _json_len(text: str) -> int:
    return len(json.dumps(text, ensure_ascii=False)) - 2


def _human(count: float) -> str:
    if count < 1000:
        return f"{count:.0f} bytes"
    for unit in ("KB", "MB", "GB"):
        count /= 1000
        if count < 1000 or unit == "GB":
            break
    return f"{count:.1f} {unit}"
