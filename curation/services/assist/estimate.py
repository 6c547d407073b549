"""What a job will spend at most, shown before it starts (and kept in the job's parameters).

Sizes come from the database without reading the texts (lengths and step counts in SQL); tokens
are estimated at four characters each. Rollouts use the core's ``estimate_rollout_cost``.
"""
from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce, Length

from curation.assist import CostEstimate, Prices, estimate_rollout_cost
from curation.models import AssistJob, ModelEndpoint, Segmentation, Step, Trace

Task = AssistJob.Task
CHARS_PER_TOKEN = 4
TEMPLATE_TOKENS = 200
_BATCH = 2000


def estimate_cost(task: str, trace_ids: Sequence[int], params: dict, endpoint: ModelEndpoint) -> CostEstimate:
    """An upper bound on requests, tokens and cost for ``task`` over the traces."""
    prices = Prices(float(endpoint.prompt_price_per_1k), float(endpoint.completion_price_per_1k))
    sizes = list(_sizes(task, trace_ids))
    samples, max_tokens = params["samples"], params["max_tokens"]
    rollouts = estimate_rollout_cost(sizes, samples=samples, max_tokens=max_tokens,
                                     use_n=endpoint.use_n, prices=prices)
    if task == Task.ROLLOUTS:
        return rollouts
    sampled = samples if task in (Task.CRITIC, Task.CONSENSUS) else 1
    calls = 1 if endpoint.use_n or sampled == 1 else sampled
    prompt = sum(calls * (tokens + TEMPLATE_TOKENS) for tokens, _ in sizes)
    completion = len(sizes) * sampled * max_tokens
    single = CostEstimate(len(sizes), len(sizes) * calls, prompt, completion,
                          round(prices.cost(prompt, completion), 6))
    if task != Task.CONSENSUS:
        return single
    return CostEstimate(
        single.traces, single.requests + rollouts.requests,
        single.prompt_tokens + rollouts.prompt_tokens,
        single.completion_tokens + rollouts.completion_tokens, round(single.cost + rollouts.cost, 6),
    )


def _sizes(task: str, trace_ids: Sequence[int]):
    """(prompt tokens, steps) per trace, a batch of traces per query."""
    text = {Task.SECTIONS: "reasoning"}.get(task, "response")
    steps = (
        Step.objects.filter(segmentation__trace=OuterRef("pk"), segmentation__origin__in=[
            Segmentation.Origin.AUTO, Segmentation.Origin.IMPORTED, Segmentation.Origin.MODEL])
        .order_by().values("segmentation__trace").annotate(n=Count("pk")).values("n")[:1]
    )
    for i in range(0, len(trace_ids), _BATCH):
        rows = (
            Trace.objects.filter(pk__in=trace_ids[i : i + _BATCH])
            .annotate(chars=Length("problem") + Length(text),
                      steps=Coalesce(Subquery(steps, output_field=IntegerField()), Value(1)))
            .values_list("chars", "steps")
        )
        for chars, n_steps in rows:
            yield (chars + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN, max(1, n_steps)
