"""Real public files from ../shared/data through the whole import (skipped when absent)."""
from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from curation.models import Segmentation, Step, Trace
from tests.factories import SHARED_DATA

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.shared_data,
    pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not present"),
]


def import_real(name: str, *extra: str) -> str:
    out = StringIO()
    call_command(
        "import_traces", str(SHARED_DATA / name), "--project", "real", "--no-segment", *extra,
        stdout=out, stderr=StringIO(),
    )
    return out.getvalue()


def imported_steps() -> int:
    return Step.objects.filter(segmentation__origin=Segmentation.Origin.IMPORTED).count()


def test_processbench_keeps_its_steps_and_first_error_ratings():
    output = import_real("processbench_gsm8k.jsonl")

    assert "Preset: processbench" in output
    assert Trace.objects.count() == 400
    assert imported_steps() == 2082
    assert not Step.objects.filter(rating=-1).exclude(segmentation__trace__source__label__gte=0).exists()


def test_thought_anchors_chunks_import_through_the_built_in_mapping():
    output = import_real("thought_anchors_r1_distill_chunked.jsonl", "--mapping", "thought_anchors_chunked")

    assert "Preset: mapping" in output
    assert Trace.objects.count() == 40
    assert imported_steps() == 5814
    assert "2 bad records" in output


def test_tau_bench_transcripts_become_agent_traces_with_one_step_per_action():
    output = import_real("tau_bench_gpt4o_airline_trajectories.jsonl")

    assert "Preset: agent" in output
    assert Trace.objects.filter(kind=Trace.Kind.AGENT).count() == 200
    assert imported_steps() == 2454


def test_importing_a_real_file_twice_adds_nothing():
    import_real("bigbench_mistake_multistep_arithmetic.jsonl")
    output = import_real("bigbench_mistake_multistep_arithmetic.jsonl")

    assert "0 traces imported, 300 duplicates skipped" in output
    assert Trace.objects.count() == 300
