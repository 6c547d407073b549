"""The srl format: one row per step k, problem + expert steps before k -> step k."""
from __future__ import annotations

from curation.export.formats.srl import srl_rows
from curation.export.options import BuildOptions
from curation.export.prompts import AGENT_SYSTEM_PROMPT, SRL_SYSTEM_PROMPT
from tests.factories import HOSTILE, agent_trace, solution_trace, text_trace


def user_text(row: dict) -> str:
    return row["prompt"][1]["content"]


def test_every_step_is_a_target_with_its_index_and_the_step_count():
    rows = list(srl_rows(solution_trace()))
    assert [(r["step_index"], r["num_steps"]) for r in rows] == [(1, 3), (2, 3), (3, 3)]
    assert rows[1]["expert_step"] == "2. **Isolate x** Subtract 1 from both sides: x = 2."


def test_step_titles_come_from_the_numbered_bold_form():
    rows = list(srl_rows(solution_trace()))
    assert [r["step_title"] for r in rows] == ["Read the equation", "Isolate x", "Answer"]


def test_a_step_without_the_numbered_bold_form_has_no_title():
    rows = list(srl_rows(text_trace(["First we add.", "Then we stop."])))
    assert [r["step_title"] for r in rows] == [None, None]


def test_prompt_is_system_then_user_with_the_papers_system_prompt():
    row = next(srl_rows(solution_trace()))
    assert [m["role"] for m in row["prompt"]] == ["system", "user"]
    assert row["prompt"][0]["content"] == SRL_SYSTEM_PROMPT
    assert SRL_SYSTEM_PROMPT.startswith("You are a helpful assistant for solving mathematical")


def test_system_prompt_is_an_option():
    row = next(srl_rows(solution_trace(), BuildOptions(system_prompt="Be brief.")))
    assert row["prompt"][0]["content"] == "Be brief."


def test_user_message_holds_the_problem_and_exactly_the_steps_before_k():
    rows = list(srl_rows(solution_trace()))
    first, third = user_text(rows[0]), user_text(rows[2])
    assert first == "Question: Solve x + 1 = 3.\n\nSOLUTION:"
    assert "1. **Read the equation**" in third and "2. **Isolate x**" in third
    assert "3. **Answer**" not in third


def test_context_without_its_own_label_is_labelled_solution():
    rows = list(srl_rows(text_trace(["First we add.", "Then we stop."], preamble="")))
    assert user_text(rows[0]) == "Question: Solve x + 1 = 3."
    assert user_text(rows[1]) == "Question: Solve x + 1 = 3.\n\nSolution:\nFirst we add."


def test_title_hint_ends_the_prompt_and_the_target_is_the_rest_of_the_step():
    rows = list(srl_rows(solution_trace(), BuildOptions(next_step_title_hint=True)))
    assert user_text(rows[1]).endswith("We have x + 1 = 3.\n\n2. **Isolate x**")
    assert rows[1]["expert_step"] == "Subtract 1 from both sides: x = 2."
    assert rows[1]["step_title"] == "Isolate x"


def test_ids_trace_back_to_trace_segmentation_step_and_version():
    row = list(srl_rows(solution_trace(trace_id=5), BuildOptions(version=4)))[1]
    assert (row["trace_id"], row["segmentation_id"], row["revision"]) == (5, 15, 3)
    assert (row["step_index"], row["version"]) == (2, 4)


def test_columns_match_the_parquet_schema_in_order():
    from curation.export.formats.srl import SCHEMA

    assert list(next(srl_rows(solution_trace()))) == SCHEMA.names


def test_hostile_text_survives_verbatim():
    rows = list(srl_rows(text_trace([HOSTILE, "ok"], problem=HOSTILE, preamble="")))
    assert rows[0]["expert_step"] == HOSTILE.strip()
    assert HOSTILE in user_text(rows[0]) and HOSTILE.strip() in user_text(rows[1])


def test_agent_context_is_the_task_and_the_last_two_actions_with_observations():
    rows = list(srl_rows(agent_trace(n_actions=4)))
    fourth = user_text(rows[3])
    assert rows[3]["prompt"][0]["content"] == AGENT_SYSTEM_PROMPT
    assert fourth.startswith("Task: Fix the failing test.\n\nRecent actions and observations:")
    assert "[action]\nrun cmd2\n[observation]\noutput 2" in fourth and "output 3" in fourth
    assert "cmd1" not in fourth and "passes" not in fourth


def test_agent_target_is_the_command_without_thought_or_observation():
    rows = list(srl_rows(agent_trace(n_actions=2)))
    assert rows[0]["expert_step"] == "[action]\nrun cmd1"
    assert user_text(rows[0]) == "Task: Fix the failing test."


def test_agent_turn_without_a_call_targets_the_assistants_words():
    rows = list(srl_rows(agent_trace(n_actions=2)))
    assert rows[1]["expert_step"] == "The test passes now."


def test_a_title_given_by_the_segmentation_is_hinted_in_the_papers_form():
    trace = text_trace(["First we add.", "Then we stop."], preamble="")
    trace.steps[1] = trace.steps[1]._replace(title="Stop")
    rows = list(srl_rows(trace, BuildOptions(next_step_title_hint=True)))
    assert user_text(rows[1]).endswith("First we add.\n\n2. **Stop**")
    assert rows[1]["expert_step"] == "Then we stop."
    assert user_text(rows[0]) == "Question: Solve x + 1 = 3."  # no title, no hint
