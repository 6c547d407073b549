"""The ``discourse`` strategy: long reasoning cut at sentences, or at moves."""
from __future__ import annotations

from curation.segment import segment_text

TRACE = (
    "Okay, so I need to find x. The equation is 2x + 3 = 7. Subtracting 3 gives 2x = 4, "
    "so x = 2. Wait, let me check that. Plugging in, 2 * 2 + 3 = 7. Yes, that works. "
    "Alternatively, I could divide first. Hmm, no, that is harder. So the answer is 2."
)


def cut(text: str, **params) -> list[str]:
    params.setdefault("granularity", "sentence")  # the rules below are about sentences
    return [text[s.start : s.end] for s in segment_text(text, "discourse", params)]


def test_sentence_granularity_makes_every_sentence_a_step():
    assert cut("Wait. Is x = 2? Yes! So the answer is 2.") == [
        "Wait.", "Is x = 2?", "Yes!", "So the answer is 2.",
    ]


def test_abbreviations_factorials_and_list_numbers_end_no_sentence():
    text = "Dr. Fu has 9! ways, e.g. many. Then:\n1. First item."
    assert cut(text) == ["Dr. Fu has 9! ways, e.g. many.", "Then:\n1. First item."]


def test_a_line_break_inside_an_equation_or_after_a_colon_is_no_cut():
    text = "We get:\n\\[\nx = 2\n\\]\nThen x is even\nand positive"
    assert cut(text) == ["We get:\n\\[\nx = 2\n\\]", "Then x is even\nand positive"]


def test_move_granularity_cuts_only_where_a_move_opens():
    assert cut(TRACE, granularity="move", min_tokens=0) == [
        "Okay, so I need to find x. The equation is 2x + 3 = 7. "
        "Subtracting 3 gives 2x = 4, so x = 2.",
        "Wait, let me check that. Plugging in, 2 * 2 + 3 = 7. Yes, that works.",
        "Alternatively, I could divide first.",
        "Hmm, no, that is harder.",
        "So the answer is 2.",
    ]


def test_min_tokens_keeps_a_short_move_with_the_next_one():
    steps = cut(TRACE, granularity="move", min_tokens=12)
    assert any(s.startswith("Alternatively, I could divide first. Hmm, no,") for s in steps)


def test_max_tokens_cuts_a_long_move_at_a_sentence():
    long_move = " ".join(f"Step value {i} is {i * 3}." for i in range(40))
    steps = segment_text(long_move, "discourse", {"granularity": "move", "max_tokens": 50})
    assert len(steps) > 1
    assert all(step.token_count <= 50 for step in steps)


def test_a_new_paragraph_is_a_move():
    text = "We know x = 2.\n\nNext we find y from x. It is 4."
    assert cut(text, granularity="move", min_tokens=0) == ["We know x = 2.", "Next we find y from x. It is 4."]


def test_spacys_own_sentencizer_finds_the_same_sentences_in_plain_prose():
    text = "Okay, so we need the value. Is it 2? Let me see! It is 2.\n\nSo the answer is 2."
    assert cut(text, sentencizer="spacy") == cut(text) == [
        "Okay, so we need the value.", "Is it 2?", "Let me see!", "It is 2.", "So the answer is 2.",
    ]


def test_unlike_spacys_tokenizer_the_rules_end_a_sentence_after_a_single_letter():
    text = "We need x. Then we are done."
    assert cut(text) == ["We need x.", "Then we are done."]
    assert cut(text, sentencizer="spacy") == [text]
