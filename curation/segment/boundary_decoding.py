"""Structured decoding of a boundary model's probabilities: a step-length prior and a DP.

Thresholding decides each candidate on its own. A project's steps also have a usual length (a
team that cuts long reasoning into sections of a few hundred tokens, another that cuts every
sentence), so the decoder picks the set of cuts that maximises

    sum over chosen cuts of (logit(p) - logit(threshold))
    + sum over the steps they make of (weight * log_prior(step length in pre-tokens) + bias)

by dynamic programming over the candidates. ``log_prior`` is a histogram of log2 step lengths
learned from the training steps, scaled so that its most frequent bin is 0 and clipped at
``-FLOOR`` (a length never seen costs at most that much: people's steps vary). With weight 0
and bias 0 the decoder makes exactly the threshold's cuts; ``weight`` and ``bias`` are chosen
on out-of-fold probabilities of the training texts, so a project whose steps have no steady
length keeps weight 0.

Cost: O(candidates x window). Candidates whose log-odds can never pay for a cut (or always
do) are decided before the DP by a bound on what the prior can add (exact, see ``decide``);
each remaining one looks back only over the candidates within the longest length the prior
tells apart from the floor (``window`` at most), and beyond that at the best score so far (every
longer step has the floor's prior, so this is exact).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

BIN_WIDTH = 0.5  # of log2(length in pre-tokens + 1)
BINS = 34  # up to 2**17 pre-tokens; longer steps fall in the last bin
FLOOR = 4.0  # the least log prior of a step length (natural log, below the most frequent)
SMOOTHING = 0.5  # added to every bin's count
WINDOW = 256  # the most candidates one step may span before it gets the floor's prior
WEIGHTS = (0.0, 0.25, 0.5, 1.0)
BIASES = (-1.0, -0.5, 0.0, 0.5, 1.0)


@dataclass(frozen=True, slots=True)
class LengthPrior:
    """Log prior of a step's length (by bin of log2 pre-tokens), and how much it counts."""

    log_prior: tuple[float, ...]  # BINS values in [-FLOOR, 0]
    weight: float = 0.0
    bias: float = 0.0

    @property
    def active(self) -> bool:
        """Whether decoding differs from thresholding at all."""
        return bool(self.weight or self.bias)

    def scores(self, lengths: np.ndarray) -> np.ndarray:
        """``weight * log_prior(length) + bias`` for step lengths in pre-tokens."""
        table = np.asarray(self.log_prior)
        return self.weight * table[length_bins(lengths)] + self.bias

    def reach(self) -> float:
        """Pre-tokens beyond which every length has the floor's prior (the DP's look-back)."""
        above = np.flatnonzero(np.asarray(self.log_prior) > -FLOOR)
        if not len(above):
            return 0.0
        return 2 ** ((int(above[-1]) + 1) * BIN_WIDTH) - 1

    def with_weights(self, weight: float, bias: float) -> LengthPrior:
        return LengthPrior(self.log_prior, weight, bias)

    def to_dict(self) -> dict[str, Any]:
        return {"log_prior": list(self.log_prior), "weight": self.weight, "bias": self.bias}

    @classmethod
    def from_dict(cls, data: Any) -> LengthPrior:
        """The prior saved by ``to_dict``; ValueError when it is not one."""
        if not isinstance(data, dict):
            raise ValueError("the length prior is not an object")
        table, weight, bias = data.get("log_prior"), data.get("weight"), data.get("bias")
        if not isinstance(table, list) or len(table) != BINS:
            raise ValueError(f"the length prior needs {BINS} values")
        numbers = [*table, weight, bias]
        if not all(isinstance(v, (int, float)) and math.isfinite(v) for v in numbers):
            raise ValueError("the length prior holds something other than finite numbers")
        if not all(-FLOOR <= v <= 0 for v in table) or weight < 0:
            raise ValueError("the length prior is out of range")
        return cls(tuple(float(v) for v in table), float(weight), float(bias))


def length_bins(lengths: np.ndarray) -> np.ndarray:
    x = np.log2(np.maximum(np.asarray(lengths, dtype=np.float64), 0.0) + 1.0) / BIN_WIDTH
    return np.minimum(x.astype(np.int64), BINS - 1)


def fit_length_prior(lengths: np.ndarray) -> LengthPrior:
    """The histogram prior of these step lengths (weight 0: not switched on yet)."""
    counts = np.bincount(length_bins(lengths), minlength=BINS)[:BINS] + SMOOTHING
    log_prior = np.log(counts / counts.max())
    return LengthPrior(tuple(np.maximum(log_prior, -FLOOR).round(4).tolist()))


def step_lengths(positions: np.ndarray, total: float, cut: np.ndarray) -> np.ndarray:
    """Lengths in pre-tokens of the steps that cutting at ``positions[cut]`` makes."""
    bounds = np.concatenate([[0.0], np.asarray(positions, dtype=np.float64)[cut], [total]])
    return np.diff(bounds)


def decide(gain: np.ndarray, prior: LengthPrior) -> tuple[np.ndarray, np.ndarray]:
    """Candidates the prior cannot overturn: (never cut, always cut).

    Adding a cut inside a step splits it in two: the score changes by ``gain + bias + weight *
    (a + b - c)``, the log priors of the two new steps less the old one's, each in [-FLOOR, 0],
    so by between ``gain + bias - 2 * weight * FLOOR`` and ``gain + bias + weight * FLOOR``
    whatever the other cuts. A candidate whose upper bound is negative is in no optimal cut
    set (removing it always gains); one whose lower bound is positive is in every one."""
    never = gain + prior.bias + prior.weight * FLOOR < 0
    always = gain + prior.bias - 2 * prior.weight * FLOOR > 0
    return never, always


def decode(gain: np.ndarray, positions: np.ndarray, total: float, prior: LengthPrior,
           window: int = WINDOW) -> np.ndarray:
    """The cut set (a bool per candidate) of the best score; ``gain``: each candidate's
    log-odds minus the threshold's, ``positions``: its place in pre-tokens (ascending),
    ``total``: the text's pre-tokens."""
    gain = np.asarray(gain, dtype=np.float64)
    if not prior.active:
        return gain >= 0
    never, always = decide(gain, prior)
    open_ = np.flatnonzero(~never)
    cut = np.zeros(len(gain), dtype=bool)
    if len(open_):
        chosen = _best_path(gain[open_], np.asarray(positions, dtype=np.float64)[open_], float(total),
                            prior, window)
        cut[open_[chosen]] = True
    return cut | always


def _best_path(gain: np.ndarray, positions: np.ndarray, total: float, prior: LengthPrior,
               window: int) -> np.ndarray:
    """Exact semi-Markov DP: node 0 is the text's start, nodes 1..n the candidates, n + 1 its
    end. A step from node j to node i scores ``prior.scores(P_i - P_j)``, or the floor's score
    when it is longer than the prior's reach or spans more than ``window`` nodes."""
    n = len(gain)
    nodes = np.concatenate([[0.0], positions, [total]])
    gains = np.concatenate([[0.0], gain, [0.0]])
    floor_score = prior.weight * -FLOOR + prior.bias
    reach = prior.reach()
    best = np.full(n + 2, -np.inf)
    back = np.zeros(n + 2, dtype=np.int64)
    best[0] = 0.0
    far_best, far_node, far = -np.inf, 0, 0  # the best node among those out of reach so far
    for i in range(1, n + 2):
        low = max(int(np.searchsorted(nodes, nodes[i] - reach, side="left")), i - window, 0)
        while far < low:  # nodes 0..low-1 are out of reach of node i (and of every later one)
            if best[far] > far_best:
                far_best, far_node = best[far], far
            far += 1
        values = best[low:i] + prior.scores(nodes[i] - nodes[low:i])
        k = int(np.argmax(values)) if len(values) else -1
        if k < 0 or far_best + floor_score > values[k]:
            best[i], back[i] = far_best + floor_score + gains[i], far_node
        else:
            best[i], back[i] = values[k] + gains[i], low + k
    chosen = np.zeros(n, dtype=bool)
    i = int(back[n + 1])
    while i > 0:
        chosen[i - 1] = True
        i = int(back[i])
    return chosen
