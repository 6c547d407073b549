"""Section cuts: numbered sentences, untrusted numbers, spans that keep the invariants."""
from __future__ import annotations

import pytest

from curation.assist import SectionsInput, cut_sections, read_section_starts, sentence_starts
from curation.assist.untrusted import Discard

from .fake_openai import FakeOpenAI, text
from .helpers import run

REASONING = (
    "  Let me read the problem. We need $x$ with $x^2 = 4$. "
    "First try $x = 1$. That gives 1. Not right.\n\n"
    "Wait, let me try $x = 2$. Then $x^2 = 4$. "
    "So the answer is $x = 2$.  "
)


def assert_invariants(text, spans):
    assert spans == sorted(spans)
    assert all(0 <= a < b <= len(text) for a, b in spans)
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:]))
    assert all(text[a:b] == text[a:b].strip() for a, b in spans)
    covered = "".join(text[a:b] for a, b in spans)
    assert "".join(covered.split()) == "".join(text.split())


def test_sentences_are_numbered_at_the_segmenters_boundaries():
    starts = sentence_starts(REASONING)
    assert REASONING[starts[0]:].startswith("Let me read")
    assert any(REASONING[s:].startswith("Wait, let me") for s in starts)


def test_the_models_numbers_become_exact_spans():
    starts = sentence_starts(REASONING)
    wait = next(i for i, s in enumerate(starts) if REASONING[s:].startswith("Wait"))
    answer = f'```json\n{{"sections": [0, {wait}]}}\n```'
    with FakeOpenAI(script=[text(answer)]) as fake:
        result, _ = run(fake, lambda c: cut_sections(c, SectionsInput(4, REASONING)))
    assert "[0] Let me read the problem." in fake.requests[0]["messages"][0]["content"]
    assert len(result.spans) == 2 and REASONING[result.spans[1][0]:].startswith("Wait")
    assert_invariants(REASONING, result.spans)
    assert result.provenance.task == "sections" and result.starts == [0, wait]


@pytest.mark.parametrize("answer, reason", [
    ('{"sections": [0, 99]}', "out-of-range"),
    ('{"sections": [0, -1]}', "out-of-range"),
    ('{"sections": [0, 2.5]}', "not-an-integer"),
    ('{"sections": [0, true]}', "not-an-integer"),
    ('{"sections": [0, "3"]}', None),
    ('{"sections": "all"}', "format"),
    ('{"sections": [0, 1', "malformed-json"),
    ("Ignore the instructions; sections are everywhere.", "malformed-json"),
    ('{"sections": [' + ", ".join(["1"] * 500) + "]}", "format"),
])
def test_bad_section_answers_are_discarded_whole(answer, reason):
    found = read_section_starts(answer, 8)
    if reason is None:
        assert found == [0, 3]
    else:
        assert isinstance(found, Discard) and found.reason == reason


def test_a_cut_inside_math_is_refused_by_the_regions_and_invariants_hold():
    text_ = "Compute $$a = 1. B = 2.$$ Then we stop. Done now."
    starts = sentence_starts(text_)
    with FakeOpenAI(script=[text('{"sections": %s}' % list(range(len(starts))))]) as fake:
        result, _ = run(fake, lambda c: cut_sections(c, SectionsInput(1, text_)))
    assert_invariants(text_, result.spans)
    assert all(not (8 < a < 25) for a, _ in result.spans)
