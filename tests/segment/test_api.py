"""The public entry points of ``curation.segment``."""
from __future__ import annotations

import pytest

from curation.segment import STRATEGIES, count_tokens, default_params, segment_text

from .learned_data import synthetic_model


def test_every_strategy_is_callable_by_name():
    for name, strategy in STRATEGIES.items():
        params = {"model": synthetic_model()} if name == "learned" else None
        assert [(s.start, s.end) for s in strategy("One. Two.", params)] == [
            (s.start, s.end) for s in segment_text("One. Two.", name, params)
        ]


def test_default_params_are_a_fresh_copy():
    params = default_params("discourse")
    params["min_tokens"] = 99
    assert default_params("discourse")["min_tokens"] != 99


def test_an_unknown_strategy_or_parameter_is_an_error():
    with pytest.raises(ValueError, match="unknown strategy"):
        segment_text("x", "sentences")
    with pytest.raises(ValueError, match="unknown parameter"):
        segment_text("x", "paragraphs", {"min_token": 3})


@pytest.mark.parametrize("params", [
    {"min_tokens": -1},
    {"max_tokens": 0},
    {"min_tokens": "5"},
    {"min_tokens": 50, "max_tokens": 10},
    {"granularity": "word"},
])
def test_invalid_parameter_values_are_errors(params):
    strategy = "discourse"
    with pytest.raises(ValueError):
        segment_text("x", strategy, params)


def test_steps_carry_the_token_count_of_their_text():
    text = "Let me check: 2 + 2 = 4.\n\nSo the answer is 4."
    for step in segment_text(text, "paragraphs", {"min_tokens": 0}):
        assert step.token_count == count_tokens(text[step.start : step.end])


def test_a_step_converts_to_an_ingest_span():
    step = segment_text("Hello there.", "solution")[0]
    assert (step.to_span().start, step.to_span().end) == (0, 12)
