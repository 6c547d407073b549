"""Model-assisted labels from any OpenAI-compatible endpoint (plain Python, no Django).

The stages, one module each:

* ``client``: ``ChatClient`` over the guarded outbound client (limits, retries, usage,
  cancellation) and ``try_endpoint``; ``ratelimit`` and ``usage`` beside it;
* ``prompts``: editable templates, versioned by hash; ``untrusted``: reading model output
  that may be malformed or hostile, with counted discard reasons; ``answers``: math-verify;
* the tasks: ``rewrite`` (SRL steps), ``critic`` (first error, voted), ``rollouts``
  (Monte-Carlo estimates, binary search, cost estimate), ``consensus``, ``sections``;
* ``provenance``: where every proposal came from; ``jobs``: many traces from sync code.

Each task takes plain inputs (``CriticInput`` ...) and returns a result that carries either a
proposal with its ``Provenance`` or ``discarded`` with a reason; none raises for anything the
model or the endpoint does.
"""
from __future__ import annotations

from .client import (
    Cancelled, ChatClient, ChatError, Choice, EndpointCheck, EndpointConfig, try_endpoint,
)
from .consensus import PEOPLE, PROPOSE, ConsensusResult, combine
from .critic import CriticInput, CriticResult, critic_messages, critique, read_first_error, vote
from .jobs import Failed, JobRunner
from .prompts import CRITIC, DEFAULTS, REWRITE, ROLLOUT, SECTIONS, PromptTemplate
from .provenance import Provenance, first_error_ratings
from .rewrite import RewriteInput, RewriteResult, check_format, rewrite
from .rollouts import (
    CostEstimate, RolloutInput, RolloutResult, estimate_rollout_cost, label_by_rollouts,
    prefixes_needed, search_first_error,
)
from .sections import SectionsInput, SectionsResult, cut_sections, read_section_starts, sentence_starts
from .usage import Prices, Usage

__all__ = [
    "CRITIC", "DEFAULTS", "PEOPLE", "PROPOSE", "REWRITE", "ROLLOUT", "SECTIONS", "Cancelled",
    "ChatClient", "ChatError", "Choice", "ConsensusResult", "CostEstimate", "CriticInput",
    "CriticResult", "EndpointCheck", "EndpointConfig", "Failed", "JobRunner", "Prices",
    "PromptTemplate", "Provenance", "RewriteInput", "RewriteResult", "RolloutInput",
    "RolloutResult", "SectionsInput", "SectionsResult", "Usage", "check_format", "combine",
    "critic_messages", "critique", "cut_sections", "estimate_rollout_cost", "first_error_ratings",
    "label_by_rollouts", "prefixes_needed", "read_first_error", "read_section_starts", "rewrite",
    "search_first_error", "sentence_starts", "try_endpoint", "vote",
]
