"""Token counts: the fast counter always says what the real tokenizer says."""
from __future__ import annotations

import json
import re
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.segment import count_tokens, count_tokens_batch, load_tokenizer
from curation.segment import pretokenize
from curation.segment.spans import trim
from curation.segment.text_tokens import TextTokens
from curation.segment.tokens import TokenCounter, counter_for, default_tokenizer_file

from .conftest import shared_file

# Spaces next to other whitespace, digits, CJK, added tokens, the counter's own mark
# characters and lone surrogates: every branch of the cutting and caching.
TRICKY = st.sampled_from([
    " ", "  ", "\n", " \n", "\n ", "\t", "\u00a0", "\u2009", "x", "Wait", "1", "123456", ".",
    "$\\frac{a}{b}$", "一", "あ゛", "<think>", "</think>", "<｜end▁of▁sentence｜>", "\uf8fc",
    "\uf8fd", "\uf8fe", "\uf8ff", "\ud800", "\u0301", "\x00", "\x1c", "é", "≤", "𝔸", "\u0558",
])
TEXTS = st.one_of(
    st.text(), st.lists(st.one_of(TRICKY, st.text(max_size=5)), max_size=30).map("".join)
)


def real_count(tokenizer, text: str) -> int:
    """What the tokenizer says; a lone surrogate (no tokenizer takes one) counts as U+FFFD."""
    text = re.sub("[\ud800-\udfff]", "\ufffd", text)
    return len(tokenizer.backend_tokenizer.encode(text, add_special_tokens=False).ids)


def test_the_default_tokenizer_is_counted_the_fast_way(tokenizer):
    assert counter_for(tokenizer).fast


@settings(max_examples=300, deadline=None)
@given(text=TEXTS)
def test_count_equals_the_real_tokenizer_on_any_text(tokenizer, text):
    assert count_tokens(text, tokenizer) == real_count(tokenizer, text)


@settings(max_examples=200, deadline=None)
@given(texts=st.lists(TEXTS, max_size=6))
def test_a_batch_counts_each_text_as_if_alone(tokenizer, texts):
    assert count_tokens_batch(texts, tokenizer) == [real_count(tokenizer, t) for t in texts]


def test_a_fresh_counter_and_a_warm_one_agree(tokenizer):
    text = "Okay, so x = 3.  Wait  12345 一二 <think> é \n\n \\boxed{4}"
    warm = counter_for(tokenizer)
    warm.count(text)
    assert TokenCounter(tokenizer).count(text) == warm.count(text) == real_count(tokenizer, text)


def test_the_pre_tokenizer_emulation_cuts_like_the_real_one_across_the_bmp(tokenizer):
    pre_tokenize = tokenizer.backend_tokenizer.pre_tokenizer.pre_tokenize_str
    mismatches = []
    for code in range(0x20, 0x10000, 64):
        chars = "".join(chr(c) for c in range(code, code + 64) if not 0xD800 <= c <= 0xDFFF)
        probe = f"a{chars} {chars}1 x{chars}\n{chars}"
        if not pretokenize.can_split(probe):
            continue
        expected = [probe[start:end] for _, (start, end) in pre_tokenize(probe)]
        if pretokenize.split(probe) != expected:
            mismatches.append(hex(code))
    assert mismatches == []


def test_text_the_emulation_cannot_cut_goes_to_the_real_tokenizer():
    assert not pretokenize.can_split("x\u0558y")  # unassigned in Python 3.11's Unicode 14
    assert not pretokenize.can_split("漢字")
    assert pretokenize.can_split("Wait, θ ≤ 3.")


def test_load_tokenizer_returns_one_object_per_name():
    assert load_tokenizer(None) is load_tokenizer(None)


def test_load_tokenizer_reads_a_local_directory(tmp_path, tokenizer):
    shutil.copy(default_tokenizer_file(), tmp_path / "tokenizer.json")
    shutil.copy(default_tokenizer_file().with_name("tokenizer_config.json"), tmp_path)
    local = load_tokenizer(str(tmp_path))
    assert local is not tokenizer
    text = "Let me check: 2 + 2 = 4."
    assert count_tokens(text, local) == real_count(tokenizer, text)


def test_load_tokenizer_reads_a_tokenizer_json_file():
    local = load_tokenizer(str(default_tokenizer_file()))
    assert count_tokens("hello world", local) == 2


def test_counts_on_real_traces_equal_the_real_tokenizer(tokenizer):
    path = shared_file("thought_anchors_r1_distill_cots.jsonl")
    with path.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["solution"] for line, _ in zip(lines, range(40))]
    paragraphs = [p for text in texts for p in text.split("\n\n")]
    assert count_tokens_batch(texts, tokenizer) == [real_count(tokenizer, t) for t in texts]
    expected = [real_count(tokenizer, p) for p in paragraphs]
    assert count_tokens_batch(paragraphs, tokenizer) == expected


def spans_of(text: str, data) -> list[tuple[int, int]]:
    """Spans as strategies make them (cut, trimmed, in order) or any at all."""
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=10)))
    pieces = zip([0, *cuts], [*cuts, len(text)])
    if data.draw(st.booleans()):
        return [span for span in (trim(text, a, b) for a, b in pieces) if span is not None]
    bounds = st.tuples(st.integers(0, len(text)), st.integers(0, len(text)))
    return [tuple(sorted(pair)) for pair in data.draw(st.lists(bounds, max_size=8))]


@settings(max_examples=400, deadline=None)
@given(text=TEXTS, data=st.data())
def test_span_counts_of_one_text_equal_the_real_tokenizer(tokenizer, text, data):
    spans = spans_of(text, data)
    counts = TextTokens(counter_for(tokenizer), text).count(spans)
    assert counts == [real_count(tokenizer, text[start:end]) for start, end in spans]


def test_span_counts_on_real_traces_equal_the_real_tokenizer(tokenizer):
    path = shared_file("thought_anchors_r1_distill_cots.jsonl")
    with path.open(encoding="utf-8") as lines:
        texts = [json.loads(line)["solution"] for line, _ in zip(lines, range(20))]
    for text in texts:
        blocks = [trim(text, m.start(), m.end()) for m in re.finditer(r"(?s).+?(?:\n\n|$)", text)]
        blocks = [block for block in blocks if block is not None]
        tokens = TextTokens(TokenCounter(tokenizer), text)  # a fresh counter: all unseen
        assert tokens.count(blocks) == [real_count(tokenizer, text[s:e]) for s, e in blocks]
        runs = [(blocks[i][0], blocks[i + 1][1]) for i in range(0, len(blocks) - 1, 2)]
        assert tokens.count(runs) == [real_count(tokenizer, text[s:e]) for s, e in runs]


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.characters(max_codepoint=0x7F)))
def test_the_ascii_emulation_cuts_like_the_real_pre_tokenizer(tokenizer, text):
    pre_tokenize = tokenizer.backend_tokenizer.pre_tokenizer.pre_tokenize_str
    assert pretokenize.split(text) == [text[start:end] for _, (start, end) in pre_tokenize(text)]


@settings(max_examples=300, deadline=None)
@given(pieces=st.lists(st.one_of(TRICKY, st.text(max_size=6)), max_size=40), data=st.data())
def test_units_then_their_runs_count_as_the_real_tokenizer_from_one_text(tokenizer, pieces, data):
    """As ``discourse`` counts: the units of a text, then runs of consecutive units (their
    words come from the same running totals, only the edges are looked up)."""
    text = "".join(pieces)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=12)))
    units = [s for s in (trim(text, a, b) for a, b in zip([0, *cuts], [*cuts, len(text)])) if s]
    stops = sorted({*data.draw(st.lists(st.integers(1, max(len(units), 1)), max_size=5))})
    stops = [stop for stop in stops if stop <= len(units)]
    runs = [(units[a][0], units[b - 1][1]) for a, b in zip([0, *stops], stops)]
    tokens = TextTokens(TokenCounter(tokenizer), text)  # a fresh counter: unseen keys too
    assert tokens.count(units) == [real_count(tokenizer, text[s:e]) for s, e in units]
    assert tokens.count(runs) == [real_count(tokenizer, text[s:e]) for s, e in runs]
