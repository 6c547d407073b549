"""Rule-based step typing (``typing_rules``)."""
from __future__ import annotations

from curation.segment import DEFAULT_LABEL_SCHEMA, segment_text, tag_steps

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
