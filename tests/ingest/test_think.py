from __future__ import annotations

from curation.ingest.think import split_think


def test_prompt_think_and_response():
    split = split_think("Q <think> r </think> a")
    assert (split.prefix, split.reasoning, split.response, split.truncated) == (
        "Q",
        "r",
        "a",
        False,
    )


def test_only_a_closing_tag_splits_there():
    split = split_think("r\n</think>\n\na")
    assert (split.prefix, split.reasoning, split.response, split.truncated) == ("", "r", "a", False)


def test_no_closing_tag_is_truncated_reasoning():
    split = split_think("Q<think>r")
    assert (split.reasoning, split.response, split.truncated) == ("r", "", True)


def test_open_thoughts_markers_and_solution_wrapper():
    split = split_think(
        "<|begin_of_thought|>r<|end_of_thought|>\n<|begin_of_solution|>a<|end_of_solution|>"
    )
    assert (split.reasoning, split.response) == ("r", "a")


def test_untagged_text_goes_where_asked():
    assert split_think("plain").response == "plain"
    assert split_think("plain", untagged="reasoning").reasoning == "plain"


def test_a_later_think_tag_in_the_response_is_kept():
    assert split_think("<think>r</think>a <think> b").response == "a <think> b"
