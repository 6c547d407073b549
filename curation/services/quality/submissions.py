"""What a submission sets off: a gold answer is scored at once (screening decides the next
claim), anything else has its trace's agreement computed by a worker after commit."""
from __future__ import annotations

from curation.models import Segmentation
from curation.services.enqueue import enqueue_on_commit
from curation.services.quality.gold import gold_for, score_gold


def on_submitted(*, segmentation: Segmentation) -> None:
    """Called by ``annotation.submit`` once the submission is saved."""
    gold = gold_for(segmentation)
    if gold is not None:
        score_gold(segmentation=segmentation, gold=gold)
        return
    enqueue_agreement(trace_id=segmentation.trace_id, field=segmentation.field)


def enqueue_agreement(*, trace_id: int, field: str) -> None:
    """Queue the trace field's agreement on the ``quality`` work, once the transaction commits."""
    from curation import tasks  # tasks import the services; only entry points import tasks

    enqueue_on_commit(tasks.compute_agreement, trace_id, field)
