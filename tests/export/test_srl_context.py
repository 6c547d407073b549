"""Bounded SRL context (issue 16): the last K steps, a token budget, or the field's default."""
from __future__ import annotations

import json
import random

import pytest

from curation.export import build_artifacts
from curation.export.context import ContextRule, approx_tokens, rule_for, window_starts
from curation.export.formats.srl import srl_rows
from curation.export.options import BuildOptions
from tests.factories import text_trace


def user_text(row: dict) -> str:
    return row["prompt"][1]["content"]


def numbered(count: int, length: int = 40) -> list[str]:
    return [f"step {n:04d} " + "w" * (length - 10) for n in range(1, count + 1)]


def reasoning_trace(count: int, length: int = 400):
    """A trace whose steps cut its reasoning, as long <think> traces are."""
    trace = text_trace(numbered(count, length), preamble="")
    trace.reasoning, trace.response, trace.steps_field = trace.response, "", "reasoning"
    return trace


def test_the_last_k_steps_are_the_whole_context():
    rows = list(srl_rows(text_trace(numbered(6)), BuildOptions(srl_context_steps=2)))

    text = user_text(rows[4])  # step 5: steps 3 and 4 before it
    assert "step 0003" in text and "step 0004" in text
    assert "step 0002" not in text and "SOLUTION:" not in text
    assert "Solution (earlier steps omitted):\nstep 0003" in text


def test_rows_that_have_fewer_previous_steps_keep_the_whole_prefix():
    rows = list(srl_rows(text_trace(numbered(6)), BuildOptions(srl_context_steps=2)))

    assert "SOLUTION:\nstep 0001" in user_text(rows[2])
    assert "omitted" not in user_text(rows[2])


def test_a_token_budget_keeps_the_most_recent_whole_steps_that_fit():
    steps = numbered(10, length=400)  # 100 estimated tokens each
    rows = list(srl_rows(text_trace(steps), BuildOptions(srl_context_tokens=250)))

    text = user_text(rows[9])
    assert [n for n in range(1, 10) if f"step {n:04d}" in text] == [8, 9]


def test_a_previous_step_above_the_budget_leaves_no_context():
    rows = list(srl_rows(text_trace(numbered(3, length=400)),
                         BuildOptions(srl_context_tokens=50)))

    assert "step 0001" not in user_text(rows[1])


def test_long_reasoning_is_bounded_by_default_and_solutions_are_not():
    long = list(srl_rows(reasoning_trace(300)))
    solution = list(srl_rows(text_trace(numbered(300))))

    assert max(len(user_text(r)) for r in long) < 2048 * 4 + 400
    assert "step 0001" in user_text(solution[-1])
    assert rule_for("reasoning", None, None).max_tokens == 2048
    assert not rule_for("response", None, None).bounded


def test_zero_lifts_a_fields_default_limit():
    rows = list(srl_rows(reasoning_trace(30), BuildOptions(srl_context_tokens=0)))

    assert "step 0001" in user_text(rows[-1])


def test_window_starts_match_a_brute_force_rule():
    rng = random.Random(7)
    for _ in range(300):
        tokens = [rng.randint(0, 50) for _ in range(rng.randint(0, 12))]
        rule = ContextRule(rng.choice([None, 0, 1, 3]), rng.choice([None, 0, 40, 100]))
        assert window_starts(tokens, rule) == [_brute_start(tokens, k, rule)
                                               for k in range(len(tokens))]


def _brute_start(tokens: list[int], k: int, rule: ContextRule) -> int:
    for first in range(k + 1):
        count, total = k - first, sum(tokens[first:k])
        if ((rule.max_steps is None or count <= rule.max_steps)
                and (rule.max_tokens is None or total <= rule.max_tokens)):
            return first
    return k


def test_the_card_and_the_manifest_say_which_rule_was_used(tmp_path):
    options = BuildOptions(srl_context_steps=2)
    build_artifacts([text_trace(numbered(4))], tmp_path / "v", formats=("srl",),
                    containers=("jsonl",), options=options)

    card = (tmp_path / "v" / "README.md").read_text(encoding="utf-8")
    manifest = json.loads((tmp_path / "v" / "manifest.json").read_text(encoding="utf-8"))
    assert "steps cut from the `response`: the last 2 steps" in card
    assert manifest["options"]["srl_context"]["reasoning"] == {"max_steps": 2, "max_tokens": None}


def test_the_default_card_names_the_whole_prefix_and_the_reasoning_budget(tmp_path):
    build_artifacts([text_trace(numbered(2))], tmp_path / "v", formats=("srl",),
                    containers=("jsonl",))

    card = (tmp_path / "v" / "README.md").read_text(encoding="utf-8")
    assert "`response`: every previous step" in card
    assert "`reasoning`: the most recent whole steps within 2048 tokens" in card


@pytest.mark.parametrize("text", ["", "a", "abcd", "abcde"])
def test_tokens_are_estimated_at_four_characters(text):
    assert approx_tokens(text) == -(-len(text) // 4)
