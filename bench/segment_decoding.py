"""Structured decoding of the learned segmenter's probabilities, measured (not in the strategy).

    .venv/bin/python bench/segment_decoding.py prior    # length prior + DP, before/after per size
    .venv/bin/python bench/segment_decoding.py stack    # second stage over neighbours (largest N)
    .venv/bin/python bench/segment_decoding.py semi     # semi-Markov segment scorer (largest size)

Thresholding decides each candidate on its own. A project's steps also have a usual length, so
this decoder picks the set of cuts that maximises

    sum over chosen cuts of (logit(p) - logit(threshold))
    + sum over the steps they make of (weight * log_prior(step length in pre-tokens) + bias)

by dynamic programming over the candidates. ``log_prior`` is a histogram of log2 step lengths
of the training steps, 0 at its most frequent bin and clipped at ``-FLOOR``. With weight 0 and
bias 0 it makes exactly the threshold's cuts; weight and bias are chosen on out-of-fold
probabilities of the training texts (the ones ``learned`` tunes its threshold on), and kept at
0 unless they beat the threshold there by ``MIN_GAIN``.

Cost: O(candidates x window). Candidates whose log-odds can never pay for a cut (or always
do) are decided before the DP by a bound on what the prior can add (exact, see ``decide``);
each remaining one looks back over the candidates within the longest length the prior tells
apart from the floor (``window`` at most), and beyond that at the best score so far (every
longer step has the floor's prior, so this is exact).

The table: each source's records shuffled (seed 0) as ``segment_learned.py curves`` does, a
model trained on the first N (``learned._fit``: trees and tuned threshold) and scored on the
same held-out texts by threshold and by the decoder. Two more rows cut long reasoning into
coarse sections: the thought-anchors chunks with consecutive chunks of the same function label
merged (a proxy for a team's coarser sections; no such human gold is in ../shared/data).
The decoder was built into ``learned`` on branch ``ldecode`` (first commit) and taken out: see
docs/SEGMENTATION.md, "What is left (learned)".
"""
from __future__ import annotations

import math
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from segment_granularity import sections  # noqa: E402
from segment_quality import SOURCES, Source, records  # noqa: E402

from curation.segment import learned  # noqa: E402
from curation.segment.boundary_features import NUMERIC  # noqa: E402
from curation.segment.evaluate import gold_text  # noqa: E402

BIN_WIDTH = 0.5  # of log2(length in pre-tokens + 1)
BINS = 34  # up to 2**17 pre-tokens; longer steps fall in the last bin
FLOOR = 4.0  # the least log prior of a step length (natural log, below the most frequent)
SMOOTHING = 0.5  # added to every bin's count
WINDOW = 256  # the most candidates one step may span before it gets the floor's prior
WEIGHTS = (0.25, 0.5, 1.0)  # weight 0 with a bias is a threshold shift: the threshold grid has it
BIASES = (-1.0, -0.5, 0.0, 0.5, 1.0)
MIN_GAIN = 0.005  # out-of-fold F1 the prior must add before it is switched on
SIZES = (10, 25, 50, 100)
TEST = 300


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
        places = np.asarray(positions, dtype=np.float64)[open_]
        chosen = _best_path(gain[open_], places, float(total), prior, window)
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


# -- the measurement ------------------------------------------------------------------------------

_FROM_START, _TO_END = NUMERIC.index("tok_from_start"), NUMERIC.index("tok_to_end")


def token_positions(text: learned.TextFeatures) -> tuple[np.ndarray, float]:
    if not len(text.labels):
        return np.zeros(0), 0.0
    at = text.numeric[:, _FROM_START].astype(np.float64)
    return at, float(at[0] + text.numeric[0, _TO_END])


def log_odds(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-9, 1 - 1e-9)
    return np.log(p) - np.log1p(-p)


def decoded_f1(texts, probabilities, threshold: float, prior: LengthPrior) -> float:
    predicted = [
        decode(log_odds(p) - log_odds(np.float64(threshold)), *token_positions(t), prior)
        for t, p in zip(texts, probabilities)
    ]
    return learned._micro_f1(texts, predicted)


def tuned_prior(texts, probabilities, threshold: float) -> LengthPrior:
    """The training steps' prior, weight and bias by out-of-fold F1 (0, 0 unless it gains)."""
    lengths = [step_lengths(*token_positions(t), t.labels) for t in texts]
    prior = fit_length_prior(np.concatenate(lengths))
    base = learned._micro_f1(texts, [p >= threshold for p in probabilities])
    best, best_score = prior, base + MIN_GAIN
    for weight in WEIGHTS:
        for bias in BIASES:
            score = decoded_f1(texts, probabilities, threshold, prior.with_weights(weight, bias))
            if score > best_score + 1e-9:
                best, best_score = prior.with_weights(weight, bias), score
    return best


def first_stage(train, held_out, words):
    """The strategy's model fitted on ``train`` (trees, tuned threshold), its probabilities on
    ``held_out``, the out-of-fold probabilities of ``train`` (None below the tuning minimum)
    and the threshold's F1 on ``held_out``."""
    model = learned._fit(train, words, learned.ROUNDS, 0)
    mapping = words.mapping(model.vocabulary)
    probabilities = [model.predictor.predict(learned._matrix(t, mapping)) for t in held_out]
    base = learned._micro_f1(held_out, [p >= model.threshold for p in probabilities])
    return model, probabilities, _out_of_fold(train, words), base


def point(texts, words, size: int) -> tuple[float, float, LengthPrior]:
    """(threshold F1, decoder F1, the prior chosen) after training on the first ``size``."""
    train, held_out = texts[:size], texts[size:]
    model, probabilities, out_of_fold, base = first_stage(train, held_out, words)
    prior = fit_length_prior(np.ones(1))
    if out_of_fold is not None:
        prior = tuned_prior(train, out_of_fold, model.threshold)
    return base, decoded_f1(held_out, probabilities, model.threshold, prior), prior


def _out_of_fold(texts, words):
    """``learned``'s out-of-fold probabilities for threshold tuning (its ``TUNE_FOLDS``)."""
    if len(texts) < learned.TUNE_MIN_TEXTS:
        return None
    found = [np.zeros(0)] * len(texts)
    for k in range(learned.TUNE_FOLDS):
        part = [t for i, t in enumerate(texts) if i % learned.TUNE_FOLDS != k]
        fold = learned._fit_trees(part, words, learned.ROUNDS, 0)
        mapping = words.mapping(fold.vocabulary)
        for i in range(k, len(texts), learned.TUNE_FOLDS):
            found[i] = learned._predict(fold.booster, learned._matrix(texts[i], mapping))
    return found


def label_runs(record) -> tuple[str, list[tuple[int, int]]]:
    """The record's text and its coarse sections (``segment_granularity.sections``)."""
    return getattr(record, record.steps_field), sections(record)


def cells():
    """(name, joiner, examples) of every source and joiner, then the coarse-section rows."""
    for source in SOURCES:
        found = shuffled(source)
        for joiner in source.joiners:
            yield source.name, joiner, [g for g in (gold_text(r, joiner) for r in found) if g]
    for source in SOURCES:
        if source.name.startswith("thought-anchors"):
            found = shuffled(source)
            examples = [label_runs(r) for r in found if r.steps]
            yield source.name + ", label-run sections", "original", examples


def shuffled(source: Source) -> list:
    found = records(source, 200)
    random.Random(0).shuffle(found)
    return found


def prior_table() -> None:
    columns = " | ".join(f"after {n}: threshold / DP" for n in SIZES)
    print(f"| source | joined by | {columns} | held out |")
    print("| --- | --- | " + " | ".join("---:" for _ in SIZES) + " | ---: |")
    for name, joiner, examples in cells():
        usable = [n for n in SIZES if n < len(examples) - 5] or [min(SIZES)]
        texts, words = learned.featurize_all(examples, max(usable) + TEST)
        held_out = texts[max(usable):]
        row = []
        for size in SIZES:
            if size not in usable:
                row.append("")
                continue
            base, new, prior = point(texts[: size] + held_out, words, size)
            chosen = f" (w {prior.weight}, b {prior.bias})" if prior.active else ""
            row.append(f"{base:.3f} / {new:.3f}{chosen}")
        print(f"| {name} | {joiner} | " + " | ".join(row) + f" | {len(held_out)} |", flush=True)


# -- second stages, fitted on the out-of-fold probabilities of the training texts ----------------

STAGE_TWO = {
    "objective": "binary", "learning_rate": 0.1, "num_leaves": 7, "min_data_in_leaf": 10,
    "lambda_l2": 1.0, "num_threads": 1, "deterministic": True, "force_row_wise": True,
    "verbose": -1, "seed": 0,
}
SEGMENT_WINDOW = 12  # candidates (with p >= 0.02) one segment may span in ``semi``


def _shift(x: np.ndarray, k: int, fill: float) -> np.ndarray:
    out = np.full_like(x, fill)
    if k > 0:
        out[k:] = x[:-k]
    elif k < 0:
        out[:k] = x[-k:]
    return out


def neighbour_rows(text, p: np.ndarray) -> np.ndarray:
    """Per candidate: its log-odds, its neighbours' (two each side), its rank in the text, the
    text's mean probability and expected cuts per 100 pre-tokens, the mean probability of the
    text's other candidates with the same first word and with the same whitespace kind, the
    pre-tokens to the previous and next candidate at p >= 0.5, then the first stage's features."""
    z, n = log_odds(p), len(p)
    at, total = token_positions(text)
    cols = [z, *(_shift(z, k, -20.0) for k in (1, 2, -1, -2))]
    rank = np.argsort(np.argsort(-z)) / max(n, 1)
    cols += [rank, np.full(n, p.mean()), np.full(n, p.sum() / max(total, 1) * 100)]
    gap_kind = (text.numeric[:, NUMERIC.index("gap_newlines")] * 2
                + text.numeric[:, NUMERIC.index("sentence_end_before")]).astype(np.int64)
    for key in (text.word_ids[:, 0], gap_kind):
        sums, counts = np.bincount(key, weights=p), np.bincount(key)
        others = counts[key] - 1
        cols += [np.where(others > 0, (sums[key] - p) / np.maximum(others, 1), -1.0), others]
    likely = np.flatnonzero(p >= 0.5)
    index = np.arange(n)
    previous = np.concatenate([[0.0], at[likely]])[np.searchsorted(likely, index)]
    following = np.concatenate([at[likely], [total]])[np.searchsorted(likely, index, side="right")]
    cols += [at - previous, following - at]
    return np.hstack([np.column_stack(cols), text.numeric])


def _train_stage(rows, labels, rounds: int = 80, leaves: int = 7):
    import lightgbm

    dataset = lightgbm.Dataset(np.vstack(rows), np.concatenate(labels).astype(float))
    return lightgbm.train({**STAGE_TWO, "num_leaves": leaves}, dataset, num_boost_round=rounds)


def stack_point(train, held_out, words) -> tuple[float, float]:
    _, probabilities, out_of_fold, base = first_stage(train, held_out, words)
    if out_of_fold is None:
        return base, base
    k_folds = learned.TUNE_FOLDS  # the second stage's threshold, tuned out of fold as well
    second = [np.zeros(0)] * len(train)
    for k in range(k_folds):
        part = [i for i in range(len(train)) if i % k_folds != k]
        rows = [neighbour_rows(train[i], out_of_fold[i]) for i in part]
        stage = _train_stage(rows, [train[i].labels for i in part])
        for i in range(k, len(train), k_folds):
            second[i] = stage.predict(neighbour_rows(train[i], out_of_fold[i]))
    threshold = max(learned.THRESHOLDS, key=lambda t: (
        round(learned._micro_f1(train, [p >= t for p in second]), 6), -abs(t - 0.5)))
    rows = [neighbour_rows(t, p) for t, p in zip(train, out_of_fold)]
    stage = _train_stage(rows, [t.labels for t in train])
    stacked = [stage.predict(neighbour_rows(t, p)) for t, p in zip(held_out, probabilities)]
    return base, learned._micro_f1(held_out, [p >= threshold for p in stacked])


def segment_rows(text, p: np.ndarray):
    """Every span between two open candidates (p >= 0.02, or the text's ends) at most
    ``SEGMENT_WINDOW`` apart: features (log-odds at both ends, the strongest inside, how many
    inside, length in pre-tokens, absolute, log, relative to the text and to its median gap,
    expected cuts inside, place in the text), the span's ends as candidate indices."""
    at, total = token_positions(text)
    z = log_odds(p)
    keep = np.flatnonzero(p >= 0.02)
    ends = np.concatenate([[-1], keep, [len(p)]])
    places = np.concatenate([[0.0], at[keep], [total]])
    edge = np.concatenate([[8.0], z[keep], [8.0]])
    expected = np.concatenate([[0.0], np.cumsum(p)])
    median = float(np.median(np.diff(places))) if len(places) > 1 else 1.0
    rows, pairs = [], []
    for i in range(1, len(ends)):
        for j in range(max(0, i - SEGMENT_WINDOW), i):
            inner = z[keep[j:i - 1]] if i - 1 > j else np.array([-20.0])
            length = places[i] - places[j]
            rows.append([edge[j], edge[i], inner.max(), i - 1 - j, length, np.log1p(length),
                         length / max(total, 1), length / max(median, 1),
                         expected[min(ends[i], len(p))] - expected[ends[j] + 1],
                         places[j] / max(total, 1)])
            pairs.append((j, i))
    return np.array(rows), pairs, ends


def segment_labels(text, pairs, ends) -> np.ndarray:
    gold = [-1, *np.flatnonzero(text.labels).tolist(), len(text.labels)]
    steps = set(zip(gold[:-1], gold[1:]))
    return np.array([(ends[j], ends[i]) in steps for j, i in pairs])


def segment_decode(stage, text, p: np.ndarray, bias: float) -> np.ndarray:
    rows, pairs, ends = segment_rows(text, p)
    scores = log_odds(stage.predict(rows)) + bias
    best = np.full(len(ends), -np.inf)
    best[0] = 0.0
    back = np.zeros(len(ends), dtype=np.int64)
    for (j, i), value in zip(pairs, scores):  # pairs come ordered by i: j's best is final
        if best[j] + value > best[i]:
            best[i], back[i] = best[j] + value, j
    cut = np.zeros(len(p), dtype=bool)
    i = int(back[-1])
    while i > 0:
        cut[ends[i]] = True
        i = int(back[i])
    return cut


def _train_segments(texts, probabilities):
    rows, labels = [], []
    for t, p in zip(texts, probabilities):
        found, pairs, ends = segment_rows(t, p)
        rows.append(found)
        labels.append(segment_labels(t, pairs, ends))
    return _train_stage(rows, labels, rounds=100, leaves=15)


def semi_point(train, held_out, words) -> tuple[float, float]:
    _, probabilities, out_of_fold, base = first_stage(train, held_out, words)
    if out_of_fold is None:
        return base, base
    biases = (-1.0, 0.0, 1.0, 2.0)
    decided = {b: [np.zeros(0, dtype=bool)] * len(train) for b in biases}
    k_folds = learned.TUNE_FOLDS
    for k in range(k_folds):
        part = [i for i in range(len(train)) if i % k_folds != k]
        stage = _train_segments([train[i] for i in part], [out_of_fold[i] for i in part])
        for i in range(k, len(train), k_folds):
            for b in biases:
                decided[b][i] = segment_decode(stage, train[i], out_of_fold[i], b)
    bias = max(biases, key=lambda b: (round(learned._micro_f1(train, decided[b]), 6), -abs(b)))
    stage = _train_segments(train, out_of_fold)
    cut = [segment_decode(stage, t, p, bias) for t, p in zip(held_out, probabilities)]
    return base, learned._micro_f1(held_out, cut)


def second_stage_table(measure) -> None:
    print("| source | joined by | trained on | threshold | second stage | held out |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for name, joiner, examples in cells():
        size = max([n for n in SIZES if n < len(examples) - 5] or [min(SIZES)])
        texts, words = learned.featurize_all(examples, size + TEST)
        base, new = measure(texts[:size], texts[size:], words)
        held_out = len(texts) - size
        print(f"| {name} | {joiner} | {size} | {base:.3f} | {new:.3f} | {held_out} |", flush=True)


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "prior"
    if mode == "prior":
        prior_table()
    elif mode == "stack":
        second_stage_table(stack_point)
    elif mode == "semi":
        second_stage_table(semi_point)
    else:
        sys.exit(f"unknown mode {mode!r}: prior, stack or semi")


if __name__ == "__main__":
    main()
