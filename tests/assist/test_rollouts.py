"""Rollout labels: binary search over prefixes, Monte-Carlo estimates, cost estimate."""
from __future__ import annotations

import pytest

from curation.assist import (
    ROLLOUT, Prices, RolloutInput, estimate_rollout_cost, label_by_rollouts, prefixes_needed,
    search_first_error,
)

from .fake_openai import FakeOpenAI, Reply
from .helpers import run, run_async


def steps_with_error_at(n: int, error: int | None) -> list[str]:
    return [f"Step {i}: {'WRONG move' if i == error else 'fine move'}." for i in range(n)]


def policy(request: dict) -> Reply:
    """Three of four completions right from a clean prefix, none once the prefix is wrong."""
    prompt = request["messages"][0]["content"]
    if "WRONG" in prompt:
        return Reply(["so \\boxed{5}"] * 4)
    return Reply(["\\boxed{4}", "thus $\\boxed{\\frac{8}{2}}$", "\\boxed{4.0}", "I give up"])


@pytest.mark.parametrize("n, error", [(1, 0), (2, 1), (7, 0), (10, 6), (33, 32), (64, 20)])
def test_binary_search_finds_the_first_error_in_logarithmic_prefixes(n, error):
    asked = []

    async def is_good(k):
        asked.append(k)
        return k <= error

    assert run_async(search_first_error, n, is_good) == error
    assert len(asked) <= prefixes_needed(n)


def test_binary_search_reports_no_error_and_an_unsolvable_problem():
    async def always(k):
        return True

    async def never(k):
        return False

    assert run_async(search_first_error, 9, always) == -1
    assert run_async(search_first_error, 9, never) is None


def test_rollouts_label_the_steps_through_the_endpoint():
    item = RolloutInput(5, "What is 2+2?", steps_with_error_at(10, 6), "4")
    with FakeOpenAI(responder=policy) as fake:
        result, client = run(fake, lambda c: label_by_rollouts(c, item, samples=4))
    assert result.first_error == 6
    assert result.ratings == [1] * 6 + [-1] + [None] * 3
    assert len(fake.requests) <= prefixes_needed(10) and fake.requests[0]["n"] == 4
    assert result.estimates[0] == 0.75 and result.estimates[7] == 0.0
    assert result.step_estimates[6] == 0.0 and result.step_estimates.count(None) >= 10 - prefixes_needed(10)
    assert result.provenance.source == "rollouts" and result.provenance.confidence == 0.75
    assert result.provenance.prompt_version == ROLLOUT.version


def test_a_clean_trace_is_all_good_after_two_prefixes():
    item = RolloutInput(5, "What is 2+2?", steps_with_error_at(6, None), "4")
    with FakeOpenAI(responder=policy) as fake:
        result, _ = run(fake, lambda c: label_by_rollouts(c, item, samples=4))
    assert result.first_error == -1 and result.ratings == [1] * 6 and len(fake.requests) == 2


def test_a_policy_that_never_solves_the_problem_is_inconclusive():
    item = RolloutInput(5, "Hard", steps_with_error_at(4, None), "4")
    with FakeOpenAI(responder=lambda r: Reply(["\\boxed{7}"])) as fake:
        result, _ = run(fake, lambda c: label_by_rollouts(c, item, samples=2))
    assert result.discarded.startswith("inconclusive") and result.ratings == []


def test_cost_is_estimated_as_an_upper_bound_before_the_job():
    estimate = estimate_rollout_cost(
        [(500, 10), (200, 1)], samples=8, max_tokens=1000, template_tokens=100,
        prices=Prices(prompt_per_1k=1.0, completion_per_1k=2.0),
    )
    assert estimate.requests == 6 + 2
    assert estimate.prompt_tokens == 6 * 600 + 2 * 300
    assert estimate.completion_tokens == 8 * 8 * 1000
    assert estimate.cost == pytest.approx(4.2 + 128.0)
    repeated = estimate_rollout_cost([(500, 10)], samples=8, max_tokens=1000, use_n=False)
    assert repeated.requests == 48


def test_a_trace_without_steps_or_reference_answer_is_discarded_without_requests():
    with FakeOpenAI() as fake:
        empty, _ = run(fake, lambda c: label_by_rollouts(c, RolloutInput(1, "p", [], "4")))
        no_answer, _ = run(fake, lambda c: label_by_rollouts(c, RolloutInput(2, "p", ["a"], " ")))
    assert empty.discarded == no_answer.discarded == "format" and fake.requests == []
