"""A task's result for one trace, into rows: proposals, a rewrite, sections, or a discard.

Only what the core checked reaches here (``curation.assist`` discards the rest with a reason),
and every span is checked again against the text before a step is written: a model never
corrupts a segmentation. ``outcome_of`` says what a result is; ``save_result`` writes it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from curation.assist import (
    PROPOSE, ConsensusResult, CriticResult, Failed, RewriteResult, RolloutResult, SectionsResult,
)
from curation.assist import untrusted
from curation.models import (
    REWRITE_FIELD, AssistJob, AssistResult, Segmentation, Step, StepProposal,
    TraceRewrite,
)
from curation.services.assist.selection import Work

Outcome = AssistResult.Outcome
# Not a result of the trace: a resumed job asks again (the job stopped, or the endpoint failed
# after its retries).
RETRIED = (untrusted.CANCELLED, untrusted.ENDPOINT)
NOTHING_TO_ASK = "no-input: nothing to send (no steps, no text or no reference answer)"


@dataclass
class Saved:
    """What saving one result did, for the job's counters."""

    finished: bool  # False: the trace stays without a result (asked again on resume)
    discarded: str | None = None
    proposals: int = 0
    sample_discards: dict[str, int] = field(default_factory=dict)


def save_nothing_to_ask(job: AssistJob, work: Work) -> Saved:
    AssistResult.objects.create(job=job, trace=work.trace, outcome=Outcome.DISCARDED, reason="no-input")
    return Saved(True, "no-input")


def save_result(job: AssistJob, work: Work, result: Any) -> Saved:
    """Write one trace's result (in one transaction); never raises for what the model said."""
    reason = _discard_reason(result)
    if reason is not None:
        if reason.startswith(RETRIED):
            return Saved(False, reason, sample_discards=_sample_discards(result))
        AssistResult.objects.create(
            job=job, trace=work.trace, outcome=Outcome.DISCARDED, reason=reason[:200],
            output={"detail": str(getattr(result, "detail", ""))[:500]},
        )
        return Saved(True, reason, sample_discards=_sample_discards(result))
    try:
        with transaction.atomic():
            saved = _SAVERS[type(result)](job, work, result)
    except ValueError as error:  # a check above refused what the core let through: a bug
        return save_result(job, work, Failed(work.trace.pk, untrusted.INTERNAL, str(error)[:150]))
    saved.sample_discards = _sample_discards(result)
    return saved


def _discard_reason(result: Any) -> str | None:
    if isinstance(result, Failed):
        return f"{result.discarded}: {result.detail}"
    if isinstance(result, ConsensusResult):
        return None
    return getattr(result, "discarded", None)


def _sample_discards(result: Any) -> dict[str, int]:
    discards = getattr(result, "discards", None)
    return {f"sample {reason}": n for reason, n in discards.items()} if discards else {}


def _save_ratings(job: AssistJob, work: Work, result: CriticResult | RolloutResult) -> Saved:
    provenance = result.provenance
    estimates = getattr(result, "step_estimates", None)
    votes = [{"first_error": provenance.as_dict()["votes"]} if provenance.votes else {}
             for _ in work.steps]
    if estimates is not None:
        votes = [{"estimate": e} if e is not None else {} for e in estimates]
    count = _propose(job, work, result.ratings, provenance, votes)
    output = {"first_error": result.first_error, "confidence": provenance.confidence,
              "votes": provenance.as_dict()["votes"]}
    if estimates is not None:
        output["estimates"] = {str(k): v for k, v in sorted(result.estimates.items())}
    AssistResult.objects.create(job=job, trace=work.trace, outcome=Outcome.PROPOSED, output=output)
    return Saved(True, proposals=count)


def _save_consensus(job: AssistJob, work: Work, result: ConsensusResult) -> Saved:
    output = {"route": result.route, "reason": result.reason,
              "critic_first_error": result.critic_first_error,
              "rollout_first_error": result.rollout_first_error}
    if result.route != PROPOSE:
        AssistResult.objects.create(job=job, trace=work.trace, outcome=Outcome.PEOPLE, reason=result.reason, output=output)
        return Saved(True)
    votes = [{"first_error": result.provenance.as_dict()["votes"]} for _ in work.steps]
    count = _propose(job, work, list(result.ratings), result.provenance, votes)
    AssistResult.objects.create(job=job, trace=work.trace, outcome=Outcome.PROPOSED, output=output)
    return Saved(True, proposals=count)


def _propose(job, work: Work, ratings: list, provenance, votes: list[dict]) -> int:
    """Rating proposals on the judged segmentation's steps; this source's pending ones before
    them are superseded (decided ones stay: they are history)."""
    if len(ratings) != len(work.steps):  # the core answers per step: anything else is a bug
        raise ValueError(f"{len(ratings)} ratings for {len(work.steps)} steps")
    StepProposal.objects.filter(
        segmentation=work.target, source=provenance.source, kind=StepProposal.Kind.RATING,
        status=StepProposal.Status.PENDING,
    ).delete()
    rows = [
        StepProposal(
            segmentation=work.target, step_index=index, start=step.start, end=step.end,
            kind=StepProposal.Kind.RATING, value=str(rating), source=provenance.source,
            model_name=provenance.model[:400], prompt_version=provenance.prompt_version[:100],
            confidence=provenance.confidence, votes=vote, job=job,
        )
        for index, (step, rating, vote) in enumerate(zip(work.steps, ratings, votes))
        if rating is not None
    ]
    StepProposal.objects.bulk_create(rows)
    return len(rows)


def _save_rewrite(job: AssistJob, work: Work, result: RewriteResult) -> Saved:
    provenance = result.provenance
    rewrite = TraceRewrite.objects.create(
        trace=work.trace, text=result.text, job=job, model=provenance.model[:200],
        prompt_version=provenance.prompt_version,
    )
    _model_segmentation(work, REWRITE_FIELD, "solution", result.text,
                        [(s.start, s.end) for s in result.steps], rewrite=rewrite)
    output = {"rewrite": rewrite.pk, "steps": len(result.steps), "prompt_version": provenance.prompt_version}
    AssistResult.objects.create(job=job, trace=work.trace, outcome=Outcome.PROPOSED, output=output)
    return Saved(True)


def _save_sections(job: AssistJob, work: Work, result: SectionsResult) -> Saved:
    # An earlier model's sections of this trace are replaced; drafts people copied stay theirs.
    Segmentation.objects.filter(
        trace=work.trace, origin=Segmentation.Origin.MODEL, field="reasoning", strategy="sections",
    ).delete()
    _model_segmentation(work, "reasoning", "sections", work.trace.reasoning, result.spans)
    output = {"starts": result.starts, "sections": len(result.spans),
              "prompt_version": result.provenance.prompt_version}
    AssistResult.objects.create(job=job, trace=work.trace, outcome=Outcome.PROPOSED, output=output)
    return Saved(True)


def _model_segmentation(work: Work, field_name: str, strategy: str, text: str, spans, *, rewrite=None) -> Segmentation:
    _check_spans(text, spans)
    segmentation = Segmentation.objects.create(
        trace=work.trace, field=field_name, rewrite=rewrite, origin=Segmentation.Origin.MODEL,
        strategy=strategy, status=Segmentation.Status.SUBMITTED,
    )
    Step.objects.bulk_create(
        Step(segmentation=segmentation, position=i, start=start, end=end)
        for i, (start, end) in enumerate(spans)
    )
    return segmentation


def _check_spans(text: str, spans) -> None:
    """In order, not empty, inside the text: the invariants every segmentation keeps."""
    previous = 0
    for start, end in spans:
        if not (previous <= start < end <= len(text)):
            raise ValueError(f"span [{start}, {end}) breaks the segmentation's invariants")
        previous = end
    if not spans:
        raise ValueError("no steps")


_SAVERS = {
    CriticResult: _save_ratings,
    RolloutResult: _save_ratings,
    ConsensusResult: _save_consensus,
    RewriteResult: _save_rewrite,
    SectionsResult: _save_sections,
}
