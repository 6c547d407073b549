"""First-error critic, ProcessBench style: k samples of "which paragraph is first wrong", voted.

Pure parts (``critic_messages``, ``read_first_error``, ``vote``) work on plain data; ``critique``
asks a ``ChatClient`` and never raises for anything the model or the endpoint does.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from . import untrusted
from .client import Cancelled, ChatClient, ChatError
from .prompts import CRITIC, PromptTemplate
from .provenance import MODEL, Provenance, first_error_ratings
from .untrusted import Discard


@dataclass(frozen=True)
class CriticInput:
    trace_id: int | str
    problem: str
    steps: list[str]


@dataclass
class CriticResult:
    """The voted first error (-1: none) and its ratings, or ``discarded`` with the reason."""

    trace_id: int | str
    first_error: int | None = None
    ratings: list[int | None] = field(default_factory=list)
    provenance: Provenance | None = None
    discards: Counter = field(default_factory=Counter)
    discarded: str | None = None


def critic_messages(problem: str, steps: list[str], template: PromptTemplate = CRITIC) -> list[dict]:
    paragraphs = "\n\n".join(
        f"<paragraph_{i}>\n{step}\n</paragraph_{i}>" for i, step in enumerate(steps)
    )
    return template.messages(problem=problem, paragraphs=paragraphs)


def read_first_error(text: str, n_steps: int, *, truncated: bool = False) -> int | Discard:
    """The index in ``\\boxed{}`` at the end of one critic answer, checked against the steps."""
    rejected = untrusted.screen(text, truncated=truncated)
    if rejected:
        return rejected
    boxed = untrusted.last_boxed(text)
    if boxed is None:
        return Discard(untrusted.NO_ANSWER, "no \\boxed{} index")
    return untrusted.index_in_range(boxed, -1, n_steps - 1)


def vote(indices: list[int]) -> tuple[int, dict[int, int], float]:
    """Majority over the valid samples: (winner, votes, share of votes for the winner).

    A tie goes to the earliest error among the tied (an error is what people must look at);
    "no error" wins a tie only against nothing.
    """
    votes = Counter(indices)
    top = max(votes.values())
    tied = [index for index, count in votes.items() if count == top]
    errors = sorted(i for i in tied if i >= 0)
    winner = errors[0] if errors else -1
    return winner, dict(sorted(votes.items())), top / len(indices)


async def critique(
    client: ChatClient, item: CriticInput, *, samples: int = 1,
    template: PromptTemplate = CRITIC, temperature: float | None = None, max_tokens: int | None = None,
) -> CriticResult:
    """Ask for ``samples`` critiques of ``item`` and vote; discards are counted, never raised."""
    result = CriticResult(item.trace_id)
    if not item.steps:
        result.discarded = untrusted.FORMAT
        return result
    try:
        choices = await client.complete(
            critic_messages(item.problem, item.steps, template), n=samples,
            temperature=temperature, max_tokens=max_tokens,
        )
    except ChatError as error:
        result.discarded = f"{untrusted.ENDPOINT}: {error.category}"
        return result
    except Cancelled:
        result.discarded = untrusted.CANCELLED
        return result
    valid = _valid_indices(choices, len(item.steps), result.discards)
    if not valid:
        result.discarded = untrusted.NO_VALID_SAMPLE
        return result
    winner, votes, share = vote(valid)
    result.first_error, result.ratings = winner, first_error_ratings(winner, len(item.steps))
    result.provenance = Provenance(MODEL, "critic", client.config.model, template.version, share, votes)
    return result


def _valid_indices(choices, n_steps: int, discards: Counter) -> list[int]:
    valid = []
    for choice in choices:
        index = read_first_error(choice.text, n_steps, truncated=choice.truncated)
        if isinstance(index, Discard):
            discards[index.reason] += 1
        else:
            valid.append(index)
    return valid
