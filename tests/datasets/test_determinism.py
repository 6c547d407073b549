"""The same spec over the same data gives the same bytes."""
from __future__ import annotations

import json

import pytest

from curation.models import Segmentation
from curation.services.datasets.spec import BuildSpec
from curation.services.datasets.build import build_version, start_build, verify_version

from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db

SPEC = BuildSpec(source="auto", containers=("jsonl", "jsonl.gz", "parquet"))


@pytest.fixture
def varied_traces(project):
    """Traces given out of id order, with unordered source keys and non-ASCII text."""
    for n in (3, 1, 4, 0, 2):
        trace = add_trace(project, n, source={"z": n, "a": "é", "m": [n, "x"]},
                          teacher=f"teacher-{n % 2}")
        add_segmentation(trace, ratings=[1, n % 3 - 1, None], notes=["", "ünïcode ✓", ""])


def test_rebuilding_a_version_reproduces_every_checksum(dataset, varied_traces):
    version = build_version(start_build(dataset=dataset, spec=SPEC))

    assert verify_version(version) == []


def test_a_trace_cut_again_since_the_build_no_longer_reproduces(dataset, varied_traces):
    version = build_version(start_build(dataset=dataset, spec=SPEC))
    Segmentation.objects.filter(pk=Segmentation.objects.first().pk).update(revision=7)

    differing = verify_version(version)

    assert "traces.jsonl" in differing and "steps/data/train-00000-of-00001.jsonl" in differing


def test_two_versions_of_one_spec_differ_only_in_their_version_stamps(dataset, varied_traces,
                                                                      datasets_root):
    first = build_version(start_build(dataset=dataset, spec=SPEC))
    second = build_version(start_build(dataset=dataset, spec=SPEC))

    differing = {path for path, entry in first.manifest["files"].items()
                 if second.manifest["files"][path] != entry}
    assert not any(path.startswith("steps/") or path == "traces.jsonl" for path in differing)
    srl = "srl/data/train-00000-of-00001.jsonl"
    rows = [[{k: v for k, v in json.loads(line).items() if k != "version"}
             for line in (datasets_root / v.path / srl).read_text().splitlines()]
            for v in (first, second)]
    assert rows[0] == rows[1]
