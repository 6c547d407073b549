"""Rule-based step typing (``typing_rules``)."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.segment import DEFAULT_LABEL_SCHEMA, segment_text, tag_steps, typing_rules

REASONING = (
    "The problem gives a triangle with sides 3 and 4.\n\n"
    "First, I need to find the hypotenuse.\n\n"
    "By Pythagoras, c = \\sqrt{9 + 16} = 5.\n\n"
    "Wait, that assumes a right angle.\n\n"
    "Let me check: 3^2 + 4^2 = 25 = 5^2.\n\n"
    "Therefore, the answer is \\boxed{5}."
)


def types(text: str, schema=None) -> list[str]:
    steps = segment_text(text, "paragraphs", {"min_tokens": 0})
    tag_steps(text, steps, schema)
    return [step.type for step in steps]


def test_each_step_gets_the_type_its_opening_and_content_call_for():
    assert types(REASONING) == ["premise", "plan", "compute", "backtrack", "verify", "conclude"]


def test_a_project_schema_gets_its_own_keys_matched_by_name():
    schema = [
        {"key": "given", "name": "Premise", "colour": "#000", "shortcut": "1"},
        {"key": "calc", "name": "Compute", "colour": "#111", "shortcut": "2"},
    ]
    assert types(REASONING, schema) == ["given", "", "calc", "", "", ""]


def test_the_default_schema_is_used_when_none_is_given():
    keys = {label["key"] for label in DEFAULT_LABEL_SCHEMA}
    assert set(types(REASONING)) <= keys


def test_a_step_opening_with_a_list_marker_is_typed_by_what_follows():
    text = "1. **Check** Let me verify the sum.\n2. So the answer is 4."
    steps = segment_text(text, "solution")
    tag_steps(text, steps, None)
    assert [s.type for s in steps] == ["verify", "conclude"]


def test_the_cheap_hints_hold_wherever_the_typing_regexes_match():
    """The substring and literal scans that rule steps out before the typing regexes run must
    never rule out a step those regexes match: every character a hint's letter matches ignoring
    case lowers to that letter, and each regex's own examples pass its hint."""
    import re
    import sys

    from curation.segment import typing_rules as rules

    for letter in set("".join(rules._CHECKING_HINTS)) - set("iı"):
        folds = re.compile(f"(?i){letter}")
        matched = [chr(c) for c in range(sys.maxunicode + 1) if folds.fullmatch(chr(c))]
        assert all(ch.lower() == letter for ch in matched), letter
    # "i" ignoring case: each of these lowers to something that starts with "i" or "ı".
    folds = [chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch("(?i)i", chr(c))]
    assert sorted(folds) == sorted("iIİı")
    assert all(ch.lower()[0] in "iı" for ch in folds)
    for text in ("Double-Check: x", "Let me VERİFY", "Let me verıfy", "We confirm it",
                 "re-checking", "However, every", "Checking"):
        assert rules._opens_with_checking(text) == bool(rules._CHECKING.search(text, 0, 200))
    for text in ("2 + 3 = 5", "x = -1", "\\frac{1}{2}", "so 3 ways", "a - b", "4×5"):
        assert rules._calculates(text) == bool(rules._CALCULATION.search(text))
    for text in ("The FINAL answer", "xfinal answer", "\\boxed {3}", "final answers", "no"):
        found = re.search(r"\\boxed\s*\{|(?i:\bfinal answer\b)", text)
        assert rules._gives_answer(text) == bool(found)


# ``_CALCULATION`` as first written: three alternatives, tried at every character.
PLAIN_CALCULATION = re.compile(
    r"\d\s*[-+*/×÷^=<>≤≥]\s*[\d(a-z\\]|[=≈]\s*-?[\d(\\]|\\(?:frac|sqrt|cdot|times|sum|int)\b"
)
CALCULATION_PIECES = st.sampled_from([
    "1", "٣", "x", " ", "\n", "=", "≈", "-", "+", "×", "≤", "(", "\\", "\\frac", "\\sum", "\\int",
    "\\intx", "a", "Z", "\\\\", "==",
])


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.one_of(CALCULATION_PIECES, st.text(max_size=3)), max_size=30).map("".join))
def test_the_calculation_pattern_matches_where_the_plain_one_does(text):
    found = typing_rules._CALCULATION.search(text)
    plain = PLAIN_CALCULATION.search(text)
    assert (found and found.span()) == (plain and plain.span())


ANSWER_PIECES = st.sampled_from([
    "final answer", "FINAL ANSWER", "Final Answer", "fınal answer", "FİNAL ANſWER", "final  answer",
    "finalanswer", "İ", "ſ", "K", " ", "\n", "x", "**",
])


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.one_of(ANSWER_PIECES, st.text(max_size=3)), max_size=12).map("".join))
def test_the_final_answer_hint_never_rules_out_a_match(text):
    if typing_rules._FINAL_ANSWER.search(text):
        assert typing_rules._FINAL_ANSWER_HINT in text.lower()


def test_only_their_own_cases_match_the_hint_letters_ignoring_case():
    letters = re.compile(r"(?i)[nal ]")
    matching = [chr(code) for code in range(0x110000) if letters.fullmatch(chr(code))]
    assert sorted(matching) == sorted("nalNAL ")


CHECKING_PIECES = st.sampled_from([
    "check", "CHECK", "verify", "VERİFY", "verıfy", "Verification", "confirm", "double check",
    "double-check", "ver", "every", "İ", "ı", "K", " ", "\n", "x", "-",
])


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.one_of(CHECKING_PIECES, st.text(max_size=3)), max_size=12).map("".join))
def test_the_checking_hints_never_rule_out_a_match(text):
    expected = typing_rules._CHECKING.search(text, 0, typing_rules._OPENING_CHARS) is not None
    assert typing_rules._opens_with_checking(text) == expected


def _type_as_the_table_says(body: str, index: int, move) -> str:
    """``type_of`` as first written: every rule in the table's order."""
    from curation.segment import typing_rules as rules

    if move in rules._TYPE_OF_MOVE:
        return rules._TYPE_OF_MOVE[move]
    calculates = bool(rules._CALCULATION.search(body))
    if move in rules._PLANNING_MOVES and not calculates:
        return "plan"
    if rules._BOXED.search(body) or rules._FINAL_ANSWER.search(body):
        return "conclude"
    if rules._CHECKING.search(body, 0, rules._OPENING_CHARS):
        return "verify"
    if index == 0 and not calculates:
        return "premise"
    return "compute" if calculates else "plan"


BODY_PIECES = st.sampled_from([
    "2 + 3", "= 5", "\\frac", "\\boxed{1}", "final answer", "Let me check", "verify", " ", "x",
])


@settings(max_examples=500, deadline=None)
@given(
    body=st.lists(st.one_of(BODY_PIECES, st.text(max_size=3)), max_size=8).map("".join),
    index=st.integers(0, 2),
    move=st.sampled_from([None, "backtrack", "verify", "alternative", "conclude", "plan",
                          "recall", "contrast"]),
)
def test_typing_tries_the_rules_in_the_tables_order(body, index, move):
    from curation.segment.steps import SegmentedStep

    prefix = "x"
    step = SegmentedStep(len(prefix), len(prefix) + len(body))
    got = typing_rules.type_of(prefix + body, step, index, move)
    assert got == _type_as_the_table_says(body, index, move)


MARKER_PIECES = st.sampled_from([
    "Step", "step 2:", "ſtep 3.", "STEP", "1.", "12)", "٣:", "- ", "* ", "+", "**Title**:", "__",
    "> ", "# ", "\t", " ", "\n", "So", "x", "Ünï", "_",
])


@settings(max_examples=500, deadline=None)
@given(text=st.lists(st.one_of(MARKER_PIECES, st.text(max_size=3)), max_size=8).map("".join),
       start=st.integers(0, 12), length=st.integers(0, 40))
def test_a_step_starting_with_a_letter_skips_the_marker_regex_and_gets_the_same(text, start,
                                                                                  length):
    end = min(len(text), start + length)
    start = min(start, end)
    expected = typing_rules._MARKER.match(text, start, end).end()
    assert typing_rules._after_marker(text, start, end) == expected


def test_only_the_step_s_letters_match_s_ignoring_case():
    import sys

    folds = {chr(c) for c in range(sys.maxunicode + 1) if re.fullmatch("(?i)s", chr(c))}
    assert folds == set(typing_rules._STEP_S)
