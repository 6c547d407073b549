"""Consensus: agreement proposes with high confidence, disagreement goes to people."""
from __future__ import annotations

from curation.assist import PEOPLE, PROPOSE, CriticResult, Provenance, RolloutResult, combine


def critic(first_error, confidence=0.6):
    prov = Provenance("model", "critic", "judge", "aaa", confidence, {first_error: 3})
    return CriticResult(1, first_error, [], prov)


def rollouts(first_error, confidence=0.5):
    return RolloutResult(1, first_error, provenance=Provenance("rollouts", "rollouts", "policy", "bbb", confidence))


def test_agreement_is_proposed_with_high_confidence_and_both_sources():
    result = combine(critic(2), rollouts(2), 4)
    assert result.route == PROPOSE and result.ratings == (1, 1, -1, None)
    assert result.provenance.source == "consensus" and result.provenance.confidence >= 0.9
    assert result.provenance.model == "judge + policy"
    assert result.provenance.prompt_version == "critic:aaa rollout:bbb"


def test_agreement_on_no_error_rates_everything_good():
    assert combine(critic(-1), rollouts(-1), 3).ratings == (1, 1, 1)


def test_disagreement_goes_to_people_with_both_views():
    result = combine(critic(1), rollouts(3), 5)
    assert result.route == PEOPLE and result.ratings == () and result.provenance is None
    assert (result.critic_first_error, result.rollout_first_error) == (1, 3)


def test_a_missing_side_goes_to_people():
    failed = RolloutResult(1, discarded="endpoint-error: timeout")
    assert combine(critic(1), failed, 3).reason == "no rollouts result"
