"""What happens to a trace after a submission, and whether an annotator passed screening.

``route`` decides from the trace's submissions, outstanding assignments and agreement score
(``TraceAgreement.score``), in this order:

| condition                                                     | route                 |
| ---                                                           | ---                   |
| submitted + in progress < overlap                             | needs_more_annotators |
| someone still works on it (in progress > 0)                   | wait                  |
| a single submission (overlap 1): nothing to compare           | wait                  |
| score >= threshold, auto-approve on                           | auto_approve          |
| score >= threshold, auto-approve off (the default)            | wait (normal review)  |
| score < threshold (or undefined), submitted < max annotators  | route_to_one_more     |
| score < threshold (or undefined), submitted >= max annotators | adjudicate            |

``wait`` means no automatic step: an assignment is still out, or the trace goes through normal
review. A max below the overlap counts as the overlap. An undefined score (no figure could be
computed) counts as disagreement, so a person looks at it.

``screen`` reads an annotator's pooled gold results (``gold.pooled``): ``pending`` below the
minimum number of items, then ``passed`` when every chosen figure that has data reaches the
threshold, else ``failed``.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .gold import GoldResult, pooled


class Route(StrEnum):
    NEEDS_MORE_ANNOTATORS = "needs_more_annotators"
    ROUTE_TO_ONE_MORE = "route_to_one_more"
    ADJUDICATE = "adjudicate"
    AUTO_APPROVE = "auto_approve"
    WAIT = "wait"


class Screening(StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    PENDING = "pending"


@dataclass(frozen=True, slots=True)
class RoutingSettings:
    """A project's routing settings."""

    threshold: float
    overlap: int = 2
    max_annotators: int = 3
    auto_approve: bool = False


@dataclass(frozen=True, slots=True)
class ScreeningRules:
    """A project's screening settings; ``metrics`` are ``GoldResult`` figures."""

    threshold: float
    min_items: int
    metrics: Sequence[str] = ("boundary_f1", "type_accuracy", "rating_accuracy")


def route(
    settings: RoutingSettings, *, submitted: int, score: float | None, in_progress: int = 0
) -> Route:
    """The next step for a trace with ``submitted`` segmentations and that agreement ``score``."""
    if submitted + in_progress < settings.overlap:
        return Route.NEEDS_MORE_ANNOTATORS
    if in_progress > 0 or submitted < 2:
        return Route.WAIT
    if score is not None and score >= settings.threshold:
        return Route.AUTO_APPROVE if settings.auto_approve else Route.WAIT
    if submitted < max(settings.max_annotators, settings.overlap):
        return Route.ROUTE_TO_ONE_MORE
    return Route.ADJUDICATE


def screen(results: Iterable[GoldResult], rules: ScreeningRules) -> Screening:
    """An annotator's screening state from their gold results."""
    total = pooled(results)
    if total.items < rules.min_items:
        return Screening.PENDING
    figures = [getattr(total, name) for name in rules.metrics]
    passed = all(f >= rules.threshold for f in figures if f is not None)
    return Screening.PASSED if passed else Screening.FAILED
