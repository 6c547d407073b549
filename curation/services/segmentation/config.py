"""Checking a project's segmentation settings before they are saved, with the segmenter's own rules.

A config is today's ``{"strategy", "params"}``, per-field ``{"fields": {field: {"strategy",
"params"}}}``, or both (the top level is then the default for fields not named). Every strategy
and its parameters go through ``curation.segment.validate_params``, so a bad parameter is refused
with the message the segmenter would have failed with at run time.
"""
from __future__ import annotations

from curation.segment import STRATEGIES, validate_params
from curation.traces.records import STEP_FIELDS

# What "auto" may pick for a trace (see runs.plan_for): its parameters must suit every one.
AUTO_PICKS = ("solution", "discourse", "actions")


def check_segmentation_config(config: dict) -> dict:
    """The config, checked and normalised; ``ValueError`` with the segmenter's message if not."""
    if not isinstance(config, dict):
        raise ValueError("the segmentation settings must be a JSON object")
    unknown = set(config) - {"strategy", "params", "fields"}
    if unknown:
        raise ValueError(f"unknown segmentation setting(s): {', '.join(sorted(unknown))}")
    checked: dict = {}
    if "strategy" in config or "params" in config or "fields" not in config:
        checked.update(_checked_choice(config.get("strategy", "auto"), config.get("params")))
    fields = config.get("fields")
    if fields is not None:
        checked["fields"] = _checked_fields(fields)
    return checked


def _checked_fields(fields: object) -> dict:
    if not isinstance(fields, dict):
        raise ValueError('"fields" must map a field (reasoning, response) to its strategy')
    checked = {}
    for name, choice in fields.items():
        if name not in STEP_FIELDS:
            raise ValueError(f"no such field {name!r}; steps are cut in {', '.join(STEP_FIELDS)}")
        if not isinstance(choice, dict) or set(choice) - {"strategy", "params"}:
            raise ValueError(f"{name}: expected {{\"strategy\": ..., \"params\": {{...}}}}")
        try:
            checked[name] = _checked_choice(choice.get("strategy", "auto"), choice.get("params"))
        except ValueError as error:
            raise ValueError(f"{name}: {error}") from None
    return checked


def _checked_choice(strategy: object, params: object) -> dict:
    params = {} if params is None else params
    if not isinstance(params, dict):
        raise ValueError("parameters must be a JSON object")
    if strategy == "auto":
        for name in AUTO_PICKS:
            validate_params(STRATEGIES[name], params)
    elif strategy in STRATEGIES:
        validate_params(STRATEGIES[strategy], params)
    else:
        known = ", ".join(["auto", *STRATEGIES])
        raise ValueError(f"unknown strategy {strategy!r}; choose from {known}")
    return {"strategy": strategy, "params": dict(params)}
