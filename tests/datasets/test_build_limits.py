"""The builder's SRL options (context rule per field, rows a trace), the size estimate shown
before a build and the refusal above the cap (issues 13 and 16), and old specs rebuilding
byte for byte."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from curation.models import Dataset, DatasetVersion
from curation.services.datasets import BuildTooLarge
from curation.services.datasets.build import build_version, start_build, verify_version
from curation.services.datasets.estimate import estimate_selection
from curation.services.datasets.spec import WHOLE_PREFIX, BuildSpec
from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db

STEP = "Then I consider the next case carefully and write it out. " * 12  # ~700 characters
STEPS = 30


def reasoning_trace(project, n: int = 0):
    """A trace whose automatic segmentation cuts a long reasoning into STEPS steps."""
    text = "".join(f"[{k:02d}] {STEP}" for k in range(STEPS))
    trace = add_trace(project, n, reasoning=text, text="The answer is 2.",
                      problem=f"Long problem {n}")
    size = len(text) // STEPS
    spans = [(k * size, (k + 1) * size) for k in range(STEPS)]
    add_segmentation(trace, spans=spans, field="reasoning", token_counts=[size // 4] * STEPS)
    return trace


@pytest.fixture
def dataset(project):
    return Dataset.objects.create(project=project, name="long", license="mit")


def srl_rows(version: DatasetVersion, datasets_root) -> list[dict]:
    folder = datasets_root / version.path / "srl" / "data"
    return [json.loads(line) for path in sorted(folder.glob("*.jsonl"))
            for line in path.read_text().splitlines()]


def test_a_spec_saved_before_the_options_reads_as_the_whole_prefix_without_a_cap():
    spec = BuildSpec.from_json({"source": "auto"})

    assert spec.srl_context == WHOLE_PREFIX and spec.max_steps_per_trace is None


def test_a_new_spec_records_each_fields_rule_explicitly():
    stored = BuildSpec(source="auto").to_json()

    assert stored["srl_context"] == {
        "reasoning": {"max_steps": None, "max_tokens": 2048},
        "response": {"max_steps": None, "max_tokens": None},
    }
    assert "max_steps_per_trace" in stored


def test_an_old_version_rebuilds_byte_for_byte(dataset, project, datasets_root):
    reasoning_trace(project)
    version = build_version(start_build(
        dataset=dataset, spec=BuildSpec(source="auto", srl_context=WHOLE_PREFIX)))
    old_spec = {k: v for k, v in version.spec.items()
                if k not in ("srl_context", "max_steps_per_trace")}
    DatasetVersion.objects.filter(pk=version.pk).update(spec=old_spec)  # as saved before them
    version.refresh_from_db()

    assert verify_version(version) == []
    last = srl_rows(version, datasets_root)[-1]
    assert "earlier steps omitted" not in last["prompt"][1]["content"]  # the whole prefix


def test_a_new_build_bounds_long_reasoning_by_default(dataset, project, datasets_root):
    reasoning_trace(project)

    version = build_version(start_build(dataset=dataset, spec=BuildSpec(source="auto")))

    last = srl_rows(version, datasets_root)[-1]
    assert "earlier steps omitted" in last["prompt"][1]["content"]
    assert version.manifest["options"]["srl_context"]["reasoning"]["max_tokens"] == 2048
    assert verify_version(version) == []


def test_the_cap_on_rows_a_trace_is_built_and_recorded(dataset, project, datasets_root):
    reasoning_trace(project)

    version = build_version(start_build(
        dataset=dataset, spec=BuildSpec(source="auto", max_steps_per_trace=5)))

    assert len(srl_rows(version, datasets_root)) == 5
    assert version.manifest["srl_rows_capped"] == STEPS - 5
    assert version.manifest["options"]["srl_max_steps_per_trace"] == 5


def test_the_estimate_matches_the_rows_and_is_near_the_bytes(dataset, project, datasets_root):
    for n in range(3):
        reasoning_trace(project, n)
    spec = BuildSpec(source="auto", formats=("srl", "prm"), containers=("jsonl",))

    estimate = estimate_selection(dataset, spec)
    version = build_version(start_build(dataset=dataset, spec=spec))

    assert estimate.formats["srl"].rows == 3 * STEPS
    written = sum(p.stat().st_size for p in (datasets_root / version.path / "srl").rglob("*.jsonl"))
    assert 0.75 < estimate.formats["srl"].bytes / written < 1.25
    assert [t.steps for t in estimate.largest] == [STEPS] * 3


def test_a_build_above_the_cap_is_refused_and_records_nothing(dataset, project, settings):
    reasoning_trace(project)
    settings.STEPWISE_MAX_BUILD_BYTES = 10_000

    with pytest.raises(BuildTooLarge, match="above the cap"):
        start_build(dataset=dataset, spec=BuildSpec(source="auto"))
    assert not DatasetVersion.objects.exists()


# --- the builder page ---------------------------------------------------------------------------

FORM = {"source": "auto", "ratings": "all", "labels": "plus-one", "formats": ["srl", "prm"],
        "containers": ["jsonl"], "reasoning_context_tokens": "2048"}


def page(name: str, dataset) -> str:
    return reverse(name, args=[dataset.project.slug, dataset.name])


def test_the_builder_shows_rows_and_bytes_per_format_and_split(client, lead, dataset, project):
    trace = reasoning_trace(project)
    client.force_login(lead)

    body = client.post(page("dataset-counts", dataset), FORM).content.decode()

    assert 'id="estimate-srl"' in body and 'id="estimate-prm"' in body
    assert "<th>train</th>" in body and "<th>test</th>" in body
    assert f'href="/p/{project.slug}/traces/{trace.pk}/"' in body  # the largest trace, linked


def test_the_builder_warns_above_the_cap(client, lead, dataset, project, settings):
    reasoning_trace(project)
    settings.STEPWISE_MAX_BUILD_BYTES = 10_000
    client.force_login(lead)

    body = client.post(page("dataset-counts", dataset), FORM).content.decode()

    assert 'id="estimate-over-cap"' in body


def test_the_builder_refuses_a_build_above_the_cap(client, lead, dataset, project, settings):
    reasoning_trace(project)
    settings.STEPWISE_MAX_BUILD_BYTES = 10_000
    client.force_login(lead)

    response = client.post(page("dataset-builder", dataset), FORM)

    assert response.status_code == 200 and not DatasetVersion.objects.exists()
    assert "Not built: this build would write about" in response.content.decode()


def test_the_builder_offers_each_fields_default_context(client, lead, dataset):
    client.force_login(lead)

    body = client.get(page("dataset-builder", dataset)).content.decode()

    assert 'name="reasoning_context_tokens" value="2048"' in body
    assert 'name="max_steps_per_trace"' in body


def test_the_builder_records_the_chosen_rule(client, lead, dataset, project):
    reasoning_trace(project)
    client.force_login(lead)

    client.post(page("dataset-builder", dataset), {
        **FORM, "reasoning_context_steps": "2", "reasoning_context_tokens": "",
        "max_steps_per_trace": "7"})

    spec = DatasetVersion.objects.get().spec
    assert spec["srl_context"]["reasoning"] == {"max_steps": 2, "max_tokens": None}
    assert spec["max_steps_per_trace"] == 7


# --- build_dataset ------------------------------------------------------------------------------


def build_dataset(*args: str) -> str:
    out = StringIO()
    call_command("build_dataset", "--project", "alpha", "--dataset", "long", "--source", "auto",
                 *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_the_command_prints_the_estimate_before_building(dataset, project):
    reasoning_trace(project)

    output = build_dataset("--formats", "srl")

    assert f"srl: {STEPS} rows" in output and "Version 1 published" in output


def test_the_command_refuses_above_max_bytes(dataset, project):
    reasoning_trace(project)

    with pytest.raises(CommandError, match="Not built: .*above the cap"):
        build_dataset("--max-bytes", "10000")
    assert not DatasetVersion.objects.exists()


def test_max_bytes_cannot_raise_the_operators_cap(dataset, project, settings):
    settings.STEPWISE_MAX_BUILD_BYTES = 10_000

    with pytest.raises(CommandError, match="STEPWISE_MAX_BUILD_BYTES"):
        build_dataset("--max-bytes", "20000")


def test_the_command_takes_the_context_rule_and_the_cap(dataset, project):
    reasoning_trace(project)

    build_dataset("--srl-context-steps", "3", "--max-steps-per-trace", "4")

    spec = DatasetVersion.objects.get().spec
    assert spec["srl_context"]["reasoning"] == {"max_steps": 3, "max_tokens": None}
    assert spec["max_steps_per_trace"] == 4


@pytest.mark.parametrize("changes", [
    {"max_steps_per_trace": 0},
    {"srl_context": {"answer": {"max_steps": 2}}},
    {"srl_context": {"reasoning": {"max_steps": -1}}},
    {"srl_context": {"reasoning": {"window": 2}}},
], ids=["cap-0", "unknown-field", "negative", "unknown-limit"])
def test_a_wrong_context_or_cap_is_refused(changes):
    from curation.services.datasets.spec import InvalidSpec

    with pytest.raises(InvalidSpec):
        BuildSpec(**changes)
