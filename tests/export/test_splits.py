"""Split assignment: by a hash of the normalized problem, the same everywhere and always."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from curation.export.splits import normalize_problem, split_for

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_known_problems_get_the_same_split_on_every_machine():
    # Fixed values: a change here means every published version would re-split.
    assert split_for("problem 6") == "validation"
    assert split_for("problem 14") == "test"
    assert split_for("problem 21") == "validation"
    assert split_for("What is 2 + 2?") == "train"


def test_the_split_does_not_depend_on_the_process_hash_seed():
    code = "from curation.export.splits import split_for; print(split_for('problem 14'))"
    outputs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                       env={"PYTHONHASHSEED": seed}, cwd=REPO_ROOT).stdout.strip()
        for seed in ("1", "2", "3")
    }
    assert outputs == {"test"}


def test_case_whitespace_and_unicode_form_do_not_change_the_split():
    assert normalize_problem("  What IS\t2 +\n2? ") == normalize_problem("what is 2 + 2?")
    assert normalize_problem("caf\u00e9") == normalize_problem("cafe\u0301")
    assert split_for("  PROBLEM\n 14 ") == split_for("problem 14")


def test_ratios_are_respected_over_many_problems():
    counts = Counter(split_for(f"problem {i}") for i in range(20_000))
    assert 0.88 < counts["train"] / 20_000 < 0.92
    assert 0.04 < counts["validation"] / 20_000 < 0.06
    assert 0.04 < counts["test"] / 20_000 < 0.06


def test_a_zero_ratio_split_gets_nothing():
    assert {split_for(f"p{i}", (0.5, 0.5, 0.0)) for i in range(2_000)} == {"train", "validation"}


@pytest.mark.parametrize("ratios", [(0.9, 0.1), (0.5, 0.5, 0.5), (1.2, -0.1, -0.1)])
def test_bad_ratios_are_refused(ratios):
    with pytest.raises(ValueError):
        split_for("p", ratios)
