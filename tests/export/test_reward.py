"""The SRL reward: 2M/T on the step after </think>, -1 for a malformed completion.

Expected values are computed by hand: M is the length of the matching blocks that difflib
finds (longest block first, then recursively left and right of it), T the total length.
"""
from __future__ import annotations

import pytest

from stepwise_reward import (
    MALFORMED_REWARD,
    is_well_formed,
    make_srl_reward,
    parse_step,
    srl_reward,
)


def think(step: str, inner: str = "scratch work") -> str:
    return f"<think>{inner}</think>{step}"


def test_one_shared_block():
    # "abcd" vs "bcde": block "bcd", M = 3, T = 4 + 4 -> 6/8
    assert srl_reward([think("abcd")], ["bcde"]) == [0.75]


def test_blocks_left_and_right_of_the_longest_one_count():
    # "kitten" vs "sitting": "itt" (3), then right of it "en" vs "ing" gives "n" (1):
    # M = 4, T = 6 + 7 -> 8/13
    assert srl_reward([think("kitten")], ["sitting"]) == [pytest.approx(8 / 13)]


def test_identical_and_disjoint_steps():
    assert srl_reward([think("x = 2"), think("abc")], ["x = 2", "xyz"]) == [1.0, 0.0]


def test_no_junk_heuristic_on_long_repetitive_steps():
    # autojunk=True would call both characters "popular" (> 1% of 255) and find nothing.
    # With autojunk=False: block "a" * 250, M = 250, T = 510 -> 500/510
    step, expert = "q" * 5 + "a" * 250, "a" * 250 + "q" * 5
    assert srl_reward([think(step)], [expert]) == [pytest.approx(500 / 510)]


def test_whitespace_around_the_step_is_layout():
    # "abcd" vs "bcde" again, after stripping the newline that follows </think>
    assert srl_reward([think("\n abcd \n")], ["bcde\n"]) == [0.75]


def test_only_the_text_after_think_is_compared():
    assert srl_reward([think("x = 2", inner="x = 2 " * 50)], ["x = 2"]) == [1.0]


@pytest.mark.parametrize(
    "completion",
    [
        "x = 2",  # no think block
        "x = 2 <think>a</think> x = 2",  # think block not at the start
        "<think>a</think>",  # no step
        "<think>a</think>   \n",  # blank step
        "<think>a</think>x<think>b</think>y",  # two think blocks
        "<think>a<think>b</think>x",  # nested open tag
        "<think>a</think>x</think>y",  # stray close tag
        "<think>never closed",
    ],
)
def test_malformed_completions_get_minus_one(completion):
    assert srl_reward([completion], ["x = 2"]) == [MALFORMED_REWARD] == [-1.0]
    assert not is_well_formed(completion)


def test_leading_whitespace_before_the_think_block_is_allowed():
    assert parse_step("\n <think>a</think> step") == "step"


def test_conversational_completions_use_the_assistant_text():
    completions = [
        [{"role": "assistant", "content": think("abcd")}],
        [{"role": "assistant", "content": [{"type": "text", "text": think("x = 2")}]}],
    ]
    assert srl_reward(completions, ["bcde", "x = 2"]) == [0.75, 1.0]


def test_extra_keyword_columns_from_the_trainer_are_ignored():
    rewards = srl_reward(
        prompts=[[{"role": "user", "content": "q"}]], completions=[think("abcd")],
        expert_step=["bcde"], step_index=[1], num_steps=[3], trainer_state=None,
    )
    assert rewards == [0.75]


def test_a_prompt_that_opens_the_think_block_is_an_option():
    reward = make_srl_reward(think_open_in_prompt=True)
    assert reward(["scratch</think>abcd"], ["bcde"]) == [0.75]
    assert reward(["<think>scratch</think>abcd"], ["bcde"]) == [-1.0]
    assert reward.__name__ == "srl_reward"  # TRL logs reward functions by name


def test_completions_and_expert_steps_must_align():
    with pytest.raises(ValueError):
        srl_reward([think("a"), think("b")], ["a"])
