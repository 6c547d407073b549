"""Builds honour whose labels they take: nothing a model proposed reaches a "human" build
without a person; the manifest says which; the steps export carries each label's source."""
from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from curation.models import Step, StepProposal
from tests.factories import add_segmentation, add_trace

pytestmark = pytest.mark.django_db


def _propose(segmentation, index, value, source, status="pending", confidence=0.9):
    step = segmentation.steps.all()[index]
    return StepProposal.objects.create(
        segmentation=segmentation, step_index=index, start=step.start, end=step.end,
        value=str(value), source=source, status=status, confidence=confidence, model_name="m",
    )


@pytest.fixture
def proposed(project):
    """One trace cut by the segmenter, with a model's, a consensus and a rejected proposal."""
    trace = add_trace(project, 1)
    seg = add_segmentation(trace)
    _propose(seg, 0, 1, "model")
    _propose(seg, 1, -1, "consensus")
    _propose(seg, 2, 1, "model", status="rejected")
    return seg


def _build(datasets_root, *args) -> tuple[dict, list[dict]]:
    call_command("build_dataset", "--project", "alpha", "--dataset", "d", "--source", "auto",
                 "--formats", "steps,prm", "--container", "jsonl", *args,
                 stdout=StringIO(), stderr=StringIO())
    root = max((datasets_root / "alpha/d").iterdir())
    manifest = json.loads((root / "manifest.json").read_text())
    rows = [json.loads(line) for path in sorted((root / "steps/data").glob("*.jsonl"))
            for line in path.read_text().splitlines()]
    return manifest, rows


def _labels(rows):
    return [(s["rating"], s["source"]) for s in rows[0]["steps"]]


def test_a_human_build_never_takes_a_pending_proposal(proposed, datasets_root):
    manifest, rows = _build(datasets_root, "--labels", "human")
    assert manifest["label_sources"] == "human" and manifest["steps_schema_version"] == 2
    assert _labels(rows) == [(None, "rule")] * 3  # typed by the segmenter's rules, unrated


def test_a_consensus_build_takes_only_the_agreed_labels(proposed, datasets_root):
    manifest, rows = _build(datasets_root, "--labels", "consensus")
    assert manifest["label_sources"] == "consensus"
    assert _labels(rows) == [(None, "rule"), (-1, "consensus"), (None, "rule")]


def test_an_any_build_takes_every_proposal_but_the_rejected(proposed, datasets_root):
    _, rows = _build(datasets_root, "--labels", "any")
    assert _labels(rows) == [(1, "model"), (-1, "consensus"), (None, "rule")]


def test_a_label_a_person_accepted_counts_as_verified_and_keeps_its_source(project, annotator, datasets_root):
    trace = add_trace(project, 2)
    seg = add_segmentation(trace, origin="human", author=annotator, ratings=[1, None, -1])
    Step.objects.filter(segmentation=seg, position=0).update(label_source="model", verified_by=annotator)
    Step.objects.filter(segmentation=seg, position=2).update(label_source="model")  # nobody verified it
    _, rows = _build(datasets_root, "--labels", "human", "--source", "submitted")
    assert _labels(rows) == [(1, "model"), (None, "person"), (None, "")]


def test_the_old_spelling_of_the_prm_label_rule_still_works(proposed, datasets_root):
    manifest, _ = _build(datasets_root, "--labels", "non-negative")
    assert manifest["label_sources"] == "human"
    assert manifest["options"]["label_for_rating"].endswith("non_negative_is_true")
