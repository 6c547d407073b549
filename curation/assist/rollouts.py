"""Rollout labels: Math-Shepherd's Monte-Carlo estimate, OmegaPRM's binary search.

For a prefix of ``k`` steps, a policy endpoint writes ``samples`` completions; the share whose
final answer equals the reference (``answers.equivalent``, math-verify) is the prefix's
Monte-Carlo estimate. A prefix is good when that share reaches ``good_share`` (and at least one
completion is right). Assuming an error, once made, is never repaired, the first bad prefix is
found by binary search: ``2 + ceil(log2 n)`` prefixes rolled out instead of ``n``.
"""
from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from . import answers, untrusted
from .client import Cancelled, ChatClient, ChatError
from .prompts import ROLLOUT, PromptTemplate
from .provenance import ROLLOUTS, Provenance, first_error_ratings
from .usage import Prices

INCONCLUSIVE = "inconclusive: the policy never reaches the answer from the problem alone"


@dataclass(frozen=True)
class RolloutInput:
    trace_id: int | str
    problem: str
    steps: list[str]
    reference_answer: str


@dataclass
class RolloutResult:
    """The first error (-1: none), ratings, and the estimate of every prefix rolled out.

    ``estimates[k]`` is the share of completions from the first ``k`` steps that reached the
    answer; ``step_estimates[i]`` the same for the prefix ending with step ``i`` (None when
    the search did not roll it out).
    """

    trace_id: int | str
    first_error: int | None = None
    ratings: list[int | None] = field(default_factory=list)
    estimates: dict[int, float] = field(default_factory=dict)
    step_estimates: list[float | None] = field(default_factory=list)
    provenance: Provenance | None = None
    discarded: str | None = None


async def search_first_error(n_steps: int, is_good: Callable[[int], Awaitable[bool]]) -> int | None:
    """The first wrong step (0-based) by binary search over prefixes; -1 when the whole
    solution is good; None when even the empty prefix (the problem alone) is bad."""
    if not await is_good(0):
        return None
    if await is_good(n_steps):
        return -1
    good, bad = 0, n_steps
    while bad - good > 1:
        middle = (good + bad) // 2
        if await is_good(middle):
            good = middle
        else:
            bad = middle
    return bad - 1


def prefixes_needed(n_steps: int) -> int:
    """The most prefixes ``search_first_error`` rolls out for ``n_steps`` steps."""
    return 2 + (math.ceil(math.log2(n_steps)) if n_steps > 1 else 0)


def prefix_text(steps: list[str], k: int) -> str:
    return "\n\n".join(steps[:k]) if k else "(nothing yet: start from the beginning)"


async def label_by_rollouts(
    client: ChatClient, item: RolloutInput, *, samples: int = 8, good_share: float = 0.0,
    template: PromptTemplate = ROLLOUT, temperature: float | None = 0.7, max_tokens: int | None = None,
) -> RolloutResult:
    """Roll out ``item``'s prefixes as the binary search asks and label its steps."""
    result = RolloutResult(item.trace_id, step_estimates=[None] * len(item.steps))
    if not item.steps or not item.reference_answer.strip():
        result.discarded = untrusted.FORMAT  # nothing to search, or nothing to check against
        return result

    async def is_good(k: int) -> bool:
        choices = await client.complete(
            template.messages(problem=item.problem, prefix=prefix_text(item.steps, k)),
            n=samples, temperature=temperature, max_tokens=max_tokens,
        )
        share = _share_correct([c.text for c in choices], item.reference_answer, samples)
        result.estimates[k] = share
        if k:
            result.step_estimates[k - 1] = share
        return share > 0 and share >= good_share

    try:
        first_error = await search_first_error(len(item.steps), is_good)
    except ChatError as error:
        result.discarded = f"{untrusted.ENDPOINT}: {error.category}"
        return result
    except Cancelled:
        result.discarded = untrusted.CANCELLED
        return result
    return _finish(result, first_error, client.config.model, template.version)


def _share_correct(texts: list[str], reference: str, samples: int) -> float:
    # A completion without a readable answer counts as wrong: the policy's failure, not ours.
    right = sum(1 for text in texts if _reaches(text, reference))
    return right / max(samples, len(texts), 1)


def _reaches(text: str, reference: str) -> bool:
    answer = answers.final_answer(text)
    return answer is not None and answers.equivalent(answer, reference)


def _finish(result: RolloutResult, first_error: int | None, model: str, version: str) -> RolloutResult:
    if first_error is None:
        result.discarded = INCONCLUSIVE
        return result
    n = len(result.step_estimates)
    result.first_error, result.ratings = first_error, first_error_ratings(first_error, n)
    if first_error < 0:
        confidence = result.estimates.get(n, 0.0)
    else:  # how sharply the estimate drops at the error
        confidence = _last_good_share(result.estimates, first_error) - result.estimates[first_error + 1]
    result.provenance = Provenance(ROLLOUTS, "rollouts", model, version, round(confidence, 4))
    return result


def _last_good_share(estimates: dict[int, float], first_error: int) -> float:
    return max((k, share) for k, share in estimates.items() if k <= first_error)[1]


@dataclass(frozen=True)
class CostEstimate:
    """An upper bound on what a rollout job will spend, shown before it starts."""

    traces: int
    requests: int
    prompt_tokens: int
    completion_tokens: int
    cost: float


def estimate_rollout_cost(
    traces: Iterable[tuple[int, int]], *, samples: int, max_tokens: int, use_n: bool = True,
    template_tokens: int = 80, prices: Prices = Prices(),
) -> CostEstimate:
    """Upper bounds from ``(prompt_tokens, n_steps)`` per trace (problem plus all its steps).

    Every prefix is priced as if it held all the steps, and every completion as if it used
    ``max_tokens``: the job costs at most this much.
    """
    count = requests = prompt = completion = 0
    for tokens, n_steps in traces:
        prefixes = prefixes_needed(n_steps)
        calls = prefixes if use_n else prefixes * samples
        count, requests = count + 1, requests + calls
        prompt += calls * (tokens + template_tokens)
        completion += prefixes * samples * max_tokens
    return CostEstimate(count, requests, prompt, completion, round(prices.cost(prompt, completion), 6))
