"""Which traces a job takes, and what each task sees of a trace (plain inputs for the cores).

The critic, rollouts and consensus judge the steps of the segmentation an annotator's draft
starts from (``annotation.queue.starting_point``): their proposals then sit on the same spans
as the draft's steps. A rewrite reads the final solution, sections the reasoning.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from curation.assist import CriticInput, RewriteInput, RolloutInput, SectionsInput
from curation.models import AssistJob, AssistResult, Project, Segmentation, Step, Trace

Task = AssistJob.Task
STEP_TASKS = (Task.CRITIC, Task.ROLLOUTS, Task.CONSENSUS)
# A draft starts from an imported segmentation, else a model's, else the automatic one.
_PREFERENCE = {Segmentation.Origin.IMPORTED: 0, Segmentation.Origin.MODEL: 1, Segmentation.Origin.AUTO: 2}
ALL, WITHOUT_RESULTS = "all", "without-results"


class InvalidSelection(ValueError):
    """The traces asked for are not (all) the project's."""


@dataclass
class Work:
    """One trace as a task sees it, with the rows its result is saved against."""

    trace: Trace
    target: Segmentation | None  # the judged segmentation (step tasks)
    steps: list[Step]  # in order: a step's index is its place here
    item: Any  # the core's input (CriticInput ...), None when there is nothing to ask


def select_traces(
    project: Project, task: str, *, trace_ids: Sequence[int] | None = None, selection: str = ALL,
) -> list[int]:
    """The ids a job takes, in id order: the given ones (all the project's, checked), or all
    of the project's, or those no earlier job of this task has a result for."""
    traces = project.traces.order_by("id")
    if trace_ids is not None:
        wanted = sorted(set(int(i) for i in trace_ids))
        found = list(traces.filter(pk__in=wanted).values_list("id", flat=True))
        if len(found) != len(wanted):
            missing = sorted(set(wanted) - set(found))[:5]
            raise InvalidSelection(f"no trace {', '.join(map(str, missing))} in {project.slug}")
        return found
    if selection == WITHOUT_RESULTS:
        done = AssistResult.objects.filter(job__project=project, job__task=task)
        traces = traces.exclude(pk__in=done.values("trace_id"))
    elif selection != ALL:
        raise InvalidSelection(f"selection {selection!r} is not one of {ALL}, {WITHOUT_RESULTS}")
    return list(traces.values_list("id", flat=True))


def works_for(task: str, trace_ids: Iterable[int]) -> list[Work]:
    """Each trace of one chunk with its input: three queries for the whole chunk."""
    traces = list(Trace.objects.filter(pk__in=list(trace_ids)).order_by("id"))
    targets = _targets(traces) if task in STEP_TASKS else {}
    steps = _steps_of([seg.pk for seg in targets.values()])
    works = []
    for trace in traces:
        target = targets.get(trace.pk)
        own = steps.get(target.pk, []) if target else []
        works.append(Work(trace, target, own, _item(task, trace, target, own)))
    return works


def _targets(traces: list[Trace]) -> dict[int, Segmentation]:
    candidates = (
        Segmentation.objects.filter(trace__in=traces, origin__in=list(_PREFERENCE))
        .select_related("rewrite").order_by("-id")
    )
    chosen: dict[int, Segmentation] = {}
    for seg in candidates:
        best = chosen.get(seg.trace_id)
        if best is None or _PREFERENCE[seg.origin] < _PREFERENCE[best.origin]:
            chosen[seg.trace_id] = seg
    return chosen


def _steps_of(segmentation_ids: list[int]) -> dict[int, list[Step]]:
    steps: dict[int, list[Step]] = defaultdict(list)
    for step in Step.objects.filter(segmentation_id__in=segmentation_ids).order_by("segmentation_id", "position"):
        steps[step.segmentation_id].append(step)
    return steps


def _item(task: str, trace: Trace, target: Segmentation | None, steps: list[Step]) -> Any:
    if task == Task.REWRITE:
        return RewriteInput(trace.pk, trace.problem, trace.response) if trace.response.strip() else None
    if task == Task.SECTIONS:
        return SectionsInput(trace.pk, trace.reasoning) if trace.reasoning.strip() else None
    if target is None or not steps:
        return None
    target.trace = trace
    text = target.text()
    texts = [text[step.start:step.end] for step in steps]
    if task == Task.CRITIC:
        return CriticInput(trace.pk, trace.problem, texts)
    rollout = RolloutInput(trace.pk, trace.problem, texts, trace.answer)
    if task == Task.ROLLOUTS:
        return rollout
    return (CriticInput(trace.pk, trace.problem, texts), rollout)
