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
# --- Checking a project's own schema (the settings page, the API and commands share these) ---

_KEY = re.compile(r"[a-z][a-z0-9_-]{0,31}")
# Shortcuts are the digits 1-9: the editor's other keys (0, -, +, letters) already act.
SHORTCUTS = tuple("123456789")
RATING_VALUES = (-1, 0, 1)  # the steps table's constraint: PRM800K's scale
LABEL_FIELDS = ("key", "name", "colour", "shortcut", "definition")


def is_hex_colour(value: object) -> bool:
    """A CSS hex colour: the settings checks' name for ``is_colour`` (one check for both)."""
    return is_colour(value)


def validate_label_schema(labels: object) -> list[dict]:
    """The step types, checked and normalised; ``ValueError`` names the first bad row and field."""
    if not isinstance(labels, list) or not labels:
        raise ValueError("the label schema must be a non-empty list of step types")
    cleaned = [_label(row, number) for number, row in enumerate(labels, start=1)]
    _unique(cleaned, "key")
    _unique([label for label in cleaned if label["shortcut"]], "shortcut")
    return cleaned


def _label(row: object, number: int) -> dict:
    if not isinstance(row, dict):
        raise ValueError(f"type {number}: expected an object with key, name and colour")
    unknown = set(row) - set(LABEL_FIELDS)
    if unknown:
        raise ValueError(f"type {number}: unknown field(s) {', '.join(sorted(unknown))}")
    label = {name: str(row.get(name) or "").strip() for name in LABEL_FIELDS}
    if not _KEY.fullmatch(label["key"]):
        raise ValueError(
            f"type {number}: key {label['key']!r} must be 1-32 lowercase letters, digits, - or _,"
            " starting with a letter"
        )
    if not label["name"] or len(label["name"]) > 60:
        raise ValueError(f"type {number}: a name of 1-60 characters is required")
    if not is_hex_colour(label["colour"]):
        raise ValueError(f"type {number}: colour {label['colour']!r} must be a hex colour such as #4e79a7")
    if label["shortcut"] and label["shortcut"] not in SHORTCUTS:
        raise ValueError(f"type {number}: the shortcut must be one digit from 1 to 9")
    if "\n" in label["definition"] or len(label["definition"]) > 200:
        raise ValueError(f"type {number}: the definition is one line of at most 200 characters")
    return label


def _unique(labels: list[dict], field: str) -> None:
    seen: set[str] = set()
    for label in labels:
        if label[field] in seen:
            raise ValueError(f"two types share the {field} {label[field]!r}")
        seen.add(label[field])


def validate_rating_scale(ratings: object) -> list[dict]:
    """The rating scale: a name for each of -1, 0 and +1 that the project uses."""
    if not isinstance(ratings, list) or not ratings:
        raise ValueError("the rating scale must be a non-empty list of {value, name}")
    cleaned = []
    for row in ratings:
        if not isinstance(row, dict) or set(row) - {"value", "name"}:
            raise ValueError("each rating is an object with a value and a name")
        value, name = row.get("value"), str(row.get("name") or "").strip()
        if isinstance(value, bool) or value not in RATING_VALUES:
            raise ValueError(f"rating value {value!r} must be one of -1, 0, 1")
        if not name or len(name) > 40:
            raise ValueError(f"rating {value}: a name of 1-40 characters is required")
        cleaned.append({"value": value, "name": name})
    if len({row["value"] for row in cleaned}) != len(cleaned):
        raise ValueError("two ratings share a value")
    return sorted(cleaned, key=lambda row: row["value"])
