from __future__ import annotations

import pytest

from curation.ingest.locate import APPROXIMATE_NOTE
from curation.ingest.presets import mapping
from curation.ingest.presets.mapping import compile_mapping
from curation.traces.records import InvalidRecord

from .conftest import field_text, fixture_bytes, parse

CHUNKS = {
    "problem": "problem.problem",
    "text": "base_solution.solution",
    "answer": "base_solution.answer",
    "steps": "chunks_labeled[].chunk",
    "types": "chunks_labeled[].function_tags",
    "steps_field": "reasoning",
}


def to_trace(record: dict, spec: dict):
    return mapping.to_trace(record, {"mapping": spec})


def test_mapping_walks_dotted_paths_and_list_indexes():
    record = {"a": {"b": "problem"}, "messages": [{"content": "x"}, {"content": "the answer"}]}
    trace = to_trace(record, {"problem": "a.b", "response": "messages.1.content"})
    assert trace.problem == "problem" and trace.response == "the answer"


def test_mapping_text_is_split_at_think_tags():
    trace = to_trace({"t": "Q? <think>r</think>a"}, {"text": "t"})
    assert (trace.problem, trace.reasoning, trace.response) == ("Q?", "r", "a")


def test_mapping_steps_are_located_in_the_mapped_text_even_with_other_whitespace():
    _, items = parse(fixture_bytes("mapping_chunks.jsonl"), mapping=CHUNKS)
    trace = items[0][1]
    assert trace.reasoning == "Okay, so 6 times 7.\n\nThat is   42."
    assert [field_text(trace, s) for s in trace.steps] == ["Okay, so 6 times 7.", "That is   42."]
    assert [s.type for s in trace.steps] == ["problem_setup", "active_computation"]
    assert trace.response == "**42**" and trace.answer == "42"


def test_mapping_steps_without_a_mapped_field_are_joined():
    trace = to_trace(
        {"s": ["a", "b"], "r": [1, "-1"]}, {"steps": "s", "ratings": "r", "steps_joiner": "\n"}
    )
    assert trace.response == "a\nb" and [s.rating for s in trace.steps] == [1, -1]


def test_mapping_step_not_found_between_found_neighbours_gets_the_gap():
    trace = to_trace(
        {"t": "One. Two [...] three. Four.", "s": ["One.", "Two ... three.", "Four."]},
        {"response": "t", "steps": "s"},
    )
    assert field_text(trace, trace.steps[1]) == "Two [...] three."
    assert trace.steps[1].note == APPROXIMATE_NOTE


def test_mapping_steps_that_cannot_be_located_are_refused():
    with pytest.raises(InvalidRecord, match="2 of 3 steps are not found in the response"):
        to_trace({"t": "One.", "s": ["One.", "x", "y"]}, {"response": "t", "steps": "s"})


def test_mapping_missing_path_names_the_path():
    with pytest.raises(InvalidRecord, match="mapping 'problem': path 'question.text' not found"):
        to_trace({"question": {}, "r": "x"}, {"problem": "question.text", "response": "r"})


def test_mapping_alternative_paths_take_the_first_present():
    spec = {"problem": ["problem.problem", "scenario.user_prompt"], "response": "r"}
    assert to_trace({"scenario": {"user_prompt": "go"}, "r": "x"}, spec).problem == "go"


def test_mapping_optional_path_may_be_missing():
    assert to_trace({"r": "x"}, {"response": "r", "answer": "gold?"}).answer == ""


def test_mapping_path_to_a_non_string_is_refused():
    with pytest.raises(
        InvalidRecord, match="mapping 'response' must point to a string, got a list"
    ):
        to_trace({"r": ["x"]}, {"response": "r"})


def test_mapping_ratings_must_match_the_step_count():
    with pytest.raises(InvalidRecord, match="one value per step"):
        to_trace({"s": ["a", "b"], "r": [1]}, {"steps": "s", "ratings": "r"})


def test_mapping_source_paths_are_copied():
    trace = to_trace(
        {"r": "x", "meta": {"id": 7}}, {"response": "r", "source": ["meta.id", "nope?"]}
    )
    assert trace.source == {"meta.id": 7}


def test_mapping_with_unknown_keys_is_a_setup_error():
    with pytest.raises(ValueError, match="unknown mapping keys: answr"):
        compile_mapping({"response": "r", "answr": "a"})


def test_mapping_without_any_text_field_is_a_setup_error():
    with pytest.raises(ValueError, match="needs at least one of"):
        compile_mapping({"problem": "p"})
