"""manage.py eval_segmenter: a strategy scored against gold steps from any preset."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.factories import processbench_record, write_jsonl


def evaluate(*args) -> str:
    out = StringIO()
    call_command("eval_segmenter", *map(str, args), stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def gold_file(tmp_path):
    numbered = {
        "id": "n", "generator": "g", "problem": "Compute 2 + 3.", "label": -1,
        "steps": ["1. Add the numbers: 2 + 3 = 5.", "2. Check: 5 - 3 = 2.", "3. The answer is 5."],
    }
    return write_jsonl(tmp_path / "gold.jsonl", [processbench_record(1), processbench_record(2), numbered])


def test_scores_are_printed_as_json(gold_file):
    result = json.loads(evaluate("--gold", gold_file, "--strategy", "paragraphs", "--param", "min_tokens=1", "--json"))

    assert result["texts"] == 3
    assert result["gold_boundaries"] == 6
    assert result["strategy"] == "paragraphs" and result["join"] == "blank"
    assert result["f1"] == pytest.approx(1.0)


def test_a_space_joined_text_is_harder_than_a_blank_line_joined_one(gold_file):
    blank = json.loads(evaluate("--gold", gold_file, "--strategy", "paragraphs", "--param", "min_tokens=1", "--json"))
    space = json.loads(evaluate("--gold", gold_file, "--strategy", "paragraphs", "--param", "min_tokens=1",
                                "--join", "space", "--json"))

    assert space["recall"] < blank["recall"]
    assert space["mean_step_count_error"] > 0


def test_the_report_names_precision_recall_and_f1(gold_file):
    output = evaluate("--gold", gold_file, "--strategy", "solution", "--join", "newline", "--tolerance", "3")

    assert "3 texts, strategy solution, joined by newline" in output
    assert "exact:" in output and "±3 chars:" in output and "F1" in output


def test_a_file_without_steps_is_refused(tmp_path):
    path = write_jsonl(tmp_path / "plain.jsonl", [{"problem": "p", "output": "<think>a</think>b"}])

    with pytest.raises(CommandError, match="no record of this file carries gold steps"):
        evaluate("--gold", path, "--strategy", "solution")
