"""The ``actions`` strategy: one step per assistant action of a rendered transcript."""
from __future__ import annotations

from curation.traces.transcript import ToolCall, Turn, render_transcript
from curation.segment import segment_text


def test_each_action_is_a_step_with_the_observations_it_caused():
    text, spans = render_transcript([
        Turn("user", "Book me a flight."),
        Turn("assistant", "Let me look you up.", [ToolCall("get_user", '{"id": 7}')]),
        Turn("tool", '{"name": "Mia"}', name="get_user"),
        Turn("assistant", "", [ToolCall("", "ls -la")]),
        Turn("tool", "README.md"),
        Turn("assistant", "Done."),
    ])
    steps = segment_text(text, "actions")
    assert [(s.start, s.end) for s in steps[1:]] == [(s.start, s.end) for s in spans]
    assert steps[0].start == 0 and text[steps[0].start : steps[0].end].startswith("[user]")
    assert "Mia" in text[steps[1].start : steps[1].end]


def test_text_without_markers_is_one_step():
    steps = segment_text("  just a note  ", "actions")
    assert [(s.start, s.end) for s in steps] == [(2, 13)]
