"""Structured decoding of boundary probabilities: the DP finds the best cut set, an old model
file (no length prior) still loads and cuts by its threshold."""
from __future__ import annotations

import itertools
import json

import numpy as np

import pytest

from curation.segment import segment_text
from curation.segment.boundary_decoding import (
    BINS, FLOOR, LengthPrior, decode, fit_length_prior, length_bins, step_lengths,
)
from curation.segment.learned import BoundaryModel, ModelFileError

from .learned_data import synthetic_examples, synthetic_model


def brute_force(gain, positions, total, prior):
    """The best cut set by trying every subset (the objective ``decode`` maximises)."""
    best, best_cut = -np.inf, None
    for chosen in itertools.product([False, True], repeat=len(gain)):
        cut = np.array(chosen, dtype=bool)
        score = gain[cut].sum() + prior.scores(step_lengths(positions, total, cut)).sum()
        if score > best + 1e-12:
            best, best_cut = score, cut
    return best_cut


def a_prior_of_steps_about(length: int, weight: float, bias: float = 0.0) -> LengthPrior:
    return fit_length_prior(np.full(50, length)).with_weights(weight, bias)


def test_the_prior_overrules_weak_evidence_to_keep_steps_the_usual_length():
    # Steps are usually 10 pre-tokens; candidates every 5. Thresholding cuts at every slightly
    # positive candidate (steps of 5); the DP keeps the usual length and takes the cuts at
    # 10 and 20 even though one of them is slightly below the threshold.
    positions = np.array([5.0, 10.0, 15.0, 20.0, 25.0])
    gain = np.array([0.2, -0.1, 0.2, 0.3, 0.2])
    prior = a_prior_of_steps_about(10, weight=1.0)
    assert (gain >= 0).tolist() == [True, False, True, True, True]
    assert decode(gain, positions, 30.0, prior).tolist() == [False, True, False, True, False]
    assert decode(gain, positions, 30.0, prior).tolist() == brute_force(gain, positions, 30.0, prior).tolist()


def test_without_weight_or_bias_the_decoder_is_the_threshold():
    rng = np.random.default_rng(0)
    gain = rng.normal(size=40)
    positions = np.cumsum(rng.integers(1, 9, size=40)).astype(float)
    inactive = a_prior_of_steps_about(12, weight=0.0)
    assert not inactive.active
    assert decode(gain, positions, positions[-1] + 3, inactive).tolist() == (gain >= 0).tolist()


@pytest.mark.parametrize("seed", range(30))
def test_the_dp_finds_the_optimal_cut_set(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 11))
    gain = rng.normal(scale=float(rng.choice([0.5, 2.0, 6.0])), size=n)
    positions = np.cumsum(rng.integers(1, 30, size=n)).astype(float)
    total = positions[-1] + float(rng.integers(1, 30))
    lengths = rng.integers(1, 200, size=int(rng.integers(1, 30)))
    prior = fit_length_prior(lengths).with_weights(float(rng.choice([0.25, 0.5, 1.0, 2.0])),
                                                  float(rng.choice([-1.0, 0.0, 1.0])))
    found = decode(gain, positions, total, prior)
    best = brute_force(gain, positions, total, prior)
    score = lambda cut: gain[cut].sum() + prior.scores(step_lengths(positions, total, cut)).sum()
    assert score(found) == pytest.approx(score(best))


def test_a_step_longer_than_the_window_gets_the_floor_prior_and_the_dp_stays_linear():
    # 2,000 candidates, none worth a cut: the look-back is bounded, the answer is no cut.
    positions = np.arange(1, 2001, dtype=float)
    prior = a_prior_of_steps_about(3, weight=1.0)
    cut = decode(np.full(2000, -0.5), positions, 2001.0, prior, window=16)
    assert not cut.any()


def test_the_prior_is_a_clipped_log_histogram():
    prior = fit_length_prior(np.array([10] * 200 + [11] * 40 + [300] * 5))
    assert len(prior.log_prior) == BINS
    assert max(prior.log_prior) == 0.0 and min(prior.log_prior) == -FLOOR
    assert prior.log_prior[length_bins(np.array([10]))[0]] == 0.0
    assert prior.log_prior[length_bins(np.array([300]))[0]] > -FLOOR
    assert LengthPrior.from_dict(prior.to_dict()) == prior


def test_a_model_with_an_active_prior_round_trips_and_cuts_with_it(tmp_path):
    model = synthetic_model()
    with_prior = BoundaryModel(model.booster, model.vocabulary, model.threshold, model.training,
                               a_prior_of_steps_about(12, weight=1.0, bias=-1.0))
    loaded = BoundaryModel.load(with_prior.save(tmp_path / "prior.json"))
    assert loaded.length_prior == with_prior.length_prior
    for text, _ in synthetic_examples(5, seed=21):
        assert loaded.cuts(text) == with_prior.cuts(text)
        assert segment_text(text, "learned", {"model": str(tmp_path / "prior.json")}) == segment_text(
            text, "learned", {"model": with_prior})


def test_an_old_model_file_without_a_prior_loads_and_cuts_by_its_threshold(tmp_path):
    model = synthetic_model()
    payload = json.loads(model.to_json())
    payload.pop("length_prior", None)  # as files were written before the decoder
    path = tmp_path / "old.json"
    path.write_text(json.dumps(payload))
    old = BoundaryModel.load(path)
    assert old.length_prior is None
    for text, _ in synthetic_examples(5, seed=22):
        scores = old.score_cuts(text)
        by_threshold = scores.positions[scores.probabilities >= old.threshold].tolist()
        assert old.cuts(text) == by_threshold
        steps = segment_text(text, "learned", {"model": str(path)})
        assert [s.start for s in steps][1:] == by_threshold


def test_a_damaged_length_prior_is_refused(tmp_path):
    payload = json.loads(synthetic_model().to_json())
    payload["length_prior"] = {"log_prior": [0.0] * 3, "weight": 1.0, "bias": 0.0}
    with pytest.raises(ModelFileError, match="length prior"):
        BoundaryModel.from_json(json.dumps(payload))
