"""manage.py train_segmenter and eval_segmenter's learned options (--model, --folds, --curve)."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from curation.models import Segmentation
from curation.segment.learned import BoundaryModel
from tests.factories import add_segmentation, add_trace, write_jsonl
from tests.segment.learned_data import synthetic_examples


def run(command: str, *args) -> str:
    out = StringIO()
    call_command(command, *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def gold_file(tmp_path):
    """ProcessBench-style records whose steps are the synthetic ones."""
    records = []
    for n, (text, spans) in enumerate(synthetic_examples(12, seed=11)):
        records.append({
            "id": f"s-{n}", "generator": "g", "problem": f"Problem {n}?", "label": -1,
            "steps": [text[a:b] for a, b in spans],
        })
    return write_jsonl(tmp_path / "gold.jsonl", records)


def test_training_on_a_gold_file_prints_where_the_model_is(gold_file, tmp_path):
    out = tmp_path / "m.json"
    printed = run("train_segmenter", "--gold", gold_file, "--join", "space", "--folds", "3",
                  "--out", out)
    assert f"model saved to {out.resolve()}" in printed
    model = BoundaryModel.load(out)
    assert model.training["texts"] == 12 and model.training["cv"]["folds"] == 3

    scored = json.loads(run("eval_segmenter", "--gold", gold_file, "--strategy", "learned",
                            "--model", out, "--join", "space", "--json"))
    assert scored["texts"] == 12 and scored["f1"] >= 0.95


def test_eval_folds_leave_one_out_and_curve(gold_file):
    result = json.loads(run("eval_segmenter", "--gold", gold_file, "--strategy", "learned",
                            "--join", "space", "--folds", "12", "--curve", "3,6", "--test", "4",
                            "--json"))
    assert result["folds"]["k"] == 12 and result["folds"]["texts"] == 12
    assert [point["train"] for point in result["curve"]] == [3, 6]
    assert all(point["texts"] == 4 for point in result["curve"])
    text = run("eval_segmenter", "--gold", gold_file, "--strategy", "learned", "--join", "space",
               "--folds", "3")
    assert "3-fold cross-validation" in text


def test_folds_need_the_learned_strategy(gold_file):
    with pytest.raises(CommandError, match="--strategy learned"):
        run("eval_segmenter", "--gold", gold_file, "--strategy", "solution", "--folds", "3")


def test_a_corrupt_model_is_a_command_error(gold_file, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(CommandError, match="not a boundary model"):
        run("eval_segmenter", "--gold", gold_file, "--strategy", "learned", "--model", bad)


@pytest.mark.django_db
def test_training_on_a_project_reads_its_submitted_human_segmentations(project, lead, tmp_path):
    for n, (text, spans) in enumerate(synthetic_examples(10, seed=12)):
        trace = add_trace(project, n, text=text, problem=f"P{n}")
        for origin, status in [(Segmentation.Origin.HUMAN, Segmentation.Status.SUBMITTED),
                               (Segmentation.Origin.AUTO, Segmentation.Status.DRAFT)]:
            add_segmentation(trace, origin=origin, status=status, author=lead, spans=spans)
    out = tmp_path / "alpha.json"
    printed = run("train_segmenter", "--project", "alpha", "--folds", "0", "--out", out)
    assert "model saved to" in printed
    assert BoundaryModel.load(out).training["texts"] == 10  # the automatic ones are not read
    with pytest.raises(CommandError, match="cannot train"):
        run("train_segmenter", "--project", "alpha", "--approved-only", "--out", out)
    with pytest.raises(CommandError, match="no project"):
        run("train_segmenter", "--project", "nope")
