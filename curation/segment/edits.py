"""The annotator's edits to a list of steps, as pure functions over spans of one text.

Every edit is described by a ``Splice``: "from position ``index``, the steps ``before`` become the
steps ``after``". That one shape covers split (1 -> 2), merge (2 -> 1), a moved boundary (2 -> 2)
and a relabel (1 -> 1); it is what the edit history stores, and undoing an edit is applying its
inverse. Edits keep the segmenter's invariants (see ``spans.py``): steps are ordered, never
overlap, never empty, and trimmed to non-whitespace at both ends, so the whitespace between two
steps belongs to neither and merging or moving never loses a character of the text.

Offsets are Python string indices (code points) into the field being segmented.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, replace

from .spans import trim

RATINGS = (-1, 0, 1)
UNITS = ("word", "sentence")

_WORD = re.compile(r"\S+")
# A sentence ends after . ! ? (and any closing quotes or brackets) before whitespace, or at a line
# break. Abbreviations cut too early now and then; moving by a word is there to fix that.
_SENTENCE_END = re.compile(r"[.!?]+[\"'\u201d\u2019)\]]*(?=\s)|\n")


class EditError(ValueError):
    """An edit that cannot be made on these steps; the message tells the annotator why."""


@dataclass(frozen=True, slots=True)
class EditableStep:
    start: int
    end: int
    type: str = ""
    rating: int | None = None
    note: str = ""
    flagged: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> EditableStep:
        return cls(**{name: data[name] for name in cls.__slots__ if name in data})


@dataclass(frozen=True, slots=True)
class Splice:
    """At ``index``, the steps ``before`` are replaced by ``after``; ``focus`` is the step to
    select afterwards (an absolute position in the new list)."""

    index: int
    before: tuple[EditableStep, ...]
    after: tuple[EditableStep, ...]
    focus: int

    def inverted(self) -> Splice:
        return Splice(self.index, self.after, self.before, focus=self.index)

    def apply(self, steps: Sequence[EditableStep]) -> list[EditableStep]:
        """The new list of steps; refuses when ``steps`` no longer hold what the splice replaces."""
        end = self.index + len(self.before)
        if tuple(steps[self.index : end]) != self.before:
            raise EditError("The steps changed since this edit was made.")
        return [*steps[: self.index], *self.after, *steps[end:]]


def redraws_locally(steps: Sequence[EditableStep], splice: Splice) -> bool:
    """Whether the edited ``steps`` can be redrawn from the splice's range alone: the steps
    around it are ordered with it before and after, and its outer ends did not move (overlapping
    or untrimmed imported steps make the neighbours or the gaps change too)."""
    index, before, after = splice.index, splice.before, splice.after
    around = (steps[max(0, index - 1) : index], steps[index + len(after) : index + len(after) + 1])
    return (
        _ordered([*around[0], *before, *around[1]])
        and _ordered([*around[0], *after, *around[1]])
        and (before[0].start, before[-1].end) == (after[0].start, after[-1].end)
    )


def _ordered(steps: Sequence[EditableStep]) -> bool:
    return all(a.end <= b.start for a, b in itertools.pairwise(steps))


class StepWindow(Sequence[EditableStep]):
    """A few consecutive steps of a longer list, with its length and label counts: what an edit
    reads instead of every step of a long draft (one edit needs its step, its neighbours and the
    counts the editor shows).

    ``steps`` are the list's positions ``first`` on. Reading a position outside them (a caller
    that needs the whole list, such as a full redraw) calls ``load_all`` once and answers from
    that. The counts: steps without a rating, without a type, flagged.
    """

    def __init__(
        self, length: int, first: int, steps: list[EditableStep], counts: tuple[int, int, int],
        load_all: Callable[[], list[EditableStep]],
    ) -> None:
        self.length, self.first, self.steps, self.counts = length, first, steps, counts
        self._load_all = load_all
        # A window of every step is the whole list already: nothing more to read.
        self._all: list[EditableStep] | None = steps if first == 0 and len(steps) == length else None

    def __len__(self) -> int:
        return self.length

    def __getitem__(self, key):
        if isinstance(key, slice):
            start, stop, stride = key.indices(self.length)
            if stride == 1 and (start >= stop or self._holds(start, stop)):
                return self.steps[start - self.first : stop - self.first] if start < stop else []
            return self.everything()[key]
        position = key + self.length if key < 0 else key
        if not 0 <= position < self.length:
            raise IndexError(key)
        if self._holds(position, position + 1):
            return self.steps[position - self.first]
        return self.everything()[position]

    def __iter__(self) -> Iterator[EditableStep]:
        return iter(self.everything())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]  # compares by content, like a list

    def everything(self) -> list[EditableStep]:
        if self._all is None:
            self._all = self._load_all()
        return self._all

    def spliced(self, splice: Splice) -> StepWindow:
        """The window after ``splice``, counts updated; refuses like ``Splice.apply`` when the
        steps no longer hold what the splice replaces. A splice reaching outside the window is
        applied to the whole list (read then)."""
        end = splice.index + len(splice.before)
        if not self._holds(splice.index, end):
            steps = splice.apply(self.everything())
            window = StepWindow(len(steps), 0, steps, _count(steps), self._load_all)
            window._all = steps
            return window
        if tuple(self[splice.index : end]) != splice.before:
            raise EditError("The steps changed since this edit was made.")
        at = splice.index - self.first
        steps = [*self.steps[:at], *splice.after, *self.steps[at + len(splice.before) :]]
        added, removed = _count(splice.after), _count(splice.before)
        counts = tuple(count + a - r for count, a, r in zip(self.counts, added, removed))
        window = StepWindow(
            self.length + len(splice.after) - len(splice.before), self.first, steps, counts,
            self._load_all,
        )
        if self._all is not None:
            window._all = splice.apply(self._all)
        return window

    def _holds(self, start: int, stop: int) -> bool:
        return self.first <= start and stop <= self.first + len(self.steps)


def label_counts(steps: Sequence[EditableStep]) -> tuple[int, int, int]:
    """Steps without a rating, without a type, flagged (a window knows its own)."""
    return steps.counts if isinstance(steps, StepWindow) else _count(steps)


def _count(steps: Sequence[EditableStep]) -> tuple[int, int, int]:
    return (
        sum(step.rating is None for step in steps),
        sum(not step.type for step in steps),
        sum(bool(step.flagged) for step in steps),
    )


def split_step(text: str, steps: Sequence[EditableStep], index: int, at: int) -> Splice:
    """Cut step ``index`` at offset ``at``; the second half keeps the type, not the rating or note."""
    step = _step(steps, index)
    if not step.start < at < step.end:
        edge = "at the start of" if at == step.start else "at the end of" if at == step.end else "outside"
        raise EditError(
            f"The caret is {edge} step {index + 1}: place it where the new step should begin."
        )
    left, right = trim(text, step.start, at), trim(text, at, step.end)
    if left is None or right is None:
        raise EditError("Splitting there would leave an empty step.")
    first = replace(step, start=left[0], end=left[1])
    second = EditableStep(start=right[0], end=right[1], type=step.type)
    return Splice(index, (step,), (first, second), focus=index + 1)


def merge_with_next(steps: Sequence[EditableStep], index: int) -> Splice:
    """Join step ``index`` and the one after it; the first's type and rating win, notes are kept."""
    first, second = (
        _step(steps, index),
        _step(steps, index + 1, "There is no next step to merge with."),
    )
    notes = "\n".join(note for note in (first.note, second.note) if note)
    merged = replace(first, end=second.end, note=notes, flagged=first.flagged or second.flagged)
    return Splice(index, (first, second), (merged,), focus=index)


def merge_with_previous(steps: Sequence[EditableStep], index: int) -> Splice:
    if index == 0:
        raise EditError("There is no previous step to merge with.")
    return merge_with_next(steps, index - 1)


def move_boundary(
    text: str, steps: Sequence[EditableStep], index: int, unit: str, direction: int
) -> Splice:
    """Move the boundary after step ``index`` by one word or sentence.

    Forward (+1) hands the next step's first word or sentence to this step; backward (-1) hands
    this step's last one to the next step. Either way neither step may become empty.
    """
    if unit not in UNITS or direction not in (-1, 1):
        raise EditError("A boundary moves by a word or a sentence, forward or backward.")
    step = _step(steps, index)
    following = _step(steps, index + 1, "The last step has no boundary after it to move.")
    donor = following if direction == 1 else step
    pieces = _pieces(text, donor.start, donor.end, unit)
    if len(pieces) < 2:
        raise EditError(f"Moving by a {unit} would leave a step empty.")
    if direction == 1:
        new_end, new_start = pieces[0][1], pieces[1][0]
    else:
        new_end, new_start = pieces[-2][1], pieces[-1][0]
    after = (replace(step, end=new_end), replace(following, start=new_start))
    return Splice(index, (step, following), after, focus=index)


def update_step(steps: Sequence[EditableStep], index: int, **changes) -> Splice:
    """Change the labels of one step (type, rating, note, flagged); its span stays."""
    unknown = set(changes) - {"type", "rating", "note", "flagged"}
    if unknown:
        raise EditError(f"Steps have no {', '.join(sorted(unknown))}.")
    if "rating" in changes and changes["rating"] not in (*RATINGS, None):
        raise EditError("A rating is -1, 0 or +1.")
    step = _step(steps, index)
    return Splice(index, (step,), (replace(step, **changes),), focus=index)


def update_steps_to_end(steps: Sequence[EditableStep], index: int, **changes) -> Splice:
    """Change the labels of step ``index`` and every step after it, as one splice (one edit).

    PRM800K-style guidelines rate everything after the first error alike; one splice makes that
    one entry in the history and one undo.
    """
    first = update_step(steps, index, **changes)  # checks the index and the changes
    before = tuple(steps[index:])
    after = (*first.after, *(replace(step, **changes) for step in before[1:]))
    return Splice(index, before, after, focus=index)


def step_at(steps: Sequence[EditableStep], offset: int) -> int | None:
    """The position of the step holding ``offset`` (binary search: steps are ordered)."""
    low, high = 0, len(steps)
    while low < high:
        middle = (low + high) // 2
        if steps[middle].end <= offset:
            low = middle + 1
        else:
            high = middle
    if low < len(steps) and steps[low].start <= offset:
        return low
    return None


def _step(steps: Sequence[EditableStep], index: int, missing: str | None = None) -> EditableStep:
    if not 0 <= index < len(steps):
        raise EditError(missing or f"There is no step {index + 1}.")
    return steps[index]


def _pieces(text: str, start: int, end: int, unit: str) -> list[tuple[int, int]]:
    """The words or sentences of ``text[start:end]`` as trimmed absolute spans."""
    chunk = text[start:end]
    if unit == "word":
        return [(start + m.start(), start + m.end()) for m in _WORD.finditer(chunk)]
    cuts = [start + m.end() for m in _SENTENCE_END.finditer(chunk)]
    pieces = (trim(text, a, b) for a, b in zip([start, *cuts], [*cuts, end]))
    return [piece for piece in pieces if piece is not None]
