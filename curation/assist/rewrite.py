"""SRL rewrite: a final solution restructured into ``1. **Title** action`` steps by a model.

The rewrite is a new text kept beside the original (never over it), checked by the format
check below (the SRL paper discards what fails it), and cut by the ``solution`` strategy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from curation.segment import SegmentedStep, segment_text

from . import answers, untrusted
from .client import Cancelled, ChatClient, ChatError
from .prompts import REWRITE, PromptTemplate
from .provenance import MODEL, Provenance
from .untrusted import Discard

_ITEM = re.compile(r"^[ \t]*(\d{1,3})\.[ \t]+\*\*([^*\n]+?)\*\*[ \t]*:?[ \t]*(.*)$", re.MULTILINE)
# A rewrite this much longer than the original is not following it.
MAX_GROWTH = 4
# Numbers a rewrite may bring that the original lacks, before it counts as solved anew: small
# ones (counts, "twice", step numbers) are ignored; of the rest, at most one, or a quarter.
_NUMBER = re.compile(r"\d+(?:\.\d+)?")
SMALL_NUMBER = 10
MAX_NEW_NUMBERS = 1
MAX_NEW_SHARE = 0.25


@dataclass(frozen=True)
class RewriteInput:
    trace_id: int | str
    problem: str
    solution: str


@dataclass
class RewriteResult:
    trace_id: int | str
    text: str | None = None
    steps: list[SegmentedStep] = field(default_factory=list)
    provenance: Provenance | None = None
    discarded: str | None = None
    detail: str = ""


def check_format(text: str, original: str, *, truncated: bool = False, problem: str = "") -> str | Discard:
    """The rewrite, stripped, when it passes the format check; else a Discard saying why.

    Passes: only numbered items ``N. **Title** ...``, numbered 1, 2, 3 ... in order, each with
    a title and some action text, not far longer than the original, the original's boxed
    final answer (if it has one) unchanged, and no intermediate results the original (or the
    problem) does not have: a rewrite follows the original, it does not solve anew.
    """
    rejected = untrusted.screen(text, truncated=truncated, max_chars=max(2000, MAX_GROWTH * len(original)))
    if rejected:
        return rejected
    text = text.strip()
    items = list(_ITEM.finditer(text))
    if not items or items[0].start() != 0:
        return Discard(untrusted.FORMAT, "does not start with '1. **Title**'")
    numbers = [int(m.group(1)) for m in items]
    if numbers != list(range(1, len(items) + 1)):
        return Discard(untrusted.FORMAT, "steps not numbered 1, 2, 3, ...")
    bodies = [text[m.end(2) : nxt.start() if nxt else len(text)] for m, nxt in zip(items, [*items[1:], None])]
    if any(not body.strip(" \t\n*:") for body in bodies):
        return Discard(untrusted.FORMAT, "a step has a title but no action")
    new = _new_numbers("".join(m.group(2) for m in items) + "".join(bodies), original + " " + problem)
    if new:
        return Discard(untrusted.NOT_FOLLOWING, f"results the original does not have: {', '.join(new[:5])}")
    return _same_answer(text, original)


def _new_numbers(rewritten: str, original: str) -> list[str]:
    """The numbers of the rewrite the original lacks, when there are too many of them to be
    rounding or restating (then the model computed things the original did not)."""
    def significant(text: str) -> set[str]:
        return {n for n in _NUMBER.findall(text) if "." in n or int(n) > SMALL_NUMBER}

    found = significant(rewritten)
    new = sorted(found - significant(original) - set(_NUMBER.findall(original)))
    if len(new) > MAX_NEW_NUMBERS and len(new) > MAX_NEW_SHARE * len(found):
        return new
    return []


def _same_answer(text: str, original: str) -> str | Discard:
    expected = untrusted.last_boxed(original)
    if expected is None:
        return text
    found = untrusted.last_boxed(text)
    if found is None or not answers.equivalent(found, expected):
        return Discard(untrusted.ANSWER_CHANGED, "the final answer differs from the original's")
    return text


async def rewrite(
    client: ChatClient, item: RewriteInput, *, template: PromptTemplate = REWRITE,
    temperature: float | None = 0.0, max_tokens: int | None = None,
) -> RewriteResult:
    """Rewrite ``item.solution``; the result's steps are cut by the ``solution`` strategy."""
    result = RewriteResult(item.trace_id)
    try:
        (choice, *_) = await client.complete(
            template.messages(problem=item.problem, solution=item.solution),
            temperature=temperature, max_tokens=max_tokens,
        )
    except ChatError as error:
        result.discarded = f"{untrusted.ENDPOINT}: {error.category}"
        return result
    except Cancelled:
        result.discarded = untrusted.CANCELLED
        return result
    checked = check_format(choice.text, item.solution, truncated=choice.truncated, problem=item.problem)
    if isinstance(checked, Discard):
        result.discarded, result.detail = checked.reason, checked.detail
        return result
    result.text, result.steps = checked, segment_text(checked, "solution")
    result.provenance = Provenance(MODEL, "rewrite", client.config.model, template.version, 1.0)
    return result
