"""Move openers: the matcher reads a sentence's head as first written (``reference_kinds``)."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.segment import moves

_FIRST_WORD = re.compile(r"[^A-Za-z]{0,3}([A-Za-z][A-Za-z'’-]*)")


def reference_kinds(text: str, starts: list[int]) -> list[str | None]:
    """The move at each start as first written: where the opener matches, the first word
    read again by ``_FIRST_WORD``, the head's size from it, then the same table."""
    matcher = moves.MoveMatcher()
    found: list[str | None] = []
    for pos in starts:
        if moves._opener().match(text, pos, pos + moves._HEAD_CHARS) is None:
            found.append(None)
            continue
        match = _FIRST_WORD.match(text, pos, pos + moves._HEAD_CHARS)
        word = match and match.group(1).lower().replace("’", "'").split("'")[0]
        size = moves._longest_phrase().get(word) if word else None
        if not size:
            found.append(None)
            continue
        head = moves._head_words(text, pos, match.start(1), size)
        found.append(matcher._longest_match(moves.words_of(head)[:size]))
    return found


WORDS = st.sampled_from([
    "Wait", "wait", "WAIT", "Hmm", "Let", "Let's", "Let’s", "let", "me", "us", "check", "so",
    "So", "the", "answer", "is", "double-check", "Double", "-", "**", "1.", "(", "'", "’", "s",
    "Alternatively", "But", "hold", "on", "I", "made", "a", "mistake", "First", ",", "K", "é",
    "Therefore", "final", "x", "=", "2",
])
SEPARATORS = st.sampled_from([" ", "  ", "\n", "", ", ", "\t"])


@settings(max_examples=500, deadline=None)
@given(
    pieces=st.lists(st.tuples(WORDS, SEPARATORS).map("".join), max_size=25),
    data=st.data(),
)
def test_kinds_read_heads_as_first_written(pieces, data):
    text = "".join(pieces)
    starts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=8)))
    assert moves.MoveMatcher().kinds(text, starts) == reference_kinds(text, starts)


def test_kinds_of_common_openers():
    text = "Wait, no. Let me check that. So the answer is 2. Let's try x."
    starts = [0, 10, 29, 49]
    assert moves.MoveMatcher().kinds(text, starts) == ["backtrack", "verify", "conclude", "plan"]


OPENER_PIECES = st.sampled_from(sorted(moves._longest_phrase()) + [
    "x", "-", "'", " ", "1", ",", "ing", "ly", "s", "é", "A", "**", "’",
])


@settings(max_examples=1000, deadline=None)
@given(st.lists(OPENER_PIECES.map(lambda p: p.upper() if len(p) % 3 == 0 else p), max_size=5))
def test_opener_tree_matches_the_plain_alternation(pieces):
    """The opener spells its words as a tree of letters for speed: it matches where, and
    what, the plain alternation of the words (longest first) matches."""
    words = sorted(moves._longest_phrase(), key=len, reverse=True)
    plain = re.compile(
        rf"[^A-Za-z]{{0,3}}({'|'.join(map(re.escape, words))})(?![A-Za-z-])",
        re.IGNORECASE | re.ASCII,
    )
    text = "".join(pieces)
    for pos in range(len(text) + 1):
        tree, alternation = moves._opener().match(text, pos), plain.match(text, pos)
        assert (tree and (tree.span(), tree.span(1))) == (
            alternation and (alternation.span(), alternation.span(1))
        )
