"""Sentence boundaries: the fast pattern and loop find what the plain rules find."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.segment import sentences
from curation.segment.spacy_tables import SENTENCIZER_PUNCT_CHARS

_PUNCT = "".join(re.escape(ch) for ch in SENTENCIZER_PUNCT_CHARS if ord(ch) < 0x10000)
# The rule as first written: two alternatives, tried at every character.
PLAIN = re.compile(rf"[{_PUNCT}]+[\"'”’)\]*_]*(?=\s)\s+|\n\s*")
PIECES = st.sampled_from([
    ".", "!", "?", "。", "…", "\n", "\n\n", " ", "  ", "\t", "\r\n", " \n ", "\"", "”", ")", "]",
    "*", "**", "_", "Wait", "so", "x", "1", "Dr", "e.g", "iv", "Step 3", "=", "$", "a", "B",
    "Mr", "etc", "vs", "(Dr", "12", "**Step 2", "abcdefghijklmno",
])
TEXTS = st.lists(st.one_of(PIECES, st.text(max_size=3)), max_size=40).map("".join)


def plain_boundaries(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, str]]:
    """``sentences.boundaries`` as first written, with ``PLAIN`` and every sentence-end test
    tried in full."""
    end = len(text) if end is None else end
    found = []
    for match in PLAIN.finditer(text, start, end):
        pos = match.end()
        if pos >= end:
            break
        gap = match.group()
        first_newline = gap.find("\n")
        ends = not (
            text[pos] in sentences._NOT_A_SENTENCE_START
            or sentences._ends_with_abbreviation(text, match.start())
            or sentences._is_enumerator(text, match.start(), pos)
        )
        if first_newline == -1:
            if ends:
                found.append((pos, sentences.SENTENCE))
        elif gap.find("\n", first_newline + 1) != -1:
            found.append((pos, sentences.PARAGRAPH))
        elif first_newline and ends:
            found.append((pos, sentences.SENTENCE))
        else:
            found.append((pos, sentences.LINE))
    return found


@settings(max_examples=500, deadline=None)
@given(text=TEXTS)
def test_the_pattern_matches_where_the_plain_one_does(text):
    pattern = sentences._boundary_pattern()
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in PLAIN.finditer(text)]


@settings(max_examples=500, deadline=None)
@given(text=TEXTS, data=st.data())
def test_boundaries_are_the_plain_rules(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert sentences.boundaries(text) == plain_boundaries(text)
    assert sentences.boundaries(text, start, end) == plain_boundaries(text, start, end)


def test_kinds_of_boundary():
    text = "One. Two?\nthree\n\nFour. e.g. five\nSix"
    assert sentences.boundaries(text) == [
        (5, "sentence"), (10, "line"), (17, "paragraph"), (33, "line"),
    ]
