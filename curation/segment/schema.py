"""The default label schema and rating scale of a new project (plain data, cheap to import).

Each step type has a key (stored on steps), a name, a colour for the editor and the number key
that sets it. Projects copy these on creation and may edit their own copy.

A colour ends up inside a ``style`` attribute (the editor, the trace page), so only a hex
colour is a colour: ``is_colour`` is the one check, used when a schema is saved and again
wherever a colour is rendered (a row written around the model must not reach CSS either).
"""
import re

_HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})")
FALLBACK_COLOUR = "#8a8f98"

DEFAULT_LABEL_SCHEMA: list[dict] = [
    {"key": "premise", "name": "Premise", "colour": "#4e79a7", "shortcut": "1"},
    {"key": "plan", "name": "Plan", "colour": "#59a14f", "shortcut": "2"},
    {"key": "compute", "name": "Compute", "colour": "#f28e2b", "shortcut": "3"},
    {"key": "verify", "name": "Verify", "colour": "#76b7b2", "shortcut": "4"},
    {"key": "backtrack", "name": "Backtrack", "colour": "#e15759", "shortcut": "5"},
    {"key": "conclude", "name": "Conclude", "colour": "#b07aa1", "shortcut": "6"},
]

# PRM800K's scale: -1 wrong, 0 neutral / ok but not useful, +1 correct and useful.
DEFAULT_RATING_SCALE: list[dict] = [
    {"value": -1, "name": "Wrong"},
    {"value": 0, "name": "Neutral"},
    {"value": 1, "name": "Good"},
]


def is_colour(value: object) -> bool:
    """A CSS hex colour (#rgb, #rgba, #rrggbb, #rrggbbaa) and nothing more."""
    return isinstance(value, str) and _HEX_COLOUR.fullmatch(value) is not None


def safe_colour(value: object) -> str:
    """``value`` when it is a hex colour, else the neutral fallback: safe in a style attribute."""
    return value if is_colour(value) else FALLBACK_COLOUR


def label_schema_problems(schema: object) -> list[str]:
    """What is wrong with a label schema's colours (empty when nothing is)."""
    if not isinstance(schema, list):
        return ["The label schema is a list of labels."]
    problems = []
    for position, label in enumerate(schema, start=1):
        if not isinstance(label, dict):
            problems.append(f"Label {position} is not an object.")
        elif "colour" in label and not is_colour(label["colour"]):
            name = label.get("key", position)
            problems.append(
                f"Label {name!s}: colour {str(label['colour'])[:40]!r} is not a hex colour "
                "such as #4e79a7."
            )
    return problems
