"""The ``solution`` strategy: the SRL paper's steps of a structured final solution."""
from __future__ import annotations

from curation.segment import segment_text


def cut(text: str) -> list[str]:
    return [text[s.start : s.end] for s in segment_text(text, "solution")]


def titles(text: str) -> list[str]:
    return [s.title for s in segment_text(text, "solution")]


def test_one_step_per_numbered_item_with_the_preamble_as_its_own_step():
    text = "We find x.\n\n1. Set up x + 1 = 3.\n2. Subtract 1: x = 2.\n3. Check: 2 + 1 = 3."
    assert cut(text) == [
        "We find x.", "1. Set up x + 1 = 3.", "2. Subtract 1: x = 2.", "3. Check: 2 + 1 = 3.",
    ]


def test_step_markers_win_over_the_lists_inside_steps():
    text = (
        "**Step 1: Expand**\nWe get:\n1. a\n2. b\n\n"
        "**Step 2: Solve**\nSo x = 1.\n\n**Step 3: Answer**\n\\boxed{1}"
    )
    assert cut(text) == [
        "**Step 1: Expand**\nWe get:\n1. a\n2. b",
        "**Step 2: Solve**\nSo x = 1.",
        "**Step 3: Answer**\n\\boxed{1}",
    ]
    assert titles(text) == ["Expand", "Solve", "Answer"]


def test_plain_step_markers_are_cut_without_a_title():
    text = "Step 1. Factor 6 = 2 * 3.\nStep 2. So there are 4 divisors."
    assert cut(text) == ["Step 1. Factor 6 = 2 * 3.", "Step 2. So there are 4 divisors."]
    assert titles(text) == ["", ""]


def test_a_bold_title_after_the_number_becomes_the_step_title():
    text = "1. **Understand** the problem.\n2. **Compute** 2 + 2 = 4."
    assert titles(text) == ["Understand", "Compute"]


def test_a_trailing_final_answer_heading_stays_with_the_last_step():
    text = "## Setup\nLet x = 2.\n\n## Solve\nx + 1 = 3.\n\n## Final Answer\n\\boxed{3}"
    assert cut(text) == [
        "## Setup\nLet x = 2.", "## Solve\nx + 1 = 3.\n\n## Final Answer\n\\boxed{3}",
    ]


def test_a_nested_list_restarting_at_one_is_not_a_step():
    text = "1. Split into cases:\n   1. x > 0\n   2. x < 0\n2. Both give |x| > 0.\n3. Done."
    assert cut(text) == [
        "1. Split into cases:\n   1. x > 0\n   2. x < 0", "2. Both give |x| > 0.", "3. Done.",
    ]


def test_bullets_inside_a_paragraph_are_details_not_steps():
    text = "First, the books:\n- math weighs 2\n- science weighs 2\n\nSecond, add them: 4."
    assert cut(text) == [
        "First, the books:\n- math weighs 2\n- science weighs 2", "Second, add them: 4.",
    ]


def test_without_markers_blank_line_blocks_are_steps_and_a_bare_answer_joins_the_last():
    text = "We add 2 and 3.\n\nThat gives 5.\n\n**Final Answer**\n\\[\\boxed{5}\\]"
    assert cut(text) == ["We add 2 and 3.", "That gives 5.\n\n**Final Answer**\n\\[\\boxed{5}\\]"]


def test_a_lead_in_and_its_display_equation_are_one_step_across_blank_lines():
    text = (
        "We have\n\n\\[\np = \\sum_{k=1}^\\infty \\frac{1}{k^2}.\n\\]\n\n"
        "Let\n\n\\[\nS = p - 1\n\\]\n\nwhere the sum starts at 2.\n\n"
        "Then S is finite.\n\n\\[ S < 1 \\]"
    )
    assert cut(text) == [
        "We have\n\n\\[\np = \\sum_{k=1}^\\infty \\frac{1}{k^2}.\n\\]",
        "Let\n\n\\[\nS = p - 1\n\\]\n\nwhere the sum starts at 2.",
        "Then S is finite.",  # a sentence that ended: the equation after it is a step of its own
        "\\[ S < 1 \\]",
    ]


def test_without_blank_lines_a_line_continuing_an_equation_or_list_stays_in_its_step():
    text = (
        "Let x be the price.\nThen we have:\n\\[ 2x = 10 \\]\nwhere x is in dollars.\n"
        "Dividing by 2 gives x = 5.\nSo the price is 5."
    )
    assert cut(text) == [
        "Let x be the price.",
        "Then we have:\n\\[ 2x = 10 \\]\nwhere x is in dollars.",
        "Dividing by 2 gives x = 5.",
        "So the price is 5.",
    ]


def test_one_line_text_is_cut_at_sentences():
    assert cut("We add 2 and 3. That gives 5. So the answer is 5.") == [
        "We add 2 and 3.", "That gives 5.", "So the answer is 5.",
    ]


def test_numbered_steps_joined_on_one_line_are_found_inline():
    text = "1. Let x be a multiple of 2. 2. Then x = 2k. 3. So x is even."
    assert cut(text) == ["1. Let x be a multiple of 2.", "2. Then x = 2k.", "3. So x is even."]
