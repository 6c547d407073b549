"""Properties every strategy keeps on any text (hypothesis, arbitrary unicode).

Spans are ordered, non-overlapping, inside the text, start and end on non-whitespace, are never
empty, together cover every non-whitespace character, and never cut inside math or code.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curation.traces.transcript import ASSISTANT_MARKER, TOOL_RESULT_MARKER
from curation.segment import STRATEGIES, segment_text
from curation.segment.regions import find_regions

from .learned_data import synthetic_model

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
STRATEGY_NAMES = sorted(STRATEGIES)
PARAMS = [
    ("solution", {}),
    ("paragraphs", {}),
    ("paragraphs", {"min_tokens": 0, "max_tokens": 3}),
    ("discourse", {}),
    ("discourse", {"sentencizer": "spacy"}),
    ("discourse", {"granularity": "move", "min_tokens": 4, "max_tokens": 12}),
    ("actions", {}),
    ("learned", {"model": synthetic_model()}),
    ("learned", {"model": synthetic_model(), "threshold": 1e-9}),  # cut at every candidate
]


def params_for(strategy: str) -> dict:
    """Defaults, and for ``learned`` a model trained on synthetic steps."""
    return {"model": synthetic_model()} if strategy == "learned" else {}

# Text made to hit the cutting rules: sentence ends, newlines, blank lines, list and step
# markers, move openers, headings, answers, transcript markers, and math and code delimiters.
PIECES = st.sampled_from([
    ". ", "? ", "! ", "\n", "\n\n", "  ", "\t", "1. ", "2. ", "3) ", "- ", "* ", "Step 1: ",
    "**Step 2**\n", "## Heading\n", "Wait, ", "Alternatively, ", "Let me check. ", "So the answer",
    "\\boxed{5}", "Final Answer", "$", "$$", "\\[", "\\]", "\\(", "\\)", "`", "```", "```\n",
    "\\begin{align}", "\\end{align}", "\\\\", "x = 3", "Dr. ", "9! ways", "e.g. ",
    f"\n{ASSISTANT_MARKER}\n", f"\n{TOOL_RESULT_MARKER} f\n", "<think>", "\uf8ff",
])
TEXTS = st.one_of(
    st.text(),
    st.lists(st.one_of(PIECES, st.text(max_size=8)), max_size=40).map("".join),
)


def assert_valid_steps(text: str, steps) -> None:
    previous_end = 0
    for step in steps:
        assert previous_end <= step.start < step.end <= len(text), "ordered, inside, non-empty"
        piece = text[step.start : step.end]
        assert piece.strip(), "never empty"
        assert not piece[0].isspace() and not piece[-1].isspace(), "trimmed"
        assert not text[previous_end : step.start].strip(), "no non-whitespace left out"
        previous_end = step.end
    assert not text[previous_end:].strip(), "no non-whitespace left out at the end"


def regions_of(strategy: str, text: str, steps) -> list[tuple[int, int]]:
    """The protected regions: of the whole text, or of each action for ``actions`` (whose
    marker lines end any region, see the strategy)."""
    if strategy != "actions":
        return list(find_regions(text))
    return [
        (s.start + a, s.start + b) for s in steps for a, b in find_regions(text[s.start : s.end])
    ]


def assert_outside_regions(text: str, steps, regions) -> None:
    for start, end in regions:
        for step in steps:
            assert not start < step.start < end, f"a step starts inside {text[start:end]!r}"
            assert not start < step.end < end, f"a step ends inside {text[start:end]!r}"


@SETTINGS
@given(text=TEXTS)
@pytest.mark.parametrize(("strategy", "params"), PARAMS)
def test_steps_partition_the_text_on_any_input(strategy, params, text):
    steps = segment_text(text, strategy, params)
    assert_valid_steps(text, steps)
    assert_outside_regions(text, steps, regions_of(strategy, text, steps))


# Filler without any delimiter, so that the regions a test inserts are the only ones.
FILLER = st.lists(
    st.one_of(
        st.sampled_from(
            [". ", "? ", "\n", "\n\n", "1. ", "2. ", "- ", "Wait, ", "Step 3: ", "So "]
        ),
        st.text(st.characters(blacklist_characters="$\\`~"), max_size=10),
    ),
    max_size=12,
).map("".join)
MATH = st.one_of(
    # (A space after inline math: "$x$0" is no math, after pandoc's rule for prices.)
    st.builds("${}$ ".format, st.sampled_from(["x. Y", "a = 1.\nB", "3! Then", "y? No"])),
    st.builds("$${}$$".format, st.sampled_from(["x.\n\nY", "1. A\n2. B", "z. Wait"])),
    st.builds("\\[{}\\]".format, st.sampled_from(["a.\n\nB", "Step 1: x", "q. R"])),
    st.builds("\\({}\\)".format, st.sampled_from(["a. B", "## h\nx"])),
    st.builds("```\n{}\n```".format, st.sampled_from(["x = 1. Wait\n\ny = 2", "# Step 1\n1. a"])),
)


@SETTINGS
@given(parts=st.lists(st.tuples(FILLER, MATH), min_size=1, max_size=5), tail=FILLER)
@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
def test_no_step_boundary_falls_inside_math_or_code(strategy, parts, tail):
    text, inserted = "", []
    for filler, region in parts:
        text += filler
        inserted.append((len(text), len(text) + len(region.rstrip(" "))))
        text += region
    text += tail
    steps = segment_text(text, strategy, params_for(strategy))
    assert_valid_steps(text, steps)
    assert_outside_regions(text, steps, inserted)


@SETTINGS
@given(text=TEXTS)
@pytest.mark.parametrize("strategy", STRATEGY_NAMES)
def test_token_counts_are_those_of_the_step_text(strategy, text, tokenizer):
    for step in segment_text(text, strategy, params_for(strategy), tokenizer=tokenizer):
        piece = text[step.start : step.end]
        assert step.token_count == len(tokenizer.encode(piece, add_special_tokens=False))
