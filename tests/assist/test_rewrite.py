"""SRL rewrite: the format check and the rewrite cut by the solution strategy."""
from __future__ import annotations

import pytest

from curation.assist import REWRITE, RewriteInput, check_format, rewrite
from curation.assist.untrusted import Discard

from .fake_openai import FakeOpenAI, Reply, text
from .helpers import run

ORIGINAL = "We add 2 and 2 to get 4, then double it: 8. So the answer is \\boxed{8}."
GOOD = (
    "1. **Add** Compute $2+2=4$.\n"
    "2. **Double** Double it: $2 \\cdot 4 = 8$.\n"
    "3. **Answer** The answer is $\\boxed{8}$."
)


def test_a_well_formed_rewrite_passes():
    assert check_format(GOOD + "\n", ORIGINAL) == GOOD


@pytest.mark.parametrize("answer, reason", [
    ("Sure! Here it is:\n" + GOOD, "format"),
    (GOOD.replace("2. **Double**", "3. **Double**"), "format"),
    ("1. Add 2 and 2.\n2. Double.", "format"),
    ("1. **Add**\n2. **Double** x\n3. **Answer** \\boxed{8}", "format"),
    (GOOD.replace("\\boxed{8}", "\\boxed{9}"), "answer-changed"),
    (GOOD.replace("$\\boxed{8}$", "8"), "answer-changed"),
    (GOOD + "\n" + "4. **More** padding " * 2000, "over-long"),
    ("   ", "empty"),
])
def test_rewrites_failing_the_check_are_discarded_with_a_reason(answer, reason):
    found = check_format(answer, ORIGINAL)
    assert isinstance(found, Discard) and found.reason == reason


def test_an_equivalent_answer_in_another_form_passes():
    original = "Half of one is \\boxed{\\frac{1}{2}}."
    assert isinstance(check_format("1. **Halve** One half is $\\boxed{0.5}$.", original), str)


def test_rewrite_keeps_a_new_text_cut_into_the_numbered_steps():
    with FakeOpenAI(script=[text(GOOD)]) as fake:
        result, _ = run(fake, lambda c: rewrite(c, RewriteInput(3, "2+2, doubled?", ORIGINAL)))
    assert ORIGINAL in fake.requests[0]["messages"][0]["content"]
    assert result.text == GOOD and result.discarded is None
    assert [GOOD[s.start:s.end].split("**")[1] for s in result.steps] == ["Add", "Double", "Answer"]
    assert result.provenance.task == "rewrite" and result.provenance.prompt_version == REWRITE.version


def test_a_truncated_rewrite_is_discarded():
    with FakeOpenAI(script=[Reply([GOOD], finish_reason="length")]) as fake:
        result, _ = run(fake, lambda c: rewrite(c, RewriteInput(3, "p", ORIGINAL)))
    assert result.discarded == "truncated" and result.text is None


def test_a_rewrite_that_solves_anew_is_discarded():
    original = "The price is 120 and rises by 15, so it is \\boxed{135}."
    anew = ("1. **Set up** Let the old price be 100 and the rise 35 percent.\n"
            "2. **Compute** 100 * 1.35 = 135, so \\boxed{135}.")
    found = check_format(anew, original)
    assert isinstance(found, Discard) and found.reason == "not-following" and "100" in found.detail


def test_restating_the_original_numbers_and_the_problem_s_own_passes():
    original = "The price is 120 and rises by 15, so it is \\boxed{135}."
    restated = ("1. **Read** The price 120 rises by 15 (out of a budget of 500).\n"
                "2. **Add** 120 + 15 = 135, twice checked, so \\boxed{135}.")
    assert isinstance(check_format(restated, original, problem="A budget of 500 ..."), str)
    # one new number is rounding or restating, not a new solution
    assert isinstance(check_format(restated.replace("(out of a budget of 500)", "(about 12%)"), original), str)
