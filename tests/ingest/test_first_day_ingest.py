"""Issue 13, the data lead's first import: unsupported files, wrong types, empty problems, auto
detection over the built-in and saved mappings."""

from __future__ import annotations

import io
import json
import random

import pytest

from curation.ingest.known_mappings import KNOWN_MAPPINGS
from curation.ingest.pipeline import parse_stream, preview

from .conftest import errors_of, parse


def jsonl(*rows) -> bytes:
    return b"".join(json.dumps(row).encode() + b"\n" for row in rows)


def random_bytes(seed: int, size: int = 4096) -> bytes:
    rng = random.Random(seed)
    return bytes(rng.randrange(256) for _ in range(size))


@pytest.mark.parametrize("seed", range(8))
def test_a_random_binary_file_is_named_unsupported_before_any_import(seed):
    result = preview(io.BytesIO(random_bytes(seed)), name="upload.bin")
    assert result.preset == ""
    assert result.unsupported and "not a supported container" in result.unsupported


def test_binary_with_a_short_text_first_line_is_still_unsupported():
    data = b"ok\n" + random_bytes(1)  # the first line alone would pass for a CSV header
    result = preview(io.BytesIO(data), name="upload.bin")
    assert result.unsupported and result.preset == ""


def test_a_readable_file_with_a_few_bad_lines_is_not_unsupported():
    data = jsonl({"problem": "p", "steps": ["a"], "label": -1}) + b"\xff\xfe garbage\n"
    result = preview(io.BytesIO(data))
    assert result.unsupported is None and result.preset == "processbench"


def test_a_text_field_of_the_wrong_type_is_named_with_its_type():
    _, items = parse(jsonl({"problem": 5, "full_response": 7}), preset="generation")
    assert errors_of(items) == [(1, "field 'full_response' must be a string, got a number")]


def test_auto_reports_the_wrong_type_instead_of_no_preset():
    preset, items = parse(jsonl({"problem": 5, "full_response": 7}))
    assert preset == "generation"
    assert errors_of(items) == [(1, "field 'full_response' must be a string, got a number")]


def test_an_empty_problem_is_reported_per_record():
    data = jsonl(
        {"problem": "", "full_response": "<think>a</think>b"},
        {"problem": "fine", "full_response": "<think>a</think>b"},
    )
    _, items = parse(data)
    assert errors_of(items) == [(1, "field 'problem' is empty")]


def test_a_mapping_without_a_problem_path_may_have_no_problem():
    mapping = {"steps": "chunks[].text", "steps_field": "reasoning", "steps_joiner": " "}
    _, items = parse(jsonl({"chunks": [{"text": "a"}, {"text": "b"}]}), mapping=mapping)
    assert errors_of(items) == []


CHUNKED = {
    "_source_dir": "math/problem_1",
    "problem": {"problem": "What is 1+1?"},
    "base_solution": {"prompt": "What is 1+1?", "solution": "One and one. Two.</think>2"},
    "chunks_labeled": [
        {"chunk": "One and one.", "function_tags": ["plan"]},
        {"chunk": "Two.", "function_tags": ["result"]},
    ],
}


def test_auto_tries_the_built_in_mappings_and_names_the_one_it_chose():
    parsed = parse_stream(io.BytesIO(jsonl(CHUNKED)), mappings=KNOWN_MAPPINGS)
    assert (parsed.preset, parsed.mapping_name) == ("mapping", "thought_anchors_chunked")
    assert [len(item.steps) for _, item in parsed] == [2]


def test_auto_tries_a_saved_mapping():
    saved = {"mine": {"problem": "q", "response": "a.text"}}
    parsed = parse_stream(io.BytesIO(jsonl({"q": "x", "a": {"text": "y"}})), mappings=saved)
    assert (parsed.preset, parsed.mapping_name) == ("mapping", "mine")


def test_without_mappings_auto_still_says_no_preset_matches():
    preset, items = parse(jsonl(CHUNKED))
    assert preset == "" and "no preset matches" in errors_of(items)[0][1]


def test_a_preset_still_wins_over_a_mapping_that_carries_no_steps():
    saved = {"mine": {"problem": "problem", "text": "full_response"}}
    row = {"problem": "p", "full_response": "<think>a</think>b"}
    parsed = parse_stream(io.BytesIO(jsonl(row)), mappings=saved)
    assert (parsed.preset, parsed.mapping_name) == ("generation", "")


def test_an_empty_problem_is_refused_by_a_preset_that_requires_one():
    row = {"problem": " ", "steps": ["a"], "label": -1}
    _, items = parse(jsonl(row), preset="processbench")
    assert errors_of(items) == [(1, "the problem is empty")]
