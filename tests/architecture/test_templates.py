"""Template hygiene that Django does not check: a ``{# ... #}`` comment must close on its own
line, or Django prints it into the page as text (an annotator once saw one in the editor)."""
from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
_UNCLOSED_COMMENT = re.compile(r"\{#(?![^\n]*#\})")


def test_every_one_line_comment_closes_on_its_line():
    unclosed = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in sorted(TEMPLATES.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if _UNCLOSED_COMMENT.search(line)
    ]
    assert unclosed == [], "use {% comment %} for comments over several lines"
