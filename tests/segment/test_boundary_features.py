"""The boundary features' fast paths equal the plain definitions they stand for (hypothesis),
and a chunk's features equal each text's by the earlier per-text definition
(``boundary_features_reference``), on generated texts and on the real data in ../shared/data."""
from __future__ import annotations

import json
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.segment import boundary_features as bf
from curation.segment.markers import marker_cuts
from curation.segment.regions import find_regions

from . import boundary_features_reference as reference
from .conftest import shared_file

# Text built from pieces that make the features fire: markers, titles, formulas, words.
PIECES = st.sampled_from([
    "Step 1: ", "**Step 2** ", "3. ", "12) ", "- item ", "# Head\n", "Title here: ", "So ",
    "Therefore, ", "word ", "Word ", "WORD ", "wordy ", "ſtep 4 ", "$x=1$ ", "\\[y\\] ", "(a) ",
    ". ", "? ", "; ", ": ", "\n", "\n\n", " ", "Ünïcode ", "again again ", "x = 5. ",
    # Words the fast paths treat apart: the Kelvin sign lower-cases to "k", "İ" to two
    # characters, long words (past the 40 characters the first two words are read within, past
    # 64 letters of a word hash), digits and letters of other scripts, an underscore.
    "\u212aey ", "İf ", "ΣΟΦΙΑ ", "straße ", "x² ", "snake_case ", "中文 ", "🙂 ", "\t",
    "Wordwithmorethanfortycharactersinitwithoutanyspace ", "y" * 70 + " ", "- [x] ", "1) ",
])
TEXTS = st.lists(PIECES, max_size=40).map("".join) | st.text(max_size=200)
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def same_rows(found: bf.Candidates, expected: reference.Candidates) -> None:
    """The same candidates, words and features, bit for bit."""
    assert found.positions.tolist() == expected.positions.tolist()
    assert found.words == expected.words
    assert found.numeric.dtype == expected.numeric.dtype == np.float32
    assert np.array_equal(found.numeric.view(np.uint32), expected.numeric.view(np.uint32))


def check_chunk(texts: list[str]) -> None:
    """``candidates_of`` a chunk gives each text's rows by the reference definition, and the
    chunk's matrix is theirs one after the other."""
    found = bf.candidates_of(texts)
    assert found.bounds.tolist()[0] == 0 and len(found.bounds) == len(texts) + 1
    expected = [reference.candidates(text) for text in texts]
    for i, rows in enumerate(expected):
        same_rows(found.text(i), rows)
    words = sorted({w for rows in expected for pair in rows.words for w in pair})
    vocabulary = {word: i + 1 for i, word in enumerate(words[::2])}  # half the words known
    matrix = found.matrix(vocabulary)
    assert matrix.dtype == np.float32
    assert np.array_equal(matrix, np.vstack([r.matrix(vocabulary) for r in expected]))


@SETTINGS
@given(TEXTS)
def test_a_texts_features_are_those_of_the_reference_definition(text):
    same_rows(bf.candidates(text), reference.candidates(text))


@SETTINGS
@given(st.lists(TEXTS, min_size=1, max_size=5))
def test_a_chunks_features_are_each_texts_by_the_reference_definition(texts):
    check_chunk(texts)


def gold_texts(name: str, joiner: str, limit: int) -> list[str]:
    from curation.segment.evaluate import gold_text
    from curation.segment.gold import gold_records

    with shared_file(name).open("rb") as stream:
        found = [gold_text(record, joiner) for record in gold_records(stream, name=name, limit=limit)]
    return [text for text, _ in filter(None, found)]


def long_traces(name: str, key: str, limit: int) -> list[str]:
    with shared_file(name).open(encoding="utf-8") as lines:
        return [json.loads(line).get(key) or "" for line, _ in zip(lines, range(limit))]


@pytest.mark.shared_data
@pytest.mark.parametrize("name", [
    "processbench_math.jsonl", "processbench_olympiadbench.jsonl", "prmbench_prm800k_test_p1.jsonl",
    "prmbench_multi_solutions_qwq.jsonl", "bigbench_mistake_dyck_languages.jsonl",
    "bigbench_mistake_word_sorting.jsonl",
])
@pytest.mark.parametrize("joiner", ["space", "newline"])
def test_real_step_lists_have_the_reference_features(name, joiner):
    texts = gold_texts(name, joiner, 60)
    assert texts
    for i in range(0, len(texts), 25):
        check_chunk(texts[i:i + 25])


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "key"), [
    ("thought_anchors_r1_distill_cots.jsonl", "solution"),
    ("r1_math500_traces_topology.jsonl", "full_response"),
    ("r1_distill_annotated_steering_thinking.jsonl", "response"),
])
def test_real_long_traces_have_the_reference_features(name, key):
    texts = long_traces(name, key, 60)
    assert any(texts)
    for i in range(0, len(texts), 20):
        check_chunk(texts[i:i + 20])


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
