"""``learned``: a boundary classifier trained on people's step boundaries.

Every candidate cut of a text (``boundary_features``) is scored by a gradient-boosted tree
model (LightGBM) trained on texts whose steps a person set; the candidates it scores at least
``threshold`` (learned with the trees: the best out-of-fold F1 on the training texts) become cuts, and the spans come out through ``spans.spans_from_cuts`` like every
strategy's, so the segmenter's invariants hold unchanged.

    model = train_boundary_model(examples, folds=5)     # examples: (text, [(start, end), ...])
    model.save("project-7.json")
    steps = segment_text(text, "learned", {"model": "project-7.json"})
    scores = model.score_cuts(text)                     # per-candidate probabilities
    scores.mean_entropy(), scores.min_margin()         # how unsure the model is about a text

Training keeps only the features of each text (a few dozen numbers per candidate, the first
two words as ids), never the texts. A model is saved as JSON: the vocabulary, the options,
the training record (size, cross-validated scores) and LightGBM's own text model format, with
its SHA-256. Loading parses text and never executes code from the file; a file that is not
such a model, is truncated or was altered is refused with ``ModelFileError``.
"""
from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from .boundary_features import (
    CATEGORICAL, CATEGORICAL_INDEX, CATEGORY_FEATURES, FEATURES, NUMERIC, Candidates,
    candidates,
)
from .context import Context, Draft, draft
from .evaluate import BoundaryScore, trim_spans
from .spans import Span, spans_from_cuts
from .tree_predictor import TreeModelError, TreePredictor

FORMAT = "stepwise.boundary-model"
VERSION = 1
DEFAULTS: dict[str, Any] = {"model": None, "threshold": None}

# LightGBM options: small trees (inference cost grows with depth times trees), and minimums
# low enough for a project's first five traces.
LIGHTGBM_PARAMS: dict[str, Any] = {
    "objective": "binary",
    "learning_rate": 0.1,
    "num_leaves": 15,
    "max_depth": 6,
    "min_data_in_leaf": 5,
    "min_sum_hessian_in_leaf": 1e-3,
    "lambda_l2": 1.0,
    "feature_fraction": 0.9,
    "max_cat_to_onehot": 8,
    "min_data_per_group": 5,
    "cat_smooth": 5.0,
    "max_bin": 63,
    "num_threads": 1,
    "deterministic": True,
    "force_row_wise": True,
    "verbose": -1,
}
ROUNDS = 120
# Prediction stops adding trees for a candidate once its running log-odds are this far from 0
# (checked every few trees; LightGBM's prediction early stopping). Most candidates are plainly
# no boundary after a few trees, so inference does a third of the work; a probability moves by
# at most ~0.05 and no decision at thresholds between 0.2 and 0.8 flipped on 28,652 candidates
# of R1 reasoning.
EARLY_STOP = {"pred_early_stop": True, "pred_early_stop_freq": 5, "pred_early_stop_margin": 6.0}
PREDICT_PARAMS = {"num_threads": 1, **EARLY_STOP}  # what ``_predict`` gives ``Booster.predict``
# The cut threshold is chosen by F1 on out-of-fold probabilities over the training texts
# (``TUNE_FOLDS`` folds, when there are at least ``TUNE_MIN_TEXTS`` texts), among these values;
# ties go to the value nearest 0.5. Which threshold balances missed and extra cuts depends on
# how often a project cuts, not on the source, so it is learned like the trees.
THRESHOLDS = tuple(round(0.1 + 0.05 * i, 2) for i in range(17))  # 0.1 .. 0.9
TUNE_FOLDS = 5
TUNE_MIN_TEXTS = 20
VOCABULARY_SIZE = 500
MIN_WORD_COUNT = 3


class ModelFileError(ValueError):
    """A model file that is not a boundary model of this version (or is damaged)."""


@dataclass(slots=True)
class TextFeatures:
    """What training keeps of one text: its candidates' features, labels and word ids."""

    numeric: np.ndarray  # float32 (candidates x len(NUMERIC))
    word_ids: np.ndarray  # int32 (candidates x 2), ids of a ``_Words`` interner
    labels: np.ndarray  # bool: the candidate is a gold boundary
    gold: int  # gold boundaries, including any that no candidate reaches


class _Words:
    """Interns words to ids and counts them, so training keeps ids, not strings."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.words: list[str] = []

    def intern(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        ids = self.ids
        out = np.empty((len(pairs), 2), dtype=np.int32)
        for row, pair in enumerate(pairs):
            for col, word in enumerate(pair):
                found = ids.get(word)
                if found is None:
                    found = ids[word] = len(self.words)
                    self.words.append(word)
                out[row, col] = found
        return out

    def vocabulary(self, texts: Sequence[TextFeatures]) -> dict[str, int]:
        """The words seen at least ``MIN_WORD_COUNT`` times at candidates of ``texts``, most
        frequent first, as ids 1.. (0 stands for any other word); "" is never a word."""
        counts = np.zeros(len(self.words) + 1, dtype=np.int64)
        for text in texts:
            counts += np.bincount(text.word_ids.ravel(), minlength=len(counts))
        order = np.argsort(-counts[:-1], kind="stable")
        chosen = [
            self.words[i] for i in order[: VOCABULARY_SIZE + 1].tolist()
            if counts[i] >= MIN_WORD_COUNT and self.words[i]
        ][:VOCABULARY_SIZE]
        return {word: i + 1 for i, word in enumerate(chosen)}

    def mapping(self, vocabulary: dict[str, int]) -> np.ndarray:
        """Interner id -> vocabulary id."""
        return np.array([vocabulary.get(w, 0) for w in self.words], dtype=np.float32)


@dataclass(frozen=True, slots=True)
class CutScores:
    """Every candidate cut of a text and the model's probability that a step starts there."""

    positions: np.ndarray
    probabilities: np.ndarray

    def cuts(self, threshold: float = 0.5) -> list[int]:
        return self.positions[self.probabilities >= threshold].tolist()

    def mean_entropy(self) -> float:
        """Mean binary entropy (bits) over the candidates: 0 sure, 1 a coin toss."""
        p = np.clip(self.probabilities, 1e-9, 1 - 1e-9)
        return float(np.mean(-(p * np.log2(p) + (1 - p) * np.log2(1 - p)))) if len(p) else 0.0

    def min_margin(self) -> float:
        """Distance of the least certain candidate from 0.5 (0: a coin toss; 0.5 sure)."""
        return float(np.min(np.abs(self.probabilities - 0.5))) if len(self.probabilities) else 0.5


@dataclass
class BoundaryModel:
    """A trained boundary classifier: LightGBM trees, the word vocabulary and a threshold.

    Inference goes through ``predictor`` (LightGBM's C library, the trees loaded once), so a
    model loaded from its file never imports the ``lightgbm`` package: its ``booster`` stays the
    text model until ``lightgbm_booster()`` is asked for."""

    booster: Any  # lightgbm.Booster, or its text model (str) for a model loaded from its file
    vocabulary: dict[str, int]
    threshold: float = 0.5
    training: dict[str, Any] = field(default_factory=dict)
    _predictor: TreePredictor | None = field(default=None, init=False, repr=False, compare=False)

    def lightgbm_booster(self) -> Any:
        """The trees as a ``lightgbm.Booster`` (made from the text model on first use)."""
        if isinstance(self.booster, str):
            import lightgbm

            self.booster = lightgbm.Booster(model_str=self.booster)
        return self.booster

    def booster_text(self) -> str:
        """LightGBM's text model of the trees."""
        return self.booster if isinstance(self.booster, str) else self.booster.model_to_string()

    @property
    def predictor(self) -> TreePredictor:
        """The trees loaded once into LightGBM's C library, for every later prediction."""
        if self._predictor is None:
            self._predictor = TreePredictor(self.booster_text(), PREDICT_PARAMS)
        return self._predictor

    def score_cuts(self, text: str, regions=None) -> CutScores:
        """The probability of a step starting at each candidate cut of ``text``."""
        return self.score_many([text], [regions])[0]

    def score_many(self, texts: Sequence[str], regions: Sequence | None = None) -> list[CutScores]:
        """``score_cuts`` of every text, with one prediction over all their candidates (the
        per-call cost of LightGBM is paid once a batch, not once a text)."""
        regions = [None] * len(texts) if regions is None else regions
        found = [candidates(text, r) for text, r in zip(texts, regions)]
        matrices = [self._rows(f) for f in found if len(f)]
        probabilities = self.predictor.predict(np.vstack(matrices)) if matrices else np.zeros(0)
        ends = np.cumsum([len(f) for f in found])
        return [
            CutScores(f.positions, probabilities[end - len(f):end])
            for f, end in zip(found, ends.tolist())
        ]

    def cuts(self, text: str, threshold: float | None = None, regions=None) -> list[int]:
        """Where the model cuts ``text`` (positions where steps after the first one start)."""
        return self.score_cuts(text, regions).cuts(self.threshold if threshold is None else threshold)

    def _rows(self, found: Candidates) -> np.ndarray:
        """What the trees see of ``found``'s candidates, one row each (``FEATURES``)."""
        return found.matrix(self.vocabulary)

    def to_json(self) -> str:
        booster = self.booster_text()
        words = sorted(self.vocabulary, key=self.vocabulary.__getitem__)
        return json.dumps({
            "format": FORMAT,
            "version": VERSION,
            "features": list(FEATURES),
            "threshold": self.threshold,
            "vocabulary": words,
            "training": self.training,
            "booster_sha256": hashlib.sha256(booster.encode()).hexdigest(),
            "booster": booster,
        })

    @classmethod
    def from_json(cls, data: str | bytes) -> BoundaryModel:
        """A model from ``to_json``'s text; ``ModelFileError`` when it is not one."""
        try:
            payload = json.loads(data)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ModelFileError(f"not a boundary model (not JSON: {exc})") from None
        booster_text = _checked(payload)
        vocabulary = {word: i + 1 for i, word in enumerate(payload["vocabulary"])}
        threshold, training = float(payload["threshold"]), payload.get("training", {})
        model = cls(booster_text, vocabulary, threshold, training)
        try:
            model.predictor  # noqa: B018 -- loads the trees now: a damaged file fails here
        except TreeModelError as exc:
            raise ModelFileError(f"the booster of this model file is damaged: {exc}") from None
        return model

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(self.to_json(), encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | Path) -> BoundaryModel:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise ModelFileError(f"cannot read model file {path}: {exc.strerror}") from None
        return cls.from_json(data)


def _checked(payload: Any) -> str:
    """The booster text of a parsed model file, after checking what the file claims."""
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelFileError("not a boundary model (no 'format': 'stepwise.boundary-model')")
    if payload.get("version") != VERSION:
        raise ModelFileError(f"boundary model version {payload.get('version')!r}; this code reads {VERSION}")
    if payload.get("features") != list(FEATURES):
        raise ModelFileError("the model was trained on other features; train it again")
    booster = payload.get("booster")
    threshold = payload.get("threshold")
    vocabulary = payload.get("vocabulary")
    if not isinstance(booster, str) or not isinstance(vocabulary, list):
        raise ModelFileError("the model file lacks its booster or vocabulary")
    if not all(isinstance(w, str) for w in vocabulary):
        raise ModelFileError("the model's vocabulary holds something other than words")
    if not isinstance(threshold, (int, float)) or not 0 < threshold < 1:
        raise ModelFileError(f"threshold must be between 0 and 1, got {threshold!r}")
    if hashlib.sha256(booster.encode()).hexdigest() != payload.get("booster_sha256"):
        raise ModelFileError("the booster does not match its checksum (damaged or altered)")
    return booster


# -- training ----------------------------------------------------------------------------------


def featurize(text: str, spans: Iterable[Span], words: _Words) -> TextFeatures:
    """Features and labels of one gold text (``spans``: the steps a person set)."""
    gold_starts = [start for start, _ in trim_spans(text, sorted(spans))][1:]
    found = candidates(text)
    labels = np.isin(found.positions, gold_starts)
    return TextFeatures(found.numeric, words.intern(found.words), labels, len(gold_starts))


def featurize_all(
    examples: Iterable[tuple[str, Sequence[Span]]], limit: int | None = None
) -> tuple[list[TextFeatures], _Words]:
    """Features of every example, streamed: the texts are not kept."""
    words = _Words()
    texts = []
    for text, spans in examples:
        texts.append(featurize(text, spans, words))
        if limit and len(texts) >= limit:
            break
    return texts, words


def train_boundary_model(
    examples: Iterable[tuple[str, Sequence[Span]]],
    *,
    folds: int = 0,
    limit: int | None = None,
    rounds: int = ROUNDS,
    seed: int = 0,
) -> BoundaryModel:
    """Train on ``(text, spans)`` pairs; ``folds`` >= 2 also cross-validates (scores in
    ``model.training["cv"]``). Raises ValueError when the examples hold no boundary at all."""
    began = time.perf_counter()
    texts, words = featurize_all(examples, limit)
    model = _fit(texts, words, rounds, seed)
    model.training = {
        "texts": len(texts),
        "candidates": int(sum(len(t.labels) for t in texts)),
        "gold_boundaries": int(sum(t.gold for t in texts)),
        "rounds": rounds,
    }
    if folds >= 2:
        score = cross_validate_features(texts, words, folds, rounds=rounds, seed=seed)
        model.training["cv"] = {"folds": min(folds, len(texts)), **score.as_dict()}
    model.training["seconds"] = round(time.perf_counter() - began, 2)
    return model


def _predict(booster: Any, matrix: np.ndarray) -> np.ndarray:
    if not len(matrix):
        return np.zeros(0, dtype=np.float64)
    return booster.predict(matrix, **PREDICT_PARAMS)


def _fit(texts: Sequence[TextFeatures], words: _Words, rounds: int, seed: int) -> BoundaryModel:
    """A model fitted on ``texts`` whose threshold is tuned on out-of-fold probabilities."""
    model = _fit_trees(texts, words, rounds, seed)
    model.threshold = _tuned_threshold(texts, words, rounds, seed)
    return model


def _tuned_threshold(texts: Sequence[TextFeatures], words: _Words, rounds: int, seed: int) -> float:
    """The threshold of ``THRESHOLDS`` with the best F1 over out-of-fold probabilities
    (0.5 with fewer than ``TUNE_MIN_TEXTS`` texts, or when a fold has nothing to learn)."""
    if len(texts) < TUNE_MIN_TEXTS:
        return 0.5
    probabilities: list[np.ndarray] = [np.zeros(0)] * len(texts)
    for k in range(TUNE_FOLDS):
        try:
            fold = _fit_trees([t for i, t in enumerate(texts) if i % TUNE_FOLDS != k], words, rounds, seed)
        except ValueError:
            return 0.5
        mapping = words.mapping(fold.vocabulary)
        for i in range(k, len(texts), TUNE_FOLDS):
            probabilities[i] = _predict(fold.booster, _matrix(texts[i], mapping))
    scores = {
        threshold: _micro_f1(texts, [p >= threshold for p in probabilities])
        for threshold in THRESHOLDS
    }
    return max(THRESHOLDS, key=lambda t: (round(scores[t], 6), -abs(t - 0.5)))


def _micro_f1(texts: Sequence[TextFeatures], predicted: Sequence[np.ndarray]) -> float:
    gold = sum(t.gold for t in texts)
    cuts = sum(int(p.sum()) for p in predicted)
    hits = sum(int(np.count_nonzero(p & t.labels)) for t, p in zip(texts, predicted))
    return 2 * hits / (gold + cuts) if gold + cuts else 0.0


def _fit_trees(texts: Sequence[TextFeatures], words: _Words, rounds: int, seed: int) -> BoundaryModel:
    import lightgbm

    if not texts:
        raise ValueError("no training texts")
    vocabulary = words.vocabulary(texts)
    mapping = words.mapping(vocabulary)
    matrix = np.vstack([_matrix(t, mapping) for t in texts])
    labels = np.concatenate([t.labels for t in texts])
    if labels.all() or not labels.any():
        raise ValueError("the training texts need both cut and uncut candidates (more steps)")
    dataset = lightgbm.Dataset(
        matrix, labels.astype(np.float32), feature_name=list(FEATURES),
        categorical_feature=list(CATEGORY_FEATURES), free_raw_data=True,
    )
    params = {**LIGHTGBM_PARAMS, "seed": seed}
    booster = lightgbm.train(params, dataset, num_boost_round=rounds)
    return BoundaryModel(booster, vocabulary)


def _matrix(text: TextFeatures, mapping: np.ndarray) -> np.ndarray:
    return np.hstack([text.numeric, mapping[text.word_ids]])


# -- evaluation on features (no texts needed) ---------------------------------------------------


def score_features(model: BoundaryModel, texts: Sequence[TextFeatures], words: _Words) -> BoundaryScore:
    """Exact boundary scores of ``model`` on featurized gold texts; the same figures as
    cutting the texts and ``score_boundaries`` (every candidate is an allowed, trimmed cut)."""
    total = BoundaryScore()
    mapping = words.mapping(model.vocabulary)
    for text in texts:
        predicted = model.predictor.predict(_matrix(text, mapping)) >= model.threshold
        hits = int(np.count_nonzero(predicted & text.labels))
        total.add(BoundaryScore(
            gold=text.gold, predicted=int(predicted.sum()), exact=hits, near=hits, texts=1,
            step_count_error=abs(int(predicted.sum()) - text.gold),
        ))
    return total


def cross_validate_features(
    texts: Sequence[TextFeatures], words: _Words, folds: int, *, rounds: int = ROUNDS, seed: int = 0
) -> BoundaryScore:
    """K-fold cross-validation (text i is in fold i mod K; K = len(texts): leave one out)."""
    folds = min(folds, len(texts))
    if folds < 2:
        raise ValueError("cross-validation needs at least two texts and two folds")
    total = BoundaryScore()
    for k in range(folds):
        train = [t for i, t in enumerate(texts) if i % folds != k]
        test = [t for i, t in enumerate(texts) if i % folds == k]
        try:
            model = _fit(train, words, rounds, seed)
        except ValueError:
            continue  # a fold without any boundary to learn from
        total.add(score_features(model, test, words))
    return total


def cross_validate(
    examples: Iterable[tuple[str, Sequence[Span]]], folds: int, *, limit: int | None = None,
    rounds: int = ROUNDS, seed: int = 0,
) -> BoundaryScore:
    """K-fold cross-validated boundary scores of models trained on ``examples``."""
    texts, words = featurize_all(examples, limit)
    return cross_validate_features(texts, words, folds, rounds=rounds, seed=seed)


def learning_curve(
    examples: Iterable[tuple[str, Sequence[Span]]],
    sizes: Sequence[int],
    *,
    test: int | None = None,
    rounds: int = ROUNDS,
    seed: int = 0,
) -> list[tuple[int, BoundaryScore]]:
    """Scores on held-out texts after training on the first N texts, for each N of ``sizes``.

    The held-out texts are those after the largest size (at most ``test`` of them), so every
    point is scored on the same texts."""
    texts, words = featurize_all(examples, None if test is None else max(sizes) + test)
    largest = max(sizes)
    held_out = texts[largest:]
    if not held_out:
        raise ValueError(f"need more than {largest} texts: none left to test on")
    curve = []
    for size in sorted(sizes):
        model = _fit(texts[:size], words, rounds, seed)
        curve.append((size, score_features(model, held_out, words)))
    return curve


# -- the strategy -----------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> BoundaryModel:
    return BoundaryModel.load(path)


def load_model(model: BoundaryModel | str | Path) -> BoundaryModel:
    """A model given as itself or as a file path (loaded once per file version)."""
    if isinstance(model, BoundaryModel):
        return model
    if isinstance(model, (str, Path)):
        try:
            stat = Path(model).stat()
        except OSError as exc:
            raise ModelFileError(f"cannot read model file {model}: {exc.strerror}") from None
        return _load_cached(str(model), stat.st_mtime_ns, stat.st_size)
    raise ValueError("learned needs {'model': a BoundaryModel or the path of a saved one}")


def segment(ctx: Context, params: dict) -> list[Draft]:
    return segment_many([ctx], params)[0]


def segment_many(contexts: Sequence[Context], params: dict) -> list[list[Draft]]:
    """``segment`` of many texts with one model prediction for all (a chunk's way)."""
    model = load_model(params["model"])
    threshold = params["threshold"]
    if threshold is not None and not (isinstance(threshold, (int, float)) and 0 < threshold < 1):
        raise ValueError(f"threshold must be between 0 and 1, got {threshold!r}")
    threshold = model.threshold if threshold is None else threshold
    scores = model.score_many([c.text for c in contexts], [c.regions for c in contexts])
    return [
        [draft(s, e) for s, e in spans_from_cuts(c.text, found.cuts(threshold), c.regions)]
        for c, found in zip(contexts, scores)
    ]


__all__ = [
    "BoundaryModel", "CutScores", "DEFAULTS", "ModelFileError", "TextFeatures",
    "cross_validate", "cross_validate_features", "featurize_all", "learning_curve", "load_model", "segment",
    "segment_many",
    "train_boundary_model", "NUMERIC", "CATEGORICAL", "CATEGORICAL_INDEX",
]
