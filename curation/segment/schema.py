"""The default label schema and rating scale of a new project (plain data, cheap to import).

Each step type has a key (stored on steps), a name, a colour for the editor and the number key
that sets it. Projects copy these on creation and may edit their own copy.
"""

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
