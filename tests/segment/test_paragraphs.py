"""The ``paragraphs`` strategy: blank-line blocks within token bounds."""
from __future__ import annotations

from curation.segment import segment_text


def cut(text: str, **params) -> list[str]:
    return [text[s.start : s.end] for s in segment_text(text, "paragraphs", params)]


def test_each_blank_line_separated_block_is_a_step():
    text = "We add 2 and 3 to get five here.\n\n  \nThen we double the result to get ten."
    assert cut(text, min_tokens=0) == [
        "We add 2 and 3 to get five here.", "Then we double the result to get ten.",
    ]


def test_a_block_below_min_tokens_is_merged_into_the_next():
    text = "**Case 1**\n\nIf x is positive then x squared is positive too."
    assert cut(text, min_tokens=8) == [text]


def test_a_short_last_block_is_merged_into_the_one_before():
    text = "If x is positive then x squared is positive too.\n\nDone."
    assert cut(text, min_tokens=5) == [text]


def test_a_block_above_max_tokens_is_split_at_sentences():
    text = "One two three four five. Six seven eight nine ten. Eleven twelve thirteen."
    assert cut(text, min_tokens=0, max_tokens=8) == [
        "One two three four five.", "Six seven eight nine ten.", "Eleven twelve thirteen.",
    ]


def test_a_blank_line_inside_display_math_separates_nothing():
    text = "We get\n$$\nx = 1\n\ny = 2\n$$\nas the solution of the system."
    assert cut(text, min_tokens=0) == [text]
