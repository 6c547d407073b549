"""The statuses a segmentation passes through, and which action leads from which to which.

    draft --submit--> submitted --approve--> approved --withdraw--> submitted
    draft --skip--> skipped          submitted --send_back--> sent_back --resubmit--> submitted
    (nothing) --adjudicate--> approved

Statuses are plain strings (the values of ``Segmentation.Status``); ``skipped`` is what a skip
records whether or not the model stores it as a status. Anything else is refused with
``InvalidTransition``, which says what the segmentation is and what the action needs.
"""
from __future__ import annotations

from enum import Enum

DRAFT, SUBMITTED, APPROVED, SENT_BACK, SKIPPED = "draft", "submitted", "approved", "sent_back", "skipped"
NEW = ""  # an adjudicated segmentation is born approved


class Action(str, Enum):
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    SKIP = "skip"
    APPROVE = "approve"
    SEND_BACK = "send_back"
    WITHDRAW = "withdraw"
    ADJUDICATE = "adjudicate"


# action -> (the statuses it starts from, the status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[str], str]] = {
    Action.SUBMIT: (frozenset({DRAFT}), SUBMITTED),
    Action.RESUBMIT: (frozenset({SENT_BACK}), SUBMITTED),
    Action.SKIP: (frozenset({DRAFT}), SKIPPED),
    Action.APPROVE: (frozenset({SUBMITTED}), APPROVED),
    Action.SEND_BACK: (frozenset({SUBMITTED}), SENT_BACK),
    Action.WITHDRAW: (frozenset({APPROVED}), SUBMITTED),
    Action.ADJUDICATE: (frozenset({NEW}), APPROVED),
}

_VERBS = {
    Action.SUBMIT: "submitted", Action.RESUBMIT: "resubmitted", Action.SKIP: "skipped",
    Action.APPROVE: "approved", Action.SEND_BACK: "sent back", Action.WITHDRAW: "withdrawn",
    Action.ADJUDICATE: "adjudicated",
}


class InvalidTransition(ValueError):
    """The action is not allowed from the segmentation's current status."""


def next_status(action: Action | str, current: str) -> str:
    """The status ``action`` leads to from ``current``, or ``InvalidTransition``."""
    action = Action(action)
    sources, target = TRANSITIONS[action]
    if current not in sources:
        needed = " or ".join(sorted(s.replace("_", " ") or "new" for s in sources))
        raise InvalidTransition(
            f"A segmentation that is {current.replace('_', ' ') or 'new'} cannot be "
            f"{_VERBS[action]}: only one that is {needed} can."
        )
    return target


def submit_action(current: str) -> Action:
    """An annotator's submit: a first submit from a draft, a resubmit of sent-back work."""
    return Action.RESUBMIT if current == SENT_BACK else Action.SUBMIT
