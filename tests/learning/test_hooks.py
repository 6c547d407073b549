"""Where learning meets the rest: the submit hook, the queue order, the auto-segmenter."""
from __future__ import annotations

from curation.models import Segmentation, SegmenterModel, TraceUncertainty
from curation.services import learning
from curation.services.annotation import claim_next, submit
from curation.services.segmentation import segment_in_process
from tests.factories import add_cut_trace, add_trace


def _submit_next(project, annotator) -> Segmentation:
    assignment = claim_next(project=project, annotator=annotator)
    draft = assignment.segmentation
    return submit(segmentation=draft, user=annotator, revision=draft.revision)


def test_training_starts_after_every_n_new_submissions(
    project, annotator, django_capture_on_commit_callbacks
):
    for n in range(5):
        add_cut_trace(project, n)
    learning.update_settings(project, train_every=2)

    def submit_one():  # the task is sent when submit's transaction commits
        with django_capture_on_commit_callbacks(execute=True):
            _submit_next(project, annotator)

    submit_one()
    assert not SegmenterModel.objects.exists()
    submit_one()
    failed = SegmenterModel.objects.get()  # two traces are too few to train: failed, recorded
    assert failed.training_size == 2 and failed.status == SegmenterModel.Status.FAILED
    submit_one()
    assert SegmenterModel.objects.count() == 1
    submit_one()
    assert list(SegmenterModel.objects.values_list("training_size", flat=True)) == [4, 2]


def test_submissions_train_nothing_when_the_project_does_not_ask(project, annotator):
    add_cut_trace(project, 1)
    _submit_next(project, annotator)
    assert not SegmenterModel.objects.exists()


def _uncertain(trace, entropy: float) -> None:
    model = SegmenterModel.objects.get_or_create(
        project=trace.project, field="response", version=1)[0]
    TraceUncertainty.objects.create(trace=trace, field="response", model=model, entropy=entropy)


def test_the_queue_hands_out_the_most_uncertain_trace_first_when_asked(project, annotator):
    oldest, unsure, sure = (add_cut_trace(project, n) for n in range(3))
    _uncertain(unsure, 0.9)
    _uncertain(sure, 0.1)
    learning.update_settings(project, queue_order="uncertain")
    assert claim_next(project=project, annotator=annotator).trace == unsure


def test_the_queue_hands_out_the_oldest_trace_first_by_default(project, annotator):
    oldest, unsure = (add_cut_trace(project, n) for n in range(2))
    _uncertain(unsure, 0.9)
    assert claim_next(project=project, annotator=annotator).trace == oldest


def test_an_auto_run_cuts_with_the_active_model_and_the_rules_elsewhere(project, lead):
    from tests.learning.conftest import add_human_traces

    add_human_traces(project, lead, 10)
    model = learning.start_training(project, "response")
    model.refresh_from_db()
    fresh = add_trace(project, 99, text="First it is small. It holds. Then it adds up to 12.",
                      content_hash="fresh")
    segment_in_process(project, [fresh.pk])
    assert fresh.segmentations.get(origin="auto", field="response").strategy == "solution"
    learning.activate_model(model, lead)
    segment_in_process(project, [fresh.pk])
    cut = fresh.segmentations.get(origin="auto", field="response")
    assert cut.strategy == "learned"
    # Every field is cut: the reasoning, with no model of its own, still by the rules.
    assert fresh.segmentations.get(origin="auto", field="reasoning").strategy != "learned"
    assert [(s.start, s.end) for s in cut.steps.order_by("position")] == [(0, 28), (29, 51)]
