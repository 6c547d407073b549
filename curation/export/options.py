"""Everything a build can be told, in one frozen value (the spec a version records)."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from curation.export.filters import TraceFilter
from curation.export.prompts import AGENT_SYSTEM_PROMPT, SRL_SYSTEM_PROMPT
from curation.export.splits import DEFAULT_RATIOS

RatingLabel = Callable[[int | None], bool]


def plus_one_is_true(rating: int | None) -> bool:
    """TRL's PRM800K converter: +1 is a good step; 0, -1 and unrated are not."""
    return rating == 1


def non_negative_is_true(rating: int | None) -> bool:
    """A milder mapping: only -1 is a bad step (0 means 'fine but not progress')."""
    return rating is not None and rating >= 0


@dataclass(frozen=True, slots=True)
class BuildOptions:
    version: int = 1
    dataset_name: str = "stepwise-dataset"
    license: str = "other"  # a Hugging Face license id
    split_ratios: tuple[float, float, float] = DEFAULT_RATIOS
    trace_filters: tuple[TraceFilter, ...] = ()
    # srl
    system_prompt: str = SRL_SYSTEM_PROMPT
    agent_system_prompt: str = AGENT_SYSTEM_PROMPT
    next_step_title_hint: bool = False  # the paper reports the hint helps (sec. 4.2, note 1)
    agent_context_pairs: int = 2
    # Text traces' context (see ``context``): None, None takes the steps field's default;
    # set either to bound it (0: no limit of that kind).
    srl_context_steps: int | None = None
    srl_context_tokens: int | None = None
    # Per steps field, (field, last K steps, token budget), 0 or None meaning no limit of that
    # kind; a field named here takes this rule over the two above (what a version's spec says).
    srl_context_by_field: tuple[tuple[str, int | None, int | None], ...] = ()
    # At most this many SRL rows per trace, those of its first steps (None: every step).
    srl_max_steps_per_trace: int | None = None
    # prm
    label_for_rating: RatingLabel = plus_one_is_true
    # Whose labels the caller let in (recorded in the manifest): "human" (people's, and proposals
    # a person accepted), "consensus" (also critic-and-rollouts agreement), "any" (any proposal).
    label_sources: str = "human"
    # containers
    gzip_level: int = 6  # zlib level for "jsonl.gz": 6 is zlib's own speed/size balance
    parquet_buffer_bytes: int = 24 * 2**20  # all open Parquet writers together
    parquet_row_group_bytes: int = 16 * 2**20  # per row group, in serialized JSON bytes
    ship_reward_module: bool = True  # copy stepwise_reward into the version as srl_reward.py


DEFAULT_OPTIONS = BuildOptions()
