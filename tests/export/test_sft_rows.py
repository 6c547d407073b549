"""The sft format: user problem -> assistant <think>reasoning</think> + response."""
from __future__ import annotations

from curation.export.formats.sft import SCHEMA, sft_rows
from tests.factories import HOSTILE, solution_trace


def test_messages_are_user_problem_then_assistant_think_and_response():
    trace = solution_trace(reasoning="  Subtract one.  ")
    (row,) = sft_rows(trace)
    user, assistant = row["messages"]
    assert user == {"role": "user", "content": "Solve x + 1 = 3."}
    assert assistant["role"] == "assistant"
    assert assistant["content"] == f"<think>\nSubtract one.\n</think>\n\n{trace.response}"


def test_a_trace_without_reasoning_keeps_an_empty_think_block():
    (row,) = sft_rows(solution_trace(reasoning=""))
    assert row["messages"][1]["content"].startswith("<think>\n\n</think>\n\n")


def test_hostile_text_survives_verbatim():
    (row,) = sft_rows(solution_trace(problem=HOSTILE))
    assert row["messages"][0]["content"] == HOSTILE


def test_columns_match_the_parquet_schema_in_order():
    assert list(next(sft_rows(solution_trace()))) == SCHEMA.names
