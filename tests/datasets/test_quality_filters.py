"""The quality loop in dataset versions: filters on review and agreement, provenance in the
``steps`` rows, agreement figures in the card."""
from __future__ import annotations

import json

import pytest
from django.core.management import call_command

from curation.models import TraceAgreement
from curation.services.datasets.build import build_version, start_build
from curation.services.datasets.spec import BuildSpec, InvalidSpec
from curation.services.quality import compute_trace_agreement

from tests.factories import add_member, add_segmentation, add_trace

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(django_user_model, project):
    return [add_member(django_user_model, project, name, "annotator") for name in ("ann", "bob")]


@pytest.fixture
def corpus(project, people, reviewer):
    """1: two annotators agree, one approved by rita; 2: they disagree (one approved);
    3: one annotator; 4: an adjudicated segmentation made from two."""
    ann, bob = people
    traces = {n: add_trace(project, n) for n in (1, 2, 3, 4)}
    whole = [(0, len(traces[2].response))]
    approved1 = add_segmentation(traces[1], origin="human", status="approved", author=ann)
    approved1.reviewed_by = reviewer
    approved1.save()
    add_segmentation(traces[1], origin="human", author=bob)
    add_segmentation(traces[2], origin="human", status="approved", author=ann)
    add_segmentation(traces[2], origin="human", author=bob, spans=whole)
    add_segmentation(traces[3], origin="human", author=ann)
    a = add_segmentation(traces[4], origin="human", author=ann)
    b = add_segmentation(traces[4], origin="human", author=bob)
    adjudicated = add_segmentation(traces[4], origin="human", status="approved", author=reviewer)
    adjudicated.parents.set([a, b])
    for n in (1, 2, 4):
        compute_trace_agreement(trace_id=traces[n].pk, field="response")
    return traces


def numbers(project, **spec) -> list[int]:
    from curation.services.datasets.selection import chosen_segmentations

    rows = chosen_segmentations(project, BuildSpec(**spec)).order_by("trace_id")
    return [int(p.split(":")[0].split()[1]) for p in rows.values_list("trace__problem", flat=True)]


def test_agreement_is_stored_for_the_corpus(corpus):
    f1 = dict(TraceAgreement.objects.values_list("trace_id", "boundary_f1"))
    assert f1 == {corpus[1].pk: 1.0, corpus[2].pk: 0.0, corpus[4].pk: 1.0}


def test_approved_only_keeps_approved_and_adjudicated_segmentations(project, corpus):
    assert numbers(project, review="approved") == [1, 2, 4]


def test_adjudicated_only_keeps_segmentations_made_from_several(project, corpus):
    assert numbers(project, review="adjudicated") == [4]


def test_min_agreement_keeps_traces_whose_annotators_agreed_enough(project, corpus):
    assert numbers(project, min_agreement=0.5) == [1, 4]
    assert numbers(project, min_agreement=0.0) == [1, 2, 4]  # one annotator: no figure


def test_the_spec_refuses_an_agreement_outside_zero_to_one():
    with pytest.raises(InvalidSpec):
        BuildSpec(min_agreement=1.5)
    with pytest.raises(InvalidSpec):
        BuildSpec(review="maybe")


def test_a_spec_stored_before_these_filters_still_reads():
    old = BuildSpec().to_json()
    del old["review"], old["min_agreement"]
    assert BuildSpec.from_json(old) == BuildSpec()


def _build(dataset, **spec):
    return build_version(start_build(dataset=dataset, spec=BuildSpec(**spec, formats=("steps",),
                                                                       containers=("jsonl",))))


def _rows(root, version) -> list[dict]:
    rows = []
    for split in ("train", "validation", "test"):
        path = root / version.path / f"steps/data/{split}-00000-of-00001.jsonl"
        if path.exists():
            rows += [json.loads(line) for line in path.read_text().splitlines()]
    return sorted(rows, key=lambda row: row["trace_id"])


def test_steps_rows_carry_author_reviewer_status_and_agreement(dataset, corpus, datasets_root):
    version = _build(dataset, source="submitted")
    assert version.status == "published", version.message
    rows = {row["trace_id"]: row for row in _rows(datasets_root, version)}
    first = rows[corpus[1].pk]
    assert (first["author"], first["status"], first["reviewer"], first["agreement"]) == (
        "ann", "approved", "rita", 1.0)
    assert rows[corpus[2].pk]["agreement"] == 0.0
    assert (rows[corpus[3].pk]["status"], rows[corpus[3].pk]["agreement"]) == ("submitted", None)


def test_the_card_reports_the_agreement_of_the_included_traces(dataset, corpus, datasets_root):
    version = _build(dataset, source="submitted", min_agreement=0.5)
    card = (datasets_root / version.path / "README.md").read_text()
    assert "## Agreement" in card
    assert "2 traces of this version were cut by two or more annotators" in card
    assert "| boundary precision / recall / F1 (pooled cuts) | 1.000 / 1.000 / 1.000 |" in card


def test_a_version_without_agreement_says_so(dataset, project, datasets_root):
    add_segmentation(add_trace(project, 9))
    version = _build(dataset, source="auto")
    card = (datasets_root / version.path / "README.md").read_text()
    assert "No trace of this version has two or more annotators." in card


def test_the_command_takes_the_quality_filters(project, corpus, datasets_root, capsys):
    call_command("build_dataset", "--project", project.slug, "--dataset", "agreed",
                 "--review", "approved", "--min-agreement", "0.5", "--formats", "steps",
                 "--container", "jsonl")
    assert "from 2 traces" in capsys.readouterr().out
