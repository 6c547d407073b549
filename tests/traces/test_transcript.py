from __future__ import annotations

from curation.traces.transcript import (
    ASSISTANT_MARKER,
    STEP_SEPARATOR,
    ToolCall,
    Turn,
    action_end,
    render_transcript,
    step_starts,
)

TURNS = [
    Turn("assistant", "Let me look.", [ToolCall("search", '{"q": "x"}')]),
    Turn("tool", "found x", name="search"),
    Turn("assistant", "Run it.", [ToolCall("", "python x.py")]),
    Turn("tool", "ok"),
    Turn("assistant", "Done."),
]


def test_render_transcript_layout():
    text, _ = render_transcript(TURNS)
    assert text == (
        '[assistant]\nLet me look.\n[tool call] search\n{"q": "x"}\n'
        "[tool result] search\nfound x\n\n"
        "[assistant]\nRun it.\n[action]\npython x.py\n[observation]\nok\n\n"
        "[assistant]\nDone."
    )


def test_one_span_per_assistant_turn_covering_its_results():
    text, spans = render_transcript(TURNS)
    pieces = [text[s.start : s.end] for s in spans]
    assert STEP_SEPARATOR.join(pieces) == text
    assert pieces[1] == "[assistant]\nRun it.\n[action]\npython x.py\n[observation]\nok"


def test_step_starts_recut_a_rendered_transcript_at_the_same_places():
    text, spans = render_transcript(TURNS)
    assert step_starts(text) == [s.start for s in spans]


def test_action_end_separates_the_action_from_its_observation():
    text, spans = render_transcript(TURNS)
    step = text[spans[0].start : spans[0].end]
    assert step[: action_end(step)] == '[assistant]\nLet me look.\n[tool call] search\n{"q": "x"}\n'
    assert action_end("[assistant]\nDone.") == len("[assistant]\nDone.")


def test_turns_before_the_first_assistant_turn_are_a_preamble_outside_the_steps():
    text, spans = render_transcript([Turn("user", "task"), Turn("assistant", "ok")])
    assert text == f"[user]\ntask\n\n{ASSISTANT_MARKER}\nok"
    assert [text[s.start : s.end] for s in spans] == [f"{ASSISTANT_MARKER}\nok"]


def test_thinking_is_rendered_before_the_content():
    text, _ = render_transcript([Turn("assistant", "answer", thinking="hmm")])
    assert text == "[assistant]\n[thinking]\nhmm\nanswer"
