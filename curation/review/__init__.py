"""Review as plain data: the states a segmentation goes through and the adjudication overlay.

- ``states``: the state machine of a segmentation's status (submit, skip, resubmit, approve,
  send back, withdraw, adjudicate): which action is allowed from which status, and to where;
- ``overlay``: two or three annotators' cuts laid over one text, as the adjudication page draws
  them (text pieces and the boundaries between them, each with who placed it).

No Django here: the services (``curation.services.review``) read rows, call these and write.
"""
from .overlay import Overlay, Piece, overlay
from .states import Action, InvalidTransition, next_status

__all__ = ["Action", "InvalidTransition", "Overlay", "Piece", "next_status", "overlay"]
