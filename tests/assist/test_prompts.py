"""Prompt templates: placeholders, edits by the lead, versions."""
from __future__ import annotations

import pytest

from curation.assist import CRITIC, REWRITE


def test_render_inserts_values_once_without_reading_placeholders_inside_them():
    rendered = REWRITE.render(problem="Is {{solution}} a trick?", solution="\\boxed{1}")
    assert "Is {{solution}} a trick?" in rendered and "\\boxed{1}" in rendered


def test_an_edit_changes_the_version_and_must_keep_the_required_placeholders():
    edited = CRITIC.edited(CRITIC.text + "\nBe strict.")
    assert edited.version != CRITIC.version and len(edited.version) == 12
    with pytest.raises(ValueError, match="paragraphs"):
        CRITIC.edited("Find the error in {{problem}}.")


def test_a_missing_value_is_an_error():
    with pytest.raises(KeyError):
        REWRITE.render(problem="p")
