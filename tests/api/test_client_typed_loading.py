"""Every JSON lines artifact loads with ``datasets`` whatever its rows: the card declares each
config's features and the client passes them, so type inference from the first rows never
decides a column's type (issue 13: ``step_title`` null for 1,963 rows, then a string)."""
from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from curation.export import BuildOptions, build_artifacts
from curation.export.card import feature_yaml, to_yaml
from curation.export.formats import FORMATS
from stepwise_client.loading import load_split, split_path
from tests.factories import solution_trace, text_trace

datasets = pytest.importorskip("datasets")

# datasets reads JSON lines in 10 MiB chunks and fixes the types from the first one: each
# trap below fills more than that before the type it hides shows up.
TRAP_ROWS = 2100
PADDING = "x" * 5500
ALL_TRAIN = BuildOptions(split_ratios=(1.0, 0.0, 0.0))


def trap_traces():
    """Without steps first (``steps`` is an empty list), then steps with neither title nor
    rating (``step_title``, ``step_rating`` and ``ratings`` null), then titled, rated steps."""
    for n in range(TRAP_ROWS):
        yield text_trace([], trace_id=n, problem=f"empty {n} {PADDING}", preamble="")
    for n in range(TRAP_ROWS, 2 * TRAP_ROWS):
        yield text_trace(["plain step one.", "plain step two."], trace_id=n,
                         problem=f"plain {n} {PADDING}")
    for n in range(2 * TRAP_ROWS, 2 * TRAP_ROWS + 20):
        yield solution_trace(trace_id=n, problem=f"titled {n}", ratings=[1, 0, -1])


@pytest.fixture(scope="module")
def trap_version(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("trap") / "v1"
    build_artifacts(trap_traces(), out, list(FORMATS), ("jsonl", "jsonl.gz"), ALL_TRAIN)
    return out


@pytest.fixture(scope="module")
def hf_cache(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("hf-cache"))


def test_without_declared_features_datasets_cannot_load_the_trap(trap_version, hf_cache):
    """The trap is real: type inference alone fails on it."""
    path = trap_version / split_path("srl", "train", "jsonl")
    with pytest.raises(datasets.exceptions.DatasetGenerationError):
        datasets.load_dataset("json", data_files=str(path), split="train", cache_dir=hf_cache)


@pytest.mark.parametrize("container", ["jsonl", "jsonl.gz"])
@pytest.mark.parametrize("name", list(FORMATS))
def test_the_client_loads_every_format_with_the_declared_types(
    trap_version, hf_cache, name, container
):
    loaded = load_split(trap_version, name, "train", container, cache_dir=hf_cache)

    assert loaded.features == datasets.Features.from_arrow_schema(FORMATS[name].schema)
    assert loaded.num_rows == _jsonl_rows(trap_version / split_path(name, "train", "jsonl"))


def test_late_values_survive_behind_the_nulls(trap_version, hf_cache):
    srl = load_split(trap_version, "srl", "train", "jsonl", cache_dir=hf_cache)
    steps = load_split(trap_version, "steps", "train", "jsonl", cache_dir=hf_cache)

    assert srl[-1]["step_title"] == "Answer" and srl[-1]["step_rating"] == -1
    assert steps[0]["steps"] == [] and steps[-1]["steps"][0]["title"] is None
    assert steps[-1]["steps"][0]["end"] > 0


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_config_of_a_jsonl_only_card_loads(trap_version, hf_cache, name):
    loaded = datasets.load_dataset(str(trap_version), name, split="train", cache_dir=hf_cache)

    assert loaded.features == datasets.Features.from_arrow_schema(FORMATS[name].schema)


def test_ints_then_floats_load_as_declared_floats(tmp_path, hf_cache):
    """A float column whose first ten megabytes hold whole numbers."""
    schema = pa.schema([("score", pa.float64()), ("text", pa.string())])
    card = to_yaml({"dataset_info": [{"config_name": "scores", "features": feature_yaml(schema)}]})
    (tmp_path / "README.md").write_text(f"---\n{card}---\n", encoding="utf-8")
    data = tmp_path / split_path("scores", "train", "jsonl")
    data.parent.mkdir(parents=True)
    with open(data, "w", encoding="utf-8") as out:
        for n in range(TRAP_ROWS):
            out.write(json.dumps({"score": n, "text": PADDING}) + "\n")
        out.write(json.dumps({"score": 0.25, "text": "late"}) + "\n")

    loaded = load_split(tmp_path, "scores", "train", cache_dir=hf_cache)

    assert loaded.features["score"] == datasets.Value("float64")
    assert loaded[-1]["score"] == 0.25


def _jsonl_rows(path: Path) -> int:
    with open(path, "rb") as lines:
        return sum(1 for _ in lines)
