"""The boundary features' fast paths equal the plain definitions they stand for (hypothesis)."""
from __future__ import annotations

import re

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.segment import boundary_features as bf
from curation.segment.markers import marker_cuts
from curation.segment.regions import find_regions

# Text built from pieces that make the features fire: markers, titles, formulas, words.
PIECES = st.sampled_from([
    "Step 1: ", "**Step 2** ", "3. ", "12) ", "- item ", "# Head\n", "Title here: ", "So ",
    "Therefore, ", "word ", "Word ", "WORD ", "wordy ", "ſtep 4 ", "$x=1$ ", "\\[y\\] ", "(a) ",
    ". ", "? ", "; ", ": ", "\n", "\n\n", " ", "Ünïcode ", "again again ", "x = 5. ",
])
TEXTS = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=200)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def column(found: bf.Candidates, name: str) -> np.ndarray:
    return found.numeric[:, bf.NUMERIC.index(name)]


@SETTINGS
@given(TEXTS)
def test_inline_markers_and_titles_are_the_regex_matches_at_the_candidates(text):
    found = bf.candidates(text)
    inline = {m.start() for m in bf._INLINE_AT.finditer(text)}
    for k, pos in enumerate(found.positions.tolist()):
        assert column(found, "inline_marker")[k] == (pos in inline)
        title = bf._TITLE_COLON.match(text, pos, pos + 80) is not None
        assert column(found, "title_colon")[k] == title


@SETTINGS
@given(TEXTS)
def test_cohesion_words_are_the_ascii_runs_and_equal_words_hash_alike(text):
    starts, hashes = bf._ascii_words(bf.code_points(text))
    words = [(m.start(), m.group().lower()) for m in re.finditer(r"[A-Za-z]{4,}", text)]
    assert starts.tolist() == [pos for pos, _ in words]
    by_word: dict[str, int] = {}
    for (_, word), value in zip(words, hashes.tolist()):
        assert by_word.setdefault(word, value) == value
    assert len(set(by_word.values())) == len(by_word)  # no two different words collide here


@given(st.lists(st.integers(0, 300), max_size=30), st.lists(st.integers(0, 300), max_size=30))
def test_member_is_isin(positions, found):
    positions = np.array(sorted(positions), dtype=np.int64)
    assert bf._member(positions, found).tolist() == np.isin(positions, found).tolist()


@SETTINGS
@given(TEXTS)
def test_solution_cuts_are_the_solution_strategys_step_starts(text):
    from curation.segment import segment_text

    if not text.strip():
        return
    regions = find_regions(text)
    expected = [step.start for step in segment_text(text, "solution")]
    assert bf._solution_cuts(text, regions, marker_cuts(text)) == expected
