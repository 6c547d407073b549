"""Where a proposal came from, kept with it into the database and the exports."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

MODEL, ROLLOUTS, CONSENSUS = "model", "rollouts", "consensus"


@dataclass(frozen=True)
class Provenance:
    """Who proposed: the source kind, the model, the prompt version, how sure, and the votes."""

    source: str
    task: str
    model: str
    prompt_version: str
    confidence: float
    votes: dict[int, int] = field(default_factory=dict)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["votes"] = {str(k): v for k, v in self.votes.items()}  # JSON keys are strings
        return data


def first_error_ratings(first_error: int, n_steps: int) -> list[int | None]:
    """+1 for each step before the first error, -1 on it, None (no proposal) after it.

    ``first_error == -1`` means no error: every step +1.
    """
    if first_error < 0:
        return [1] * n_steps
    return [1] * first_error + [-1] + [None] * (n_steps - first_error - 1)
