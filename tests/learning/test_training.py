"""Training a project's segmenter: on people's submitted cuts, versioned, against the rules."""
from __future__ import annotations

from curation.models import LearningSettings, SegmenterModel, TraceUncertainty
from curation.segment.learned import BoundaryModel
from curation.services import learning
from tests.learning.conftest import add_human_traces


def test_training_reads_the_human_segmentations_and_stores_a_scored_version(project, lead, taught):
    model = learning.start_training(project, "response", user=lead)  # eager: trained at once
    model.refresh_from_db()
    assert model.status == SegmenterModel.Status.READY and model.version == 1
    assert model.training_size == 12 and model.folds == 5
    assert model.f1 > 0.9 and model.f1 > model.rules_f1  # rules see one sentence list
    assert model.rules_strategy == "solution"
    assert BoundaryModel.from_json(model.model_json).training["texts"] == 12
    assert not model.active  # the project did not ask for automatic switching


def test_drafts_and_automatic_segmentations_are_not_training_data(project, lead):
    add_human_traces(project, lead, 4)
    add_human_traces(project, lead, 6, status="draft", start=100)
    model = learning.start_training(project, "response")
    model.refresh_from_db()
    assert model.status == SegmenterModel.Status.FAILED
    assert "has 4" in model.message


def test_approved_only_reads_only_approved_segmentations(project, lead, taught):
    add_human_traces(project, lead, 5, status="approved", start=50)
    model = learning.start_training(project, "response", source="approved")
    model.refresh_from_db()
    assert model.status == SegmenterModel.Status.READY and model.training_size == 5


def test_versions_count_up_per_field(project, lead, taught):
    first = learning.start_training(project, "response")
    second = learning.start_training(project, "response")
    assert (first.version, second.version) == (1, 2)


def test_a_better_model_is_switched_on_when_the_project_allows_it(project, lead, taught):
    learning.update_settings(project, auto_activate=True)
    model = learning.start_training(project, "response")
    model.refresh_from_db()
    assert model.active
    assert learning.strategy_for(project, "response")[0] == "learned"


def test_a_model_no_better_than_the_rules_is_never_switched_on_by_itself(project, lead):
    add_human_traces(project, lead, 8, numbered=True)  # the rules cut these perfectly
    learning.update_settings(project, auto_activate=True)
    model = learning.start_training(project, "response")
    model.refresh_from_db()
    assert model.status == SegmenterModel.Status.READY
    assert model.rules_f1 == 1.0 and not model.beats_rules
    assert not model.active and learning.strategy_for(project, "response") is None


def test_a_new_model_worse_than_the_active_one_is_not_switched_on(project, lead, taught):
    learning.update_settings(project, auto_activate=True)
    best = learning.start_training(project, "response")
    SegmenterModel.objects.filter(pk=best.pk).update(f1=1.0)  # as good as it gets
    newer = learning.start_training(project, "response")
    newer.refresh_from_db()
    best.refresh_from_db()
    assert newer.status == SegmenterModel.Status.READY and not newer.active
    assert best.active


def test_the_lead_may_switch_any_trained_version_on_and_back_to_the_rules(project, lead, taught):
    model = learning.start_training(project, "response")
    model.refresh_from_db()
    learning.activate_model(model, lead)
    assert learning.strategy_for(project, "response")[0] == "learned"
    assert learning.deactivate_field(project, "response", lead) == 1
    assert learning.strategy_for(project, "response") is None


def test_after_training_every_trace_gets_its_uncertainty(project, lead, taught):
    model = learning.start_training(project, "response")
    scores = TraceUncertainty.objects.filter(model=model)
    assert scores.count() == len(taught)
    assert all(0.0 <= s.entropy <= 1.0 for s in scores)


def test_settings_default_to_training_only_when_asked(project):
    settings = learning.settings_of(project)
    assert settings.train_every == 0 and not settings.auto_activate
    assert settings.queue_order == LearningSettings.QueueOrder.OLDEST
