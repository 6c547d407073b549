"""The learned strategy: training recovers cuts, models round-trip, bad files are refused."""
from __future__ import annotations

import json

import numpy as np

import pytest

from curation.segment import segment_text
from curation.segment.evaluate import aggregate, score_boundaries
from curation.segment.learned import (
    BoundaryModel, ModelFileError, cross_validate, learning_curve, train_boundary_model,
)

from .learned_data import synthetic_examples, synthetic_model


def f1_on(model, examples) -> float:
    scores = []
    for text, spans in examples:
        steps = segment_text(text, "learned", {"model": model})
        scores.append(score_boundaries(spans, [(s.start, s.end) for s in steps]))
    return aggregate(scores).f1


def test_training_on_synthetic_steps_recovers_their_cuts():
    held_out = synthetic_examples(20, seed=1)
    assert f1_on(synthetic_model(), held_out) >= 0.95
    # The rules cut at every sentence: far fewer of them are right.
    rules = aggregate(
        score_boundaries(spans, [(s.start, s.end) for s in segment_text(text, "solution")])
        for text, spans in held_out
    )
    assert rules.f1 < 0.8


def test_steps_carry_token_counts(tokenizer):
    text, _ = synthetic_examples(1, seed=3)[0]
    for step in segment_text(text, "learned", {"model": synthetic_model()}, tokenizer=tokenizer):
        piece = text[step.start : step.end]
        assert step.token_count == len(tokenizer.encode(piece, add_special_tokens=False))


def test_save_and_load_give_identical_predictions(tmp_path):
    model = synthetic_model()
    path = model.save(tmp_path / "model.json")
    loaded = BoundaryModel.load(path)
    for text, _ in synthetic_examples(5, seed=2):
        before, after = model.score_cuts(text), loaded.score_cuts(text)
        assert before.positions.tolist() == after.positions.tolist()
        assert before.probabilities.tolist() == after.probabilities.tolist()
        assert segment_text(text, "learned", {"model": str(path)}) == segment_text(
            text, "learned", {"model": model}
        )
    assert loaded.training == model.training and loaded.vocabulary == model.vocabulary


def test_scores_tell_how_unsure_the_model_is():
    text, _ = synthetic_examples(1, seed=4)[0]
    scores = synthetic_model().score_cuts(text)
    assert len(scores.positions) == len(scores.probabilities) > 0
    assert 0 <= scores.mean_entropy() <= 1 and 0 <= scores.min_margin() <= 0.5
    assert synthetic_model().cuts(text) == scores.cuts(0.5)


def test_params_are_checked():
    text = "First a. Then b."
    with pytest.raises(ValueError, match="unknown parameter"):
        segment_text(text, "learned", {"model": synthetic_model(), "granularity": "move"})
    with pytest.raises(ValueError, match="needs"):
        segment_text(text, "learned")
    with pytest.raises(ValueError, match="threshold"):
        segment_text(text, "learned", {"model": synthetic_model(), "threshold": 2})
    everything = segment_text(text, "learned", {"model": synthetic_model(), "threshold": 1e-9})
    assert len(everything) == 2


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda raw: b"\x80garbage", "not JSON"),
    (lambda raw: raw[: len(raw) // 2], "not JSON"),
    (lambda raw: json.dumps({"format": "something else"}).encode(), "not a boundary model"),
    (lambda raw: raw.replace(b'"version": 1', b'"version": 99'), "version"),
    (lambda raw: raw.replace(b"Tree=0", b"Tree=9"), "checksum"),
])
def test_a_damaged_model_file_is_refused_with_a_clear_error(tmp_path, mutate, message):
    path = synthetic_model().save(tmp_path / "model.json")
    path.write_bytes(mutate(path.read_bytes()))
    with pytest.raises(ModelFileError, match=message):
        BoundaryModel.load(path)
    with pytest.raises(ValueError, match=message):
        segment_text("First a. Then b.", "learned", {"model": str(path)})


def test_a_booster_lightgbm_cannot_read_is_refused_even_with_a_matching_checksum(tmp_path):
    import hashlib

    payload = json.loads(synthetic_model().to_json())
    payload["booster"] = "tree\nversion=v4\nnum_class=1\nTree=0\nnot a tree\n"
    payload["booster_sha256"] = hashlib.sha256(payload["booster"].encode()).hexdigest()
    with pytest.raises(ModelFileError, match="damaged"):
        BoundaryModel.from_json(json.dumps(payload))


def test_a_missing_model_file_is_refused(tmp_path):
    with pytest.raises(ModelFileError, match="cannot read"):
        segment_text("a. b.", "learned", {"model": str(tmp_path / "none.json")})


def test_cross_validation_and_learning_curve_score_held_out_texts():
    examples = synthetic_examples(30, seed=5)
    score = cross_validate(examples, folds=3, rounds=30)
    assert score.texts == 30 and score.f1 >= 0.9
    leave_one_out = cross_validate(examples[:6], folds=6, rounds=20)
    assert leave_one_out.texts == 6
    curve = learning_curve(examples, [5, 20], test=10, rounds=30)
    assert [size for size, _ in curve] == [5, 20]
    assert all(point.texts == 10 for _, point in curve)


def test_training_records_its_size_and_cross_validated_scores():
    model = train_boundary_model(synthetic_examples(12, seed=6), folds=3, rounds=20)
    assert model.training["texts"] == 12 and model.training["cv"]["folds"] == 3
    assert 0 <= model.training["cv"]["f1"] <= 1


def test_training_without_any_boundary_is_refused():
    with pytest.raises(ValueError, match="both cut and uncut"):
        train_boundary_model([("One step. Only.", [(0, 15)])])


def test_training_streams_and_keeps_no_text():
    def examples():
        yield from synthetic_examples(10, seed=7)

    model = train_boundary_model(examples(), limit=8, rounds=10)
    assert model.training["texts"] == 8


def test_the_threshold_is_tuned_on_out_of_fold_f1_and_kept_in_the_file(tmp_path):
    from curation.segment import learned

    few = train_boundary_model(synthetic_examples(learned.TUNE_MIN_TEXTS - 1, seed=8), rounds=20)
    assert few.threshold == 0.5  # too few texts to hold any out
    texts, words = learned.featurize_all(synthetic_examples(30, seed=9))
    tuned = learned._tuned_threshold(texts, words, 20, 0)
    assert tuned in learned.THRESHOLDS
    # The model fitted on the same texts carries the tuned threshold, and its file keeps it.
    model = learned._fit(texts, words, 20, 0)
    assert model.threshold == tuned
    loaded = BoundaryModel.load(model.save(tmp_path / "m.json"))
    assert loaded.threshold == tuned


def test_prediction_early_stopping_keeps_every_decision():
    from curation.segment import learned
    from curation.segment.boundary_features import candidates

    model = synthetic_model()
    for text, _ in synthetic_examples(10, seed=10):
        matrix = candidates(text).matrix(model.vocabulary)
        full = model.lightgbm_booster().predict(matrix, num_threads=1)
        fast = learned._predict(model.lightgbm_booster(), matrix)
        for threshold in (0.2, 0.5, 0.8):
            assert ((full >= threshold) == (fast >= threshold)).all()
        assert np.abs(full - fast).max() < 0.06


def test_the_c_library_predictor_gives_what_booster_predict_gives_bit_for_bit():
    from curation.segment import learned
    from curation.segment.boundary_features import candidates

    model = synthetic_model()
    texts = [text for text, _ in synthetic_examples(8, seed=11)]
    matrices = [candidates(text).matrix(model.vocabulary) for text in texts]
    booster = model.lightgbm_booster()
    for matrix in matrices:
        expected = learned._predict(booster, matrix)
        assert model.predictor.predict(matrix).tolist() == expected.tolist()
    one_by_one = np.concatenate([model.predictor.predict(m) for m in matrices])
    assert model.predictor.predict(np.vstack(matrices)).tolist() == one_by_one.tolist()


def test_segment_texts_cuts_a_batch_as_segment_text_cuts_each_text(tokenizer):
    from curation.segment import segment_texts

    model = synthetic_model()
    texts = [text for text, _ in synthetic_examples(6, seed=12)] + ["", "   ", "One sentence only"]
    for params in ({"model": model}, {"model": model, "threshold": 0.3}):
        batch = segment_texts(texts, "learned", params, tokenizer=tokenizer)
        assert batch == [segment_text(t, "learned", params, tokenizer=tokenizer) for t in texts]
    assert segment_texts(texts, "solution", tokenizer=tokenizer) == [
        segment_text(t, "solution", tokenizer=tokenizer) for t in texts
    ]
    assert segment_texts([], "learned", {"model": model}) == []
    scores = model.score_many(texts)
    for text, found in zip(texts, scores):
        alone = model.score_cuts(text)
        assert found.positions.tolist() == alone.positions.tolist()
        assert found.probabilities.tolist() == alone.probabilities.tolist()


def test_a_loaded_model_predicts_without_importing_the_lightgbm_package(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    path = synthetic_model().save(tmp_path / "model.json")
    script = (
        "import sys\n"
        "from curation.segment.learned import BoundaryModel\n"
        f"model = BoundaryModel.load({str(path)!r})\n"
        "model.score_cuts('First. Then this.\\nAnd that.')\n"
        "print('lightgbm' in sys.modules, 'sklearn' in sys.modules)\n"
    )
    repo = Path(__file__).resolve().parents[2]
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                         cwd=repo)
    assert out.stdout.split() == ["False", "False"]


def test_training_interns_words_in_the_order_they_first_occur_row_after_row():
    """Word ids (and so the vocabulary's order among equally frequent words) are those of
    interning each candidate's first word, then its second, text after text."""
    from curation.segment.boundary_features import candidates
    from curation.segment.learned import _Words

    texts = [text for text, _ in synthetic_examples(5)] + ["Wait. So the key: yes.\n\nSo. Key, yes."]
    words, expected = _Words(), {}
    for text in texts:
        found = candidates(text)
        ids = words.intern(found)
        assert ids.tolist() == [[expected.setdefault(w, len(expected)) for w in pair] for pair in found.words]
    assert words.words == list(expected)
