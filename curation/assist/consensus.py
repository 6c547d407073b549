"""Consensus of the critic and the rollouts (the Qwen PRM lesson: keep labels both agree on).

Agreement on the first error (or on "no error") is proposed with high confidence; any
disagreement, or a side without a result, sends the trace to people first with both views kept.
"""
from __future__ import annotations

from dataclasses import dataclass

from .critic import CriticResult
from .provenance import CONSENSUS, Provenance, first_error_ratings
from .rollouts import RolloutResult

PROPOSE, PEOPLE = "propose", "people"


@dataclass(frozen=True)
class ConsensusResult:
    trace_id: int | str
    route: str  # PROPOSE: a proposal to review; PEOPLE: label it by hand first
    reason: str
    first_error: int | None = None
    ratings: tuple[int | None, ...] = ()
    provenance: Provenance | None = None
    critic_first_error: int | None = None
    rollout_first_error: int | None = None


def combine(critic: CriticResult, rollouts: RolloutResult, n_steps: int) -> ConsensusResult:
    """One trace's consensus; both results must be for the same trace and steps."""
    views = {"critic_first_error": critic.first_error, "rollout_first_error": rollouts.first_error}
    if critic.discarded or rollouts.discarded or critic.provenance is None or rollouts.provenance is None:
        missing = "critic" if critic.discarded or critic.provenance is None else "rollouts"
        return ConsensusResult(critic.trace_id, PEOPLE, f"no {missing} result", **views)
    if critic.first_error != rollouts.first_error:
        return ConsensusResult(critic.trace_id, PEOPLE, "critic and rollouts disagree", **views)
    provenance = Provenance(
        CONSENSUS, "consensus",
        f"{critic.provenance.model} + {rollouts.provenance.model}",
        f"critic:{critic.provenance.prompt_version} rollout:{rollouts.provenance.prompt_version}",
        round(max(critic.provenance.confidence, rollouts.provenance.confidence, 0.9), 4),
        critic.provenance.votes,
    )
    ratings = tuple(first_error_ratings(critic.first_error, n_steps))
    return ConsensusResult(
        critic.trace_id, PROPOSE, "critic and rollouts agree", critic.first_error, ratings,
        provenance, **views,
    )
