"""Section cuts for long reasoning, chosen by a model, snapped to sentence starts.

The model sees the reasoning as numbered sentences (the segmenter's own boundaries) and answers
with the numbers of the sentences that open a section. Numbers, not quoted first words: a
number names exactly one position, while a quote may be misspelt, shortened or found twice.
Every number is a sentence start, so the cuts go through ``segment.spans.spans_from_cuts`` with
the text's protected regions: the spans keep every invariant of the segmenter.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from curation.segment.regions import find_regions
from curation.segment.sentences import boundaries
from curation.segment.spans import Span, spans_from_cuts

from . import untrusted
from .client import Cancelled, ChatClient, ChatError
from .prompts import SECTIONS, PromptTemplate
from .provenance import MODEL, Provenance
from .untrusted import Discard

# Each sentence is shown up to this many characters: the number is what the model answers with.
SHOWN_CHARS = 240


@dataclass(frozen=True)
class SectionsInput:
    trace_id: int | str
    text: str


@dataclass
class SectionsResult:
    trace_id: int | str
    spans: list[Span] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # the sentence numbers the model chose
    provenance: Provenance | None = None
    discarded: str | None = None
    detail: str = ""


def sentence_starts(text: str) -> list[int]:
    """Where each sentence (or line, or paragraph) of ``text`` starts, in order."""
    stripped = len(text) - len(text.lstrip())
    if stripped == len(text):
        return []
    return [stripped, *(pos for pos, _kind in boundaries(text) if pos > stripped)]


def numbered_sentences(text: str, starts: list[int]) -> str:
    ends = [*starts[1:], len(text)]
    lines = []
    for number, (start, end) in enumerate(zip(starts, ends)):
        sentence = " ".join(text[start:end].split())
        shown = sentence if len(sentence) <= SHOWN_CHARS else sentence[:SHOWN_CHARS] + " …"
        lines.append(f"[{number}] {shown}")
    return "\n".join(lines)


def read_section_starts(answer: str, n_sentences: int, *, truncated: bool = False) -> list[int] | Discard:
    """The sentence numbers in ``{"sections": [...]}``, sorted and unique; any bad one discards
    the whole answer (a model that miscounts once cannot be trusted with the rest)."""
    rejected = untrusted.screen(answer, truncated=truncated)
    if rejected:
        return rejected
    data = untrusted.json_object(answer)
    if isinstance(data, Discard):
        return data
    raw = data.get("sections")
    if not isinstance(raw, list) or not raw or len(raw) > n_sentences:
        return Discard(untrusted.FORMAT, "'sections' is not a list of sentence numbers")
    numbers = []
    for value in raw:
        number = untrusted.index_in_range(value, 0, n_sentences - 1)
        if isinstance(number, Discard):
            return number
        numbers.append(number)
    return sorted(set(numbers))


def spans_for(text: str, starts: list[int], chosen: list[int]) -> list[Span]:
    """The section spans when the sections open at sentence numbers ``chosen``."""
    return spans_from_cuts(text, [starts[i] for i in chosen], find_regions(text))


async def cut_sections(
    client: ChatClient, item: SectionsInput, *, template: PromptTemplate = SECTIONS,
    temperature: float | None = 0.0, max_tokens: int | None = None,
) -> SectionsResult:
    """Ask for section starts over ``item.text`` and turn them into exact spans."""
    result = SectionsResult(item.trace_id)
    starts = sentence_starts(item.text)
    if not starts:
        result.discarded = untrusted.EMPTY
        return result
    try:
        (choice, *_) = await client.complete(
            template.messages(sentences=numbered_sentences(item.text, starts)),
            temperature=temperature, max_tokens=max_tokens,
        )
    except ChatError as error:
        result.discarded = f"{untrusted.ENDPOINT}: {error.category}"
        return result
    except Cancelled:
        result.discarded = untrusted.CANCELLED
        return result
    chosen = read_section_starts(choice.text, len(starts), truncated=choice.truncated)
    if isinstance(chosen, Discard):
        result.discarded, result.detail = chosen.reason, chosen.detail
        return result
    result.starts, result.spans = chosen, spans_for(item.text, starts, chosen)
    result.provenance = Provenance(MODEL, "sections", client.config.model, template.version, 1.0)
    return result
