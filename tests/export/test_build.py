"""build_artifacts: one streaming pass writes every file of a version, reproducibly."""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import subprocess
import sys
from functools import partial
from pathlib import Path

import pytest
import yaml

import stepwise_reward
from curation.export import BuildOptions, build_artifacts, publish_atomically, staging_dir
from curation.export.filters import drop_traces_with_negative_step
from tests.factories import mixed_traces, solution_trace

ALL_CONTAINERS = ("jsonl", "jsonl.gz", "parquet")
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("version")
    return build_artifacts(mixed_traces(), out, containers=ALL_CONTAINERS)


def read_card_header(out: Path) -> dict:
    text = (out / "README.md").read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def test_data_files_follow_the_hub_layout(built):
    for fmt in ("srl", "prm", "sft", "steps"):
        for split in ("train", "validation", "test"):
            for container in ALL_CONTAINERS:
                assert (built.out_dir / f"{fmt}/data/{split}-00000-of-00001.{container}").is_file()


def test_row_counts_per_format_and_split(built):
    traces = sum(built.traces.values())
    assert traces == 63
    assert sum(n for (fmt, _), n in built.rows.items() if fmt == "sft") == traces
    assert sum(n for (fmt, _), n in built.rows.items() if fmt == "prm") == traces - 1
    # 60 solutions of 3 steps, an agent run of 4 actions, the hostile trace's 2 steps
    assert sum(n for (fmt, _), n in built.rows.items() if fmt == "srl") == 180 + 4 + 2


def test_manifest_has_the_sha256_and_size_of_every_other_file(built):
    manifest = json.loads((built.out_dir / "manifest.json").read_text())
    on_disk = sorted(p.relative_to(built.out_dir).as_posix()
                     for p in built.out_dir.rglob("*") if p.is_file())
    assert sorted(manifest["files"]) == [p for p in on_disk if p != "manifest.json"]
    for path, entry in manifest["files"].items():
        data = (built.out_dir / path).read_bytes()
        assert entry == {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def test_manifest_is_sorted_and_counts_rows(built):
    text = (built.out_dir / "manifest.json").read_text()
    assert text == json.dumps(json.loads(text), sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert json.loads(text)["rows"]["sft/train"] == built.rows["sft", "train"]


def test_the_same_inputs_give_byte_identical_files(built, tmp_path):
    again = build_artifacts(mixed_traces(), tmp_path / "again", containers=ALL_CONTAINERS)
    assert again.manifest_sha256 == built.manifest_sha256
    assert again.files == built.files


def test_a_build_in_another_process_with_another_hash_seed_is_identical(built, tmp_path):
    code = (
        "import sys; from curation.export import build_artifacts;"
        "from tests.factories import mixed_traces;"
        "print(build_artifacts(mixed_traces(), sys.argv[1],"
        " containers=('jsonl', 'jsonl.gz', 'parquet')).manifest_sha256)"
    )
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "v")], cwd=REPO_ROOT,
                          env={**os.environ, "PYTHONHASHSEED": "12345"}, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == built.manifest_sha256


def test_card_declares_a_config_per_format_with_its_splits_and_license(built):
    header = read_card_header(built.out_dir)
    assert header["license"] == "other"
    configs = {c["config_name"]: c["data_files"] for c in header["configs"]}
    assert set(configs) == {"srl", "prm", "sft", "steps"}
    assert configs["srl"] == [
        {"split": s, "path": f"srl/data/{s}-00000-of-00001.parquet"}
        for s in ("train", "validation", "test")
    ]


def test_card_records_counts_and_how_the_reward_is_computed(built):
    card = (built.out_dir / "README.md").read_text(encoding="utf-8")
    assert f"| srl rows | {built.rows['srl', 'train']} |" in card
    assert "autojunk=False" in card and "2M/T" in card and "**-1**" in card
    assert "</think>" in card


def test_trace_index_records_which_segmentation_each_trace_used(built):
    lines = (built.out_dir / "traces.jsonl").read_text(encoding="utf-8").splitlines()
    first = json.loads(lines[0])
    assert len(lines) == 63
    assert first == {"trace_id": 0, "split": first["split"], "segmentation_id": 10,
                     "revision": 3, "author": "ann", "steps_field": "response",
                     "num_steps": 3, "kind": "text"}


def test_the_shipped_reward_module_is_stepwise_reward_and_runs_alone(built):
    shipped = built.out_dir / "srl_reward.py"
    assert shipped.read_bytes() == Path(stepwise_reward.__file__).read_bytes()
    spec = importlib.util.spec_from_file_location("shipped_srl_reward", shipped)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.srl_reward(["<think>t</think>abcd"], ["bcde"]) == [0.75]


def test_filters_leave_traces_out_and_the_card_says_how_many(tmp_path):
    options = BuildOptions(trace_filters=(drop_traces_with_negative_step,))
    result = build_artifacts(mixed_traces(), tmp_path / "v", ["prm"], ["jsonl"], options)
    assert result.dropped_traces == 20  # every third solution has a -1 step
    assert "Traces left out by them: 20" in (tmp_path / "v/README.md").read_text()


def test_the_manifest_records_the_options_that_shaped_the_rows(tmp_path):
    options = BuildOptions(next_step_title_hint=True, system_prompt="Be brief.",
                           trace_filters=(partial(drop_traces_with_negative_step),))
    build_artifacts([solution_trace()], tmp_path / "v", ["srl"], ["jsonl"], options)
    recorded = json.loads((tmp_path / "v/manifest.json").read_text())["options"]
    assert recorded["next_step_title_hint"] is True
    assert recorded["system_prompt"] == "Be brief."
    assert recorded["trace_filters"] == ["drop_traces_with_negative_step"]
    assert "    Be brief." in (tmp_path / "v/README.md").read_text()


def test_a_build_without_traces_still_makes_a_card_and_a_manifest(tmp_path):
    result = build_artifacts([], tmp_path / "v")
    assert sorted(result.files) == ["README.md", "srl_reward.py", "traces.jsonl"]
    assert read_card_header(tmp_path / "v")["configs"] == []


def test_a_non_empty_directory_is_refused(tmp_path):
    (tmp_path / "stale.txt").write_text("x")
    with pytest.raises(FileExistsError):
        build_artifacts([solution_trace()], tmp_path)


def test_unknown_formats_and_containers_are_refused(tmp_path):
    with pytest.raises(ValueError):
        build_artifacts([solution_trace()], tmp_path / "a", ["csv"])
    with pytest.raises(ValueError):
        build_artifacts([solution_trace()], tmp_path / "b", ["srl"], ["xml"])
    with pytest.raises(ValueError):
        build_artifacts([solution_trace()], tmp_path / "c", ["srl"], [])


def test_publishing_moves_the_whole_version_under_its_final_name(tmp_path):
    final = tmp_path / "datasets/v1"
    with staging_dir(final) as tmp:
        build_artifacts([solution_trace()], tmp, ["sft"], ["jsonl"])
        publish_atomically(tmp, final)
    assert (final / "manifest.json").is_file() and not tmp.exists()
    assert [p.name for p in final.parent.iterdir()] == ["v1"]


def test_a_published_version_is_never_replaced(tmp_path):
    final = tmp_path / "v1"
    final.mkdir()
    (final / "manifest.json").write_text("{}")
    with staging_dir(final) as tmp:
        with pytest.raises(FileExistsError):
            publish_atomically(tmp, final)
    assert (final / "manifest.json").read_text() == "{}"


def test_a_failed_build_leaves_no_staging_directory(tmp_path):
    def failing_traces():
        yield solution_trace()
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        with staging_dir(tmp_path / "v1") as tmp:
            build_artifacts(failing_traces(), tmp)
    assert list(tmp_path.iterdir()) == []
