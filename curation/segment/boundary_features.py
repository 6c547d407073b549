"""Candidate cut points of a text and what a boundary classifier sees at each (``learned``).

A candidate is where a word starts after whitespace, outside every protected region (math,
code: ``regions``), and not in the middle of running prose: a lower-case word after a letter,
a digit or a comma never starts a step. What is left covers sentence, line and paragraph
starts, list and ``Step N`` markers, headings, and the places where a step list joined by
spaces still shows a seam (after a formula, after ";", before a capital) that sentence rules
miss.

Features are computed for all the candidates of a whole chunk of texts at once
(``candidates_of``: a segmentation worker's chunk; ``candidates``: one text), with numpy over
the code points of the texts joined end to end: every look at a neighbour (the previous
candidate, a window of words, the text's ends) stops at its own text's bounds, so a text's
features are the same whatever else is in its chunk. They depend on the text only, never on
the classifier's earlier decisions, so training and prediction see exactly the same thing:

* the whitespace before (newlines, length), the characters before and after (classes), the
  first two words (ids in a vocabulary learned from the training data; a move-opener flag
  from ``moves``);
* markers (``markers``: ``Step N``, numbered items, headings, bullets, and the markers the
  ``solution`` strategy would cut at), display math starting or ending at the cut;
* distances in approximate tokens (pre-tokens: runs of letters, of digits, single other
  characters) to the previous and next candidate, the previous and next sentence or line end,
  the previous and next paragraph, the text's ends; relative position;
* lexical cohesion across the cut (TextTiling): the cosine of the sets of words in a window
  before and after it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat

import numpy as np

from .lines import _OPEN_END, continues
from .markers import _BULLET_SCAN, _HEADING_SCAN, _NUMBERED_SCAN, _STEP_SCAN, marker_cuts
from .moves import _longest_phrase
from .regions import Regions, find_regions
from .spans import spans_from_cuts

# Character classes (index into ``_CLASS_NAMES``); one table for the code points below
# ``_TABLE_SIZE``, everything above is OTHER.
_CLASS_NAMES = (
    "space", "newline", "lower", "upper", "digit", ".", ",", ";", ":", "!", "?", ")", "]", "}",
    "(", "[", "{", "$", "\\", '"', "'", "*", "#", "-", "=", "op", "`", "other",
)
_CLASS = {name: i for i, name in enumerate(_CLASS_NAMES)}
_TABLE_SIZE = 0x3001  # through U+3000, the ideographic space (no whitespace lies above)
_QUOTES = "\"“”«»"
_APOSTROPHES = "'‘’"
_OPERATORS = "+<>/^_|&~%@"


def _class_set(*names: str) -> np.ndarray:
    """A lookup table over the classes: ``table[cls]`` is True for these (a cheap ``isin``)."""
    table = np.zeros(len(_CLASS_NAMES), dtype=bool)
    table[[_CLASS[name] for name in names]] = True
    return table


_BREAKERS = _class_set(".", "!", "?", ";", ":")
_CLOSERS = _class_set(")", "]", "}", "$", '"', "'", "*", "`")
_SYMBOL_LEADS = _class_set("(", "[", "{", ")", "]", "}", "op")
_SENTENCE_END = _class_set(".", "!", "?")
_PRE_TOKEN_KIND = np.full(len(_CLASS_NAMES), 3, dtype=np.int8)
_PRE_TOKEN_KIND[[_CLASS["space"], _CLASS["newline"]]] = 0
_PRE_TOKEN_KIND[[_CLASS["lower"], _CLASS["upper"]]] = 1
_PRE_TOKEN_KIND[_CLASS["digit"]] = 2
# Cohesion: words of at least four ASCII letters (a cheap stop-word filter), windows of words.
_COHESION_WORD = re.compile(r"[A-Za-z]{4,}")
_COHESION_WINDOW = 24
# ``markers``' inline Step N and numbered markers, anchored at a candidate.
# The same, searched for once over a text at word starts (after whitespace or at its start).
_INLINE_AT = re.compile(
    r"(?<!\S)(?:(?i:(?:\*\*)?step[ \t]*\d{1,3}\b)|\d{1,2}[.)][ \t]+(?=\S)(?!\d{1,2}[.)]\s))"
)
# The first two words at a candidate: what ``_head_words`` finds without running it.
_HEAD = re.compile(r"[^\w\n]{0,3}(\w+)(?:[^\w\n]{1,3}(\w+))?")
_HEAD_REACH = 40  # ``_HEAD`` is matched within this many characters of the candidate
_WORD_CHAR = re.compile(r"\w")
_DISPLAY_OPEN = ("\\[", "$$", "\\begin")
# "Choosing the Chairman: ..." / "Step 2 - Expand:": a short title and a colon open the unit.
_TITLE_COLON = re.compile(r"[#*_ \t]*[\w'()\-]+(?:[ \t][\w'()\-]+){0,5}\**:(?=\s)")
_TITLE_REACH = 80

NUMERIC = (
    "gap_newlines", "gap_chars", "gap_is_one_space",
    "prev_class", "prev2_class", "next_class", "next2_class",
    "sentence_end_before", "opener", "step_marker", "numbered_marker", "heading_marker",
    "bullet_marker", "inline_marker", "solution_marker", "display_starts", "display_ended",
    "math_starts", "math_ended",
    "tok_prev_cand", "tok_next_cand", "tok_prev_strong", "tok_next_strong", "tok_prev_para",
    "tok_next_para", "tok_from_start", "tok_to_end", "relative_position",
    "cands_since_para", "cohesion", "cohesion_near",
    "solution_cut", "line_continues", "title_colon", "head_repeats", "first_repeats",
    "equals_before", "equals_after", "digits_before", "digits_after", "len_before_rel",
    "len_after_rel",
)
CATEGORICAL = ("first_word", "second_word")
FEATURES = NUMERIC + CATEGORICAL
CATEGORICAL_INDEX = tuple(FEATURES.index(name) for name in CATEGORICAL)
# Features LightGBM should treat as categories: the character classes and the word ids.
CATEGORY_FEATURES = ("prev_class", "prev2_class", "next_class", "next2_class", *CATEGORICAL)


@dataclass(slots=True)
class Candidates:
    """The candidate cuts of one or more texts (a chunk), one row each, text after text."""

    positions: np.ndarray  # int64: offsets in each candidate's own text, sorted within a text
    numeric: np.ndarray  # float32 (candidates x len(NUMERIC))
    lexicon: list[str]  # the distinct lower-cased words at the candidates
    word_ids: np.ndarray  # int32 (candidates x 2): first and second word, indices in lexicon
    bounds: np.ndarray  # int64 (texts + 1): text i's candidates are rows bounds[i]:bounds[i+1]

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def words(self) -> list[tuple[str, str]]:
        """The lower-cased first and second word at each candidate ("" when none)."""
        lexicon = self.lexicon
        return [(lexicon[a], lexicon[b]) for a, b in self.word_ids.tolist()]

    def matrix(self, vocabulary: dict[str, int]) -> np.ndarray:
        """All features, the words as ids of ``vocabulary`` (0: not in it)."""
        ids = np.array([vocabulary.get(word, 0) for word in self.lexicon], dtype=np.float32)
        return np.hstack([self.numeric, ids[self.word_ids]])

    def text(self, i: int) -> Candidates:
        """The candidates of the chunk's ``i``-th text alone."""
        rows = slice(int(self.bounds[i]), int(self.bounds[i + 1]))
        return Candidates(
            self.positions[rows], self.numeric[rows], self.lexicon, self.word_ids[rows],
            np.array([0, rows.stop - rows.start], dtype=np.int64),
        )


# ``_flags``: per code point, its class in the low bits and two flags above.
_CLASS_BITS = 31
_WORD_BIT = 32  # a regex word character (``\w``)
_ASCII_LETTER_BIT = 64


@lru_cache(maxsize=1)
def _flags_table() -> np.ndarray:
    """Per code point below ``_TABLE_SIZE`` (and one entry for all above): its class, whether
    it is a regex word character (above the table: ``_word_chars``), whether an ASCII letter.
    Whitespace (``str.isspace``) is exactly the classes "space" and "newline"."""
    table = np.full(_TABLE_SIZE + 1, _CLASS["other"], dtype=np.uint8)
    for code in range(_TABLE_SIZE):
        ch = chr(code)
        table[code] = _class_of(ch)
        if _WORD_CHAR.match(ch):
            table[code] |= _WORD_BIT
        if ch.isascii() and ch.isalpha():
            table[code] |= _ASCII_LETTER_BIT
    return table


def _class_of(ch: str) -> int:
    if ch == "\n":
        return _CLASS["newline"]
    if ch.isspace():
        return _CLASS["space"]
    if ch.islower():
        return _CLASS["lower"]
    if ch.isupper() or ch.isalpha():
        return _CLASS["upper"]
    if ch.isdigit():
        return _CLASS["digit"]
    if ch in _CLASS:
        return _CLASS[ch]
    if ch in _QUOTES:
        return _CLASS['"']
    if ch in _APOSTROPHES:
        return _CLASS["'"]
    return _CLASS["op"] if ch in _OPERATORS else _CLASS["other"]


@lru_cache(maxsize=1)
def _opener_words() -> frozenset[str]:
    """Words that open a reasoning move ("wait", "so", "let" ... see ``moves``)."""
    return frozenset(_longest_phrase())


def code_points(text: str) -> np.ndarray:
    """The text's code points (lone surrogates kept), as an int64 array."""
    raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    return raw.astype(np.int64)


@dataclass(slots=True)
class _Chunk:
    """Texts joined end to end, and what every feature reads of them (per code point)."""

    texts: Sequence[str]
    regions: Sequence[Regions]
    text: str  # the texts joined
    offsets: np.ndarray  # int64 (texts + 1): text i is text[offsets[i]:offsets[i + 1]]
    points: np.ndarray  # uint32 code points
    flags: np.ndarray  # uint8 ``_flags_table`` entry of each code point
    cls: np.ndarray  # uint8 class of each code point
    is_space: np.ndarray
    # Where whitespace starts after non-whitespace or ends before it (alternately).
    transitions: np.ndarray
    newlines: np.ndarray  # where the "\n" are
    region_starts: np.ndarray  # every text's regions, at their place in ``text``
    region_ends: np.ndarray


@dataclass(slots=True)
class _Cuts:
    """The candidates of a chunk (positions in the joined text) and where their texts lie."""

    starts: np.ndarray  # where each candidate's word starts
    gap_start: np.ndarray  # where the whitespace before it starts
    owner: np.ndarray  # its text's index
    text_start: np.ndarray  # its text's bounds in the joined text
    text_end: np.ndarray
    bounds: np.ndarray  # per text, its first row (texts + 1 entries)
    prev_cls: np.ndarray
    next_cls: np.ndarray
    gap_newlines: np.ndarray


def candidates(text: str, regions: Regions | None = None) -> Candidates:
    """Every candidate cut of ``text`` with its features."""
    return candidates_of([text], [regions])


def candidates_of(texts: Sequence[str], regions: Sequence[Regions | None] | None = None) -> Candidates:
    """Every candidate cut of each of ``texts`` with its features, computed for all at once
    (the same rows as ``candidates`` of each text, one text after the other)."""
    regions = [None] * len(texts) if regions is None else regions
    regions = [find_regions(t) if r is None else r for t, r in zip(texts, regions)]
    chunk = _join(texts, regions)
    cuts = _cut_points(chunk)
    if cuts is None:
        return _empty(len(texts))
    return _featurize(chunk, cuts)


def _join(texts: Sequence[str], regions: Sequence[Regions]) -> _Chunk:
    joined = "".join(texts)
    offsets = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, texts), np.int64, len(texts)), out=offsets[1:])
    points = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype="<u4")
    flags = np.take(_flags_table(), points, mode="clip")  # above the table: its last entry
    cls = flags & _CLASS_BITS
    is_space = cls <= _CLASS["newline"]
    sizes = [len(r.starts) for r in regions]
    shift = np.repeat(offsets[:-1], sizes)
    region_starts = np.fromiter(chain.from_iterable(r.starts for r in regions), np.int64, sum(sizes))
    region_ends = np.fromiter(chain.from_iterable(r.ends for r in regions), np.int64, sum(sizes))
    return _Chunk(
        texts, regions, joined, offsets, points, flags, cls, is_space,
        np.flatnonzero(is_space[1:] != is_space[:-1]) + 1,
        np.flatnonzero(cls == _CLASS["newline"]), region_starts + shift, region_ends + shift,
    )


def _next_non_space(chunk: _Chunk, positions: np.ndarray) -> np.ndarray:
    """The first non-whitespace character at or after each position (in any later text; the
    joined text's length when there is none)."""
    transitions = np.append(chunk.transitions, len(chunk.points))
    following = transitions[np.searchsorted(chunk.transitions, positions, side="right")]
    inside = positions < len(chunk.points)
    here = inside & ~chunk.is_space[np.minimum(positions, len(chunk.points) - 1)]
    return np.where(here, positions, np.where(inside, following, positions))


def _cut_points(chunk: _Chunk) -> _Cuts | None:
    """Where the candidates are: word starts after whitespace, after each text's first
    non-whitespace character, at a seam (line break, sentence end, closer, symbol)."""
    is_space, cls, offsets, transitions = chunk.is_space, chunk.cls, chunk.offsets, chunk.transitions
    # A transition to non-whitespace is a word start; the one before it, where its gap starts.
    word_start = np.flatnonzero(~is_space[transitions])
    word_start = word_start[word_start > 0]
    starts, gap_start = transitions[word_start], transitions[word_start - 1]
    if not len(starts):
        return None
    prev_cls = cls[gap_start - 1]
    next_cls = cls[starts]
    gap_newlines = _newlines_in_gaps(chunk.newlines, starts, gap_start)
    # A step starts after a line break, after a sentence end or ";" / ":", or after a closing
    # bracket, quote or formula when no lower-case word follows (the text runs on).
    keep = (gap_newlines > 0) | _BREAKERS[prev_cls]
    keep |= _CLOSERS[prev_cls] & (next_cls != _CLASS["lower"])
    # A bracket or operator standing as its own word opens a unit in symbol traces (a Dyck
    # stack, "( ; stack: ( (") that no sentence or line rule sees.
    symbol = np.flatnonzero(~keep & _SYMBOL_LEADS[next_cls])
    after = np.minimum(starts[symbol] + 1, _owner_end(offsets, starts[symbol]) - 1)
    keep[symbol] = is_space[after]
    keep[_firsts_of_texts(chunk, starts)] = False  # a text's first word starts no step
    kept = np.flatnonzero(keep)
    kept = kept[_allowed(chunk.region_starts, chunk.region_ends, starts[kept])]
    if not len(kept):
        return None
    starts = starts[kept]
    owner = np.searchsorted(offsets[1:], starts, side="right")
    return _Cuts(
        starts, gap_start[kept], owner, offsets[owner], offsets[owner + 1],
        np.searchsorted(starts, offsets), prev_cls[kept], next_cls[kept], gap_newlines[kept],
    )


def _newlines_in_gaps(newlines: np.ndarray, starts: np.ndarray, gap_start: np.ndarray) -> np.ndarray:
    """How many newlines each gap ``[gap_start, start)`` holds (a search per newline, not per
    start: there are far fewer)."""
    following = np.searchsorted(starts, newlines, side="right")  # the start after each newline
    inside = following < len(starts)
    inside[inside] = gap_start[following[inside]] <= newlines[inside]
    return np.bincount(following[inside], minlength=len(starts))


def _owner_end(offsets: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """Where the text of each position ends."""
    return offsets[1:][np.searchsorted(offsets[1:], positions, side="right")]


def _firsts_of_texts(chunk: _Chunk, starts: np.ndarray) -> np.ndarray:
    """Which of ``starts`` (indices) are their text's first non-whitespace character."""
    firsts = _next_non_space(chunk, chunk.offsets[:-1])
    at = np.minimum(np.searchsorted(starts, firsts), len(starts) - 1)
    return at[starts[at] == firsts]


def _featurize(chunk: _Chunk, cuts: _Cuts) -> Candidates:
    """Every feature of every candidate of the chunk, one row each (``NUMERIC``)."""
    columns = _gaps_and_classes(chunk, cuts)
    lexicon, word_ids = _head_words(chunk, cuts)
    openers = _opener_words()
    is_opener = np.fromiter(map(openers.__contains__, lexicon), bool, len(lexicon))
    columns["opener"] = is_opener[word_ids[:, 0]]
    columns.update(_heads(chunk, cuts, word_ids))
    columns.update(_rule_cuts(chunk, cuts))
    columns["line_continues"] = _line_continues(chunk, cuts)
    columns["inline_marker"] = _inline_markers(chunk, cuts)
    columns.update(_math(chunk, cuts))
    columns.update(_distances(chunk, cuts))
    columns["cohesion"], columns["cohesion_near"] = _cohesion(chunk, cuts)
    columns.update(_units(chunk, cuts, columns["tok_prev_cand"], columns["tok_next_cand"]))
    # Column by column into one array (``column_stack`` costs more).
    numeric = np.empty((len(cuts.starts), len(NUMERIC)), dtype=np.float32, order="F")
    for i, name in enumerate(NUMERIC):
        numeric[:, i] = columns[name]
    return Candidates(cuts.starts - cuts.text_start, numeric, lexicon, word_ids, cuts.bounds)


def _gaps_and_classes(chunk: _Chunk, cuts: _Cuts) -> dict[str, np.ndarray]:
    """The whitespace before each candidate and the classes of the characters around it."""
    starts, gap_start, cls = cuts.starts, cuts.gap_start, chunk.cls
    return {
        "gap_newlines": np.minimum(cuts.gap_newlines, 3),
        "gap_chars": np.minimum(starts - gap_start, 8),
        "gap_is_one_space": (starts - gap_start == 1) & (chunk.points[gap_start] == 32),
        "prev_class": cuts.prev_cls,
        "prev2_class": cls[np.maximum(gap_start - 2, cuts.text_start)],
        "next_class": cuts.next_cls,
        "next2_class": cls[np.minimum(starts + 1, cuts.text_end - 1)],
        "sentence_end_before": _SENTENCE_END[cuts.prev_cls],
    }


# -- the first two words -------------------------------------------------------------------------


def _word_chars(chunk: _Chunk) -> np.ndarray:
    """Whether each code point is a regex word character (``\\w``): the table below
    ``_TABLE_SIZE``, the regex itself for each distinct code point above."""
    points = chunk.points
    word = (chunk.flags & _WORD_BIT) != 0
    if len(points) and points.max() >= _TABLE_SIZE:
        high = np.flatnonzero(points >= _TABLE_SIZE)
        distinct, where = np.unique(points[high], return_inverse=True)
        flags = [_WORD_CHAR.match(chr(c)) is not None for c in distinct.tolist()]
        word[high] = np.array(flags, dtype=bool)[where.reshape(-1)]
    return word


def _head_words(chunk: _Chunk, cuts: _Cuts) -> tuple[list[str], np.ndarray]:
    """The first two words at each start (``_HEAD`` matched there within ``_HEAD_REACH``
    characters and its text), lower-cased: the distinct words, and each start's two as
    indices into them ("" when none). The words are interned in the order they first occur,
    first word before second, row after row (as training interns them)."""
    word = _word_chars(chunk)
    newline = chunk.cls == _CLASS["newline"]
    non_word = np.flatnonzero(~word)
    limit = np.minimum(cuts.starts + _HEAD_REACH, cuts.text_end)
    first = _word_after(word, newline, cuts.starts, 0, limit)
    first_end = _run_end(non_word, first, limit)
    # The second word: after one to three non-word characters, if the first one ended.
    second = _word_after(word, newline, np.where(first >= 0, first_end, limit), 1, limit)
    second_end = _run_end(non_word, second, limit)
    # Both words of each row, row after row: (start, end), (0, 0) for "".
    begin = np.stack([np.where(first >= 0, first, 0), np.where(second >= 0, second, 0)], 1)
    end = np.stack([np.where(first >= 0, first_end, 0), np.where(second >= 0, second_end, 0)], 1)
    lexicon, ids = _intern(chunk, begin.reshape(-1), end.reshape(-1))
    return lexicon, ids.reshape(-1, 2)


_PACKED = 9  # characters of 7 bits in an int64 key
# Below this many words (or letters), a plain loop or sort costs less than the vector set-up.
_FEW = 1000


def _intern(chunk: _Chunk, begin: np.ndarray, end: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The distinct lower-cased words ``text[begin:end]`` in the order they first occur, and
    each one's index among them. A word of at most ``_PACKED`` ASCII characters is its own key
    (its lower-cased codes, 7 bits each); only the others are made strings to tell apart."""
    if len(begin) < _FEW:  # a text or two: the per-word loop costs less than the set-up
        seen: dict[str, int] = {}
        words = map(str.lower, map(chunk.text.__getitem__, map(slice, begin.tolist(), end.tolist())))
        ids = [seen.setdefault(word, len(seen)) for word in words]
        return list(seen), np.array(ids, dtype=np.int32)
    points, lengths = chunk.points, end - begin
    keys = np.zeros(len(begin), dtype=np.int64)
    packed = lengths <= _PACKED
    last = len(points) - 1
    for k in range(_PACKED):
        inside = k < lengths
        code = points[np.minimum(begin + k, last)].astype(np.int64)
        is_ascii = code < 128
        packed &= ~inside | is_ascii
        code += ((code >= 65) & (code <= 90)) * 32  # A-Z to a-z, as ``str.lower`` does
        keys |= np.where(inside & is_ascii, code, 0) << (7 * k)
    others = np.flatnonzero(~packed)
    if len(others):
        keys[others] = _string_keys(chunk.text, begin[others].tolist(), end[others].tolist())
    _, first, where = np.unique(keys, return_index=True, return_inverse=True)
    by_first = np.argsort(first)
    dense = np.empty(len(first), dtype=np.int32)
    dense[by_first] = np.arange(len(first), dtype=np.int32)
    text = chunk.text
    lexicon = [text[begin[i]:end[i]].lower() for i in first[by_first].tolist()]
    return lexicon, dense[where.reshape(-1)]


def _string_keys(text: str, begin: list[int], end: list[int]) -> list[int]:
    """Keys of words that do not pack (long, or not ASCII): a lower-cased word that packs
    (the Kelvin sign lower-cases to "k") gets its packed key, any other one a negative id."""
    ids: dict[str, int] = {}
    keys = []
    for word in map(str.lower, map(text.__getitem__, map(slice, begin, end))):
        if len(word) <= _PACKED and word.isascii():
            keys.append(sum(ord(ch) << (7 * k) for k, ch in enumerate(word)))
        else:
            keys.append(-1 - ids.setdefault(word, len(ids)))
    return keys


def _word_after(word: np.ndarray, newline: np.ndarray, begin: np.ndarray, skip: int,
                limit: np.ndarray) -> np.ndarray:
    """Where the first word character is among the 4 from ``begin`` (not before ``skip`` of
    them), with neither a word character nor a newline before it and before ``limit``;
    -1 where there is none."""
    found = np.full(len(begin), -1, dtype=np.int64)
    blocked = begin >= limit
    last = len(word) - 1
    for k in range(4):
        pos = begin + k
        blocked |= pos >= limit
        at = np.minimum(pos, last)
        is_word = word[at]
        if k >= skip:
            hit = ~blocked & is_word
            found[hit] = pos[hit]
        blocked |= is_word | newline[at]
    return found


def _run_end(non_word: np.ndarray, begin: np.ndarray, limit: np.ndarray) -> np.ndarray:
    """Where the word run at ``begin`` ends, cut at ``limit`` (meaningless where begin < 0)."""
    at = np.searchsorted(non_word, begin)
    ends = np.append(non_word, np.iinfo(np.int64).max)[at]
    return np.minimum(ends, limit)


def _heads(chunk: _Chunk, cuts: _Cuts, word_ids: np.ndarray) -> dict:
    """Whether a short title and a colon open the unit, and how often the unit's first words
    open units elsewhere in its text (parallel steps: "For 3 members: ...", "For 4 ...")."""
    starts = cuts.starts
    # A title can only match where a ":" follows within 80 characters on the same line.
    colons = np.flatnonzero(chunk.cls == _CLASS[":"])
    newlines = chunk.newlines
    colon = colons[np.minimum(np.searchsorted(colons, starts), len(colons) - 1)] if len(colons) else starts
    line_end = np.append(newlines, len(chunk.points))[np.searchsorted(newlines, starts)]
    line_end = np.minimum(line_end, cuts.text_end)
    possible = (colon >= starts) & (colon < starts + _TITLE_REACH) & (colon < line_end)
    # The title ends at the first ":" (none of its characters is one), and a space follows.
    possible &= (colon + 1 < cuts.text_end) & chunk.is_space[np.minimum(colon + 1, len(chunk.points) - 1)]
    reach = np.minimum(starts + _TITLE_REACH, cuts.text_end)
    pairs, firsts = _repeats(cuts.owner, word_ids)
    return {
        "title_colon": _matches_at(chunk.text, _TITLE_COLON, starts, possible, reach),
        "head_repeats": np.minimum(pairs, 20),
        "first_repeats": np.minimum(firsts, 20),
    }


def _repeats(owner: np.ndarray, word_ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row, how many rows of its text have its two words, and its first word
    (``Counter`` per text): one sort by text, first word, second word."""
    size = int(word_ids.max()) + 1
    texts = int(owner[-1]) + 1
    first = word_ids[:, 0].astype(np.int64)
    if size * size * texts < 2**62:
        order = np.argsort((owner * size + first) * size + word_ids[:, 1])
    else:  # the key would overflow: sort by each part in turn
        order = np.lexsort((word_ids[:, 1], first, owner))
    same_first = (owner[order][1:] == owner[order][:-1]) & (first[order][1:] == first[order][:-1])
    same_pair = same_first & (word_ids[order, 1][1:] == word_ids[order, 1][:-1])
    return _run_sizes(order, same_pair), _run_sizes(order, same_first)


def _run_sizes(order: np.ndarray, same: np.ndarray) -> np.ndarray:
    """Rows ``order`` in sorted order, ``same``: each one equals the one before it; the size
    of each row's run of equal rows, at the row's place."""
    run = np.cumsum(np.concatenate([[True], ~same]))  # run number, counted from 1
    sizes = np.bincount(run)[run]
    out = np.empty(len(order), dtype=np.int64)
    out[order] = sizes
    return out


def _inline_markers(chunk: _Chunk, cuts: _Cuts) -> np.ndarray:
    """Inline markers ("... so 7. Step 3: ..." in one-line text): ``_INLINE_AT`` matched at
    the candidates that start with a digit, "s", "S", "*" or "ſ" (an "s" to (?i)), and only
    where the next characters can go on as a marker: "t" or "T" after the "s" (nothing else
    is a "t" to (?i)), "*" after a "*"; "." or ")" after one or two digits."""
    points, starts, last = chunk.points, cuts.starts, len(chunk.points) - 1
    first, second = points[starts], points[np.minimum(starts + 1, last)]
    third = points[np.minimum(starts + 2, last)]
    closes = (second == 46) | (second == 41)
    maybe_digit = (chunk.cls[np.minimum(starts + 1, last)] == _CLASS["digit"]) | (second >= _TABLE_SIZE)
    numbered = (cuts.next_cls == _CLASS["digit"]) & (closes | (maybe_digit & ((third == 46) | (third == 41))))
    step = ((first == 115) | (first == 83) | (first == 0x17F)) & ((second == 116) | (second == 84))
    possible = numbered | step | ((first == 42) & (second == 42))
    return _matches_at(chunk.text, _INLINE_AT, starts, possible, cuts.text_end)


def _matches_at(text: str, pattern: re.Pattern, starts: np.ndarray, possible: np.ndarray,
                ends: np.ndarray) -> np.ndarray:
    """Whether ``pattern`` matches at each start, up to the end at ``ends`` (tried only where
    ``possible``)."""
    found = np.zeros(len(starts), dtype=bool)
    tried = np.flatnonzero(possible).tolist()
    if tried:
        results = map(pattern.match, repeat(text), starts[tried].tolist(), ends[tried].tolist())
        found[tried] = [m is not None for m in results]
    return found


# -- markers, rule cuts, line continuations ----------------------------------------------------


def _rule_cuts(chunk: _Chunk, cuts: _Cuts) -> dict:
    """Where ``solution`` cuts each text, the markers it cuts at, if any, and the line-start
    markers (``markers``) wherever they are."""
    solution, marked = [], []
    for text, regions, offset in zip(chunk.texts, chunk.regions, chunk.offsets.tolist()):
        found = marker_cuts(text)  # once, for the marker features and ``solution``'s cuts
        solution.append([offset + p for p in _solution_cuts(text, regions, found)])
        marked.append([offset + p for p in found[0]] if found else [])
    columns = {
        "solution_cut": _member(cuts.starts, list(chain.from_iterable(solution))),
        "solution_marker": _member(cuts.starts, _skip_space(chunk, marked)),
    }
    columns.update(_line_markers(chunk, cuts))
    return columns


# What a line-start marker's first non-whitespace character can be (the scanners' patterns).
def _ascii_set(chars: str) -> np.ndarray:
    """A lookup table over code points clipped to 128: ``table[min(c, 128)]`` is True for these
    (ASCII) characters (a cheap ``isin``)."""
    table = np.zeros(129, dtype=bool)
    table[[ord(ch) for ch in chars]] = True
    return table


_MARKER_FIRST = (
    ("step_marker", _STEP_SCAN, _ascii_set(">#*_sS")),  # or "ſ"
    ("numbered_marker", _NUMBERED_SCAN, _ascii_set("*")),  # or a digit
    ("heading_marker", _HEADING_SCAN, _ascii_set("#")),
    ("bullet_marker", _BULLET_SCAN, _ascii_set("-*+")),
)


def _line_markers(chunk: _Chunk, cuts: _Cuts) -> dict:
    """Where a line-start marker (``markers``' scanners, run over "\n" + text) starts, after
    its indent: a candidate is one only when it is its line's first non-whitespace character
    (it follows a line break) and the scanner matches at that line's newline."""
    after_break = np.flatnonzero(cuts.gap_newlines > 0)
    starts = cuts.starts[after_break]
    newline = chunk.newlines[np.searchsorted(chunk.newlines, starts) - 1]
    first = chunk.points[starts]
    ascii_first = np.minimum(first, 128)
    digit = (chunk.cls[starts] == _CLASS["digit"]) | (first >= _TABLE_SIZE)  # \d, or maybe
    beyond = {"step_marker": first == 0x17F, "numbered_marker": digit}
    columns = {}
    for name, scanner, leads in _MARKER_FIRST:
        possible = leads[ascii_first]
        if name in beyond:
            possible |= beyond[name]
        found = np.zeros(len(cuts.starts), dtype=bool)
        found[after_break] = _matches_at(chunk.text, scanner, newline, possible, cuts.text_end[after_break])
        columns[name] = found
    return columns


def _solution_cuts(text: str, regions: Regions, marked) -> list[int]:
    """Where the rule strategy ``solution`` starts its steps (``solution.segment``'s two
    branches: ``marked``, the text's ``marker_cuts``, else its layout)."""
    from .context import Context
    from .solution import _layout_spans, _merge_answer_only

    if marked:
        spans = spans_from_cuts(text, marked[0], regions)
    else:
        context = Context.__new__(Context)  # no token counter: ``solution`` counts nothing
        context.text, context.regions, context._tokens = text, regions, None
        spans = _merge_answer_only(text, _layout_spans(context))
    return [start for start, _ in spans]


def _skip_space(chunk: _Chunk, positions: list[list[int]]) -> np.ndarray:
    """Each text's ``positions`` (in the joined text), each moved past any whitespace."""
    owner = np.repeat(np.arange(len(positions)), [len(p) for p in positions])
    return _skip_space_at(chunk, np.fromiter(chain.from_iterable(positions), np.int64), owner)


def _skip_space_at(chunk: _Chunk, positions: np.ndarray, owner: np.ndarray) -> np.ndarray:
    """The first non-whitespace character at or after each position, within its text (the
    text's end when there is none)."""
    following = _next_non_space(chunk, positions)
    end = chunk.offsets[owner + 1]
    return np.where(following < end, following, np.maximum(positions, end))


@lru_cache(maxsize=1)
def _open_ends() -> np.ndarray:
    """The characters after which ``lines.continues`` joins the next line whatever it is (its
    first rule, ``_OPEN_END``), as an ``_ascii_set``."""
    return _ascii_set("".join(chr(c) for c in range(128) if _OPEN_END.search(chr(c))))


def _line_continues(chunk: _Chunk, cuts: _Cuts) -> np.ndarray:
    """For a cut after a single line break: whether ``lines.continues`` joins the two lines
    (at once where the line before ends open, after its first rule)."""
    found = np.zeros(len(cuts.starts), dtype=bool)
    single = cuts.gap_newlines == 1
    found[single] = _open_ends()[np.minimum(chunk.points[cuts.gap_start[single] - 1], 128)]
    rows = np.flatnonzero(single & ~found)
    if not len(rows):
        return found
    newlines = chunk.newlines
    starts, text_start, text_end = cuts.starts[rows], cuts.text_start[rows], cuts.text_end[rows]
    after = np.searchsorted(newlines, starts)  # newlines[after - 1]: the break in the gap
    line_end = newlines[after - 1]
    before = np.append(-1, newlines)[after - 1]  # the break before that one, if any
    previous_start = np.maximum(before + 1, text_start)
    following = np.append(newlines, np.iinfo(np.int64).max)[after]
    end = np.minimum(following, text_end)
    text = chunk.text
    previous = map(text.__getitem__, map(slice, previous_start.tolist(), line_end.tolist()))
    lines = map(text.__getitem__, map(slice, starts.tolist(), end.tolist()))
    found[rows] = np.fromiter(
        (bool(p.strip()) and continues(p, line) for p, line in zip(previous, lines)), bool, len(rows)
    )
    return found


def _member(positions: np.ndarray, found: Sequence[int]) -> np.ndarray:
    """``np.isin(positions, found)`` (a binary search costs a fraction of ``isin``'s set-up)."""
    if not len(found):
        return np.zeros(len(positions), dtype=bool)
    values = np.sort(np.asarray(found, dtype=np.int64))
    return values[np.minimum(np.searchsorted(values, positions), len(values) - 1)] == positions


def _empty(texts: int) -> Candidates:
    return Candidates(
        np.zeros(0, dtype=np.int64), np.zeros((0, len(NUMERIC)), np.float32), [],
        np.zeros((0, 2), dtype=np.int32), np.zeros(texts + 1, dtype=np.int64),
    )


def _allowed(region_starts: np.ndarray, region_ends: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """``Regions.allows`` for every position at once."""
    if not len(region_starts):
        return np.ones(len(positions), dtype=bool)
    i = np.searchsorted(region_starts, positions, side="right") - 1
    inside = (i >= 0) & (positions < region_ends[np.maximum(i, 0)])
    return ~inside | (positions == region_starts[np.maximum(i, 0)])


def _math(chunk: _Chunk, cuts: _Cuts) -> dict:
    """Whether a formula starts at the cut or ends just before it (display or inline)."""
    region_starts, region_ends = chunk.region_starts, chunk.region_ends
    owner = np.searchsorted(chunk.offsets[1:], region_starts, side="right")
    text_end = chunk.offsets[1:][owner]
    display = np.zeros(len(region_starts), dtype=bool)
    for opener in _DISPLAY_OPEN:
        display |= _starts_with(chunk.points, region_starts, text_end, opener)
    return {
        "display_starts": _member(cuts.starts, region_starts[display]),
        "display_ended": _member(cuts.gap_start, region_ends[display]),
        "math_starts": _member(cuts.starts, region_starts),
        "math_ended": _member(cuts.gap_start, region_ends),
    }


def _starts_with(points: np.ndarray, positions: np.ndarray, ends: np.ndarray, prefix: str) -> np.ndarray:
    """``text.startswith(prefix, position, end)`` at each position."""
    found = positions + len(prefix) <= ends
    last = len(points) - 1
    for k, ch in enumerate(prefix):
        found &= points[np.minimum(positions + k, last)] == ord(ch)
    return found


# -- distances and units ---------------------------------------------------------------------------


def _distances(chunk: _Chunk, cuts: _Cuts) -> dict:
    """Distances in approximate tokens (pre-tokens: a run of letters, a run of digits, any
    other non-space character) to neighbouring candidates and to the text's ends."""
    kind = _PRE_TOKEN_KIND[chunk.cls]  # 0 whitespace, 1 letter, 2 digit, 3 anything else
    begins = kind != 0
    begins[1:] &= (kind[1:] == 3) | (kind[1:] != kind[:-1])
    text_starts = chunk.offsets[:-1][chunk.offsets[:-1] < len(kind)]
    begins[text_starts] = kind[text_starts] != 0  # a text's first pre-token follows nothing
    token_starts = np.flatnonzero(begins)
    before_text = np.searchsorted(token_starts, chunk.offsets)  # pre-tokens before each text
    owner = cuts.owner
    base = before_text[owner]
    at = (np.searchsorted(token_starts, cuts.starts) - base).astype(np.float32)
    total = (before_text[owner + 1] - base).astype(np.float32)
    strong = (cuts.gap_newlines > 0) | _SENTENCE_END[cuts.prev_cls]
    paragraph = cuts.gap_newlines >= 2
    first_row = cuts.bounds[owner]  # each candidate's text's first row
    last_row = cuts.bounds[owner + 1] - 1
    rows = np.arange(len(at))
    prev_cand = np.where(rows > first_row, at[np.maximum(rows - 1, 0)], np.float32(0.0))
    next_cand = np.where(rows < last_row, at[np.minimum(rows + 1, len(at) - 1)], total)
    columns = {
        "tok_prev_cand": at - prev_cand,
        "tok_next_cand": next_cand - at,
        "tok_prev_strong": at - _previous(at, strong, first_row),
        "tok_next_strong": _next(at, strong, last_row, total) - at,
        "tok_prev_para": at - _previous(at, paragraph, first_row),
        "tok_next_para": _next(at, paragraph, last_row, total) - at,
        "tok_from_start": at,
        "tok_to_end": total - at,
        "relative_position": at / np.maximum(total, np.float32(1.0)),
    }
    last_para = np.maximum.accumulate(np.where(paragraph, rows, -1))
    columns["cands_since_para"] = np.minimum(rows - np.maximum(last_para, first_row - 1), 50)
    return columns


def _previous(at: np.ndarray, flag: np.ndarray, first_row: np.ndarray) -> np.ndarray:
    """For each candidate, the position of the last flagged candidate of its text strictly
    before it (0 when none)."""
    index = np.where(flag, np.arange(len(at)), -1)
    last = np.maximum.accumulate(np.concatenate([[-1], index[:-1]]))
    return np.where(last >= first_row, at[np.maximum(last, 0)], np.float32(0.0))


def _next(at: np.ndarray, flag: np.ndarray, last_row: np.ndarray, total: np.ndarray) -> np.ndarray:
    """For each candidate, the position of the first flagged candidate of its text strictly
    after it (its text's pre-token count when none)."""
    size = len(at)
    index = np.where(flag, np.arange(size), size)
    following = np.minimum.accumulate(np.concatenate([index[1:], [size]])[::-1])[::-1]
    return np.where(following <= last_row, at[np.minimum(following, size - 1)], total)


def _units(chunk: _Chunk, cuts: _Cuts, tokens_before: np.ndarray, tokens_after: np.ndarray) -> dict:
    """What the units before and after the cut hold: "=" signs and the share
    of digits (a computation that ends, a new one that starts), and their lengths in tokens
    relative to its text's median unit (a writer's usual step length, whatever the source)."""
    starts, owner = cuts.starts, cuts.owner
    rows = np.arange(len(starts))
    first_row, last_row = cuts.bounds[owner], cuts.bounds[owner + 1] - 1
    # The unit before a cut runs from the previous cut (or its text's start) to it, the unit
    # after it to the next cut (or its text's end).
    unit_start = np.where(rows > first_row, starts[np.maximum(rows - 1, 0)], cuts.text_start)
    unit_end = np.where(rows < last_row, starts[np.minimum(rows + 1, len(starts) - 1)], cuts.text_end)
    equals_at = np.flatnonzero(chunk.cls == _CLASS["="])
    digits_at = np.flatnonzero(chunk.cls == _CLASS["digit"])
    equals = [np.searchsorted(equals_at, x) for x in (unit_start, starts, unit_end)]
    digits = [np.searchsorted(digits_at, x) for x in (unit_start, starts, unit_end)]
    median = np.maximum(_medians(tokens_before, cuts.bounds), np.float32(1.0))[owner]
    return {
        "equals_before": np.minimum(equals[1] - equals[0], 10),
        "equals_after": np.minimum(equals[2] - equals[1], 10),
        "digits_before": (digits[1] - digits[0]) / np.maximum(starts - unit_start, 1),
        "digits_after": (digits[2] - digits[1]) / np.maximum(unit_end - starts, 1),
        "len_before_rel": tokens_before / median,
        "len_after_rel": tokens_after / median,
    }


def _medians(values: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """``np.median`` of each text's rows of ``values`` (float32 whole numbers >= 0; 0 for a
    text without rows): one sort of all of them, keyed by text."""
    sizes = np.diff(bounds)
    owner = np.repeat(np.arange(len(sizes)), sizes)
    ordered = np.sort(owner << 32 | values.astype(np.int64)) & 0xFFFFFFFF
    medians = np.zeros(len(sizes), dtype=np.float32)
    some, first = sizes > 0, bounds[:-1]
    low = ordered[first[some] + (sizes[some] - 1) // 2].astype(np.float32)
    high = ordered[first[some] + sizes[some] // 2].astype(np.float32)
    medians[some] = (low + high) / np.float32(2.0)  # np.median's mean of the middle two
    return medians


# -- cohesion ---------------------------------------------------------------------------------------


def _cohesion(chunk: _Chunk, cuts: _Cuts) -> tuple[np.ndarray, np.ndarray]:
    """TextTiling's lexical cohesion across each cut: the share of the words in a window after
    it whose previous occurrence lies in the window before it (``_COHESION_WINDOW`` words, and
    a quarter of that). Words (``_COHESION_WORD``: runs of at least four ASCII letters, case
    folded) are hashed with numpy over the code points, each word's previous occurrence in its
    text found by one stable sort, and each window's count is a running sum over the words."""
    far = np.zeros(len(cuts.starts), dtype=np.float32)
    near = np.zeros(len(cuts.starts), dtype=np.float32)
    letter = (chunk.flags & _ASCII_LETTER_BIT) != 0
    word_starts, hashes = _ascii_words(chunk.points, letter, chunk.offsets)
    if not len(word_starts):
        return far, near
    text_words = np.searchsorted(word_starts, chunk.offsets)  # words before each text
    owner = np.searchsorted(chunk.offsets[1:], word_starts, side="right")
    # A word without an earlier occurrence in its text has it "at -1" (the first word's index
    # less one): the window definition counts it as linked near the text's start.
    previous = np.maximum(_previous_occurrence(hashes), text_words[owner] - 1)
    index = np.searchsorted(word_starts, cuts.starts)
    after = text_words[cuts.owner + 1] - index  # words of its text from the cut on
    for out, window in ((far, _COHESION_WINDOW), (near, _COHESION_WINDOW // 4)):
        out[:] = _linked_share(previous, index, after, window)
    return far, near


# Random odd multipliers per letter offset (cycled every 64 letters) and for the length: a
# word's hash is the wrapping int64 sum of its case-folded code points times these.
_HASH_MULTIPLIERS = np.random.default_rng(18).integers(1, 2**62, size=65, dtype=np.int64) | 1


def _ascii_words(points: np.ndarray, letter: np.ndarray | None = None,
                 breaks: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of at least four ASCII letters starts, and a hash of the run folded to
    lower case (equal words, whatever their case, hash alike; two different words collide
    with a chance of about 2**-60). ``letter``: whether each code point is an ASCII letter;
    ``breaks``: positions no run reaches over (text starts)."""
    if letter is None:
        folded = points.astype(np.int64) | 32
        letter = (folded >= 97) & (folded <= 122)
    run_starts, lengths = _letter_runs(letter, breaks)
    if not len(run_starts):
        return run_starts, np.zeros(0, dtype=np.int64)
    return run_starts, _word_hashes(points, run_starts, lengths)


def _letter_runs(letter: np.ndarray, breaks: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """The runs of at least four letters: where each starts, how long it is."""
    edges = np.flatnonzero(letter[1:] != letter[:-1]) + 1  # run starts and ends, alternately
    if len(letter) and letter[0]:
        edges = np.concatenate([[0], edges])
    if len(letter) and letter[-1]:
        edges = np.concatenate([edges, [len(letter)]])
    if breaks is not None:
        inner = breaks[(breaks > 0) & (breaks < len(letter))]
        split = inner[letter[inner - 1] & letter[inner]]
        if len(split):  # a run over a break: it ends there and another one starts
            edges = np.insert(edges, np.repeat(np.searchsorted(edges, split), 2), np.repeat(split, 2))
    run_starts, run_ends = edges[0::2], edges[1::2]
    long_enough = run_ends - run_starts >= 4
    return run_starts[long_enough], (run_ends - run_starts)[long_enough]


_HASH_SHORT = 64  # letters hashed offset by offset, over the words still that long


def _word_hashes(points: np.ndarray, run_starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Each run's hash: the wrapping int64 sum of its letters | 32 times the multiplier of
    their offset (cycled every 64), plus its length times the last multiplier. Summed offset
    by offset over the runs at least that long (longest first), which costs a few operations
    per letter instead of the dozen of a flattened sum."""
    if len(run_starts) < _FEW:
        with np.errstate(over="ignore"):
            return _flat_hashes(points, run_starts, lengths, 0) + lengths * _HASH_MULTIPLIERS[64]
    order = np.argsort(-np.minimum(lengths, _HASH_SHORT + 1).astype(np.int8), kind="stable")
    starts, sizes = run_starts[order], lengths[order]
    longer = np.searchsorted(-np.minimum(sizes, _HASH_SHORT + 1), -np.arange(_HASH_SHORT + 1), side="left")
    hashes = np.zeros(len(starts), dtype=np.int64)
    with np.errstate(over="ignore"):
        for k in range(min(int(sizes[0]), _HASH_SHORT)):
            active = longer[k]  # runs longer than k letters: the first ``active``
            letters = (points[starts[:active] + k] | 32).astype(np.int64)
            hashes[:active] += letters * _HASH_MULTIPLIERS[k]
        tail = int(longer[_HASH_SHORT])  # runs longer than that: the rest of their letters
        if tail:
            hashes[:tail] += _flat_hashes(points, starts[:tail], sizes[:tail], _HASH_SHORT)
        hashes += sizes * _HASH_MULTIPLIERS[64]
    out = np.empty_like(hashes)
    out[order] = hashes
    return out


def _flat_hashes(points: np.ndarray, run_starts: np.ndarray, lengths: np.ndarray, skip: int) -> np.ndarray:
    """The hash terms of each run's letters from offset ``skip`` on, summed over all the
    letters flattened into one array (runs longer than ``skip``)."""
    rest = lengths - skip
    first = np.concatenate([[0], np.cumsum(rest)[:-1]])
    offsets = np.arange(int(rest.sum())) - np.repeat(first, rest) + skip
    letters = (points[np.repeat(run_starts, rest) + offsets] | 32).astype(np.int64)
    return np.add.reduceat(letters * _HASH_MULTIPLIERS[offsets % 64], first)


def _previous_occurrence(hashes: np.ndarray) -> np.ndarray:
    """For each word, the index of the previous occurrence of the same word (-1: none)."""
    # A stable sort by the hash; for many words 16 bits at a time from the lowest (radix sorts
    # of 16-bit keys are several times faster than one stable sort of 64-bit ones).
    if len(hashes) < _FEW:
        order = np.argsort(hashes, kind="stable")
    else:  # (which 16 bits come first does not matter: equal hashes end up together)
        digits = np.ascontiguousarray(hashes).view(np.uint16).reshape(-1, 4)
        order = np.argsort(digits[:, 0], kind="stable")
        for column in (1, 2, 3):
            order = order[np.argsort(digits[order, column], kind="stable")]
    ranked = hashes[order]
    same = np.concatenate([[False], ranked[1:] == ranked[:-1]])
    previous = np.full(len(hashes), -1, dtype=np.int64)
    previous[order[same]] = order[np.flatnonzero(same) - 1]
    return previous


def _linked_share(previous: np.ndarray, index: np.ndarray, after: np.ndarray, window: int) -> np.ndarray:
    """For each word index i: the share of the words i..i+window-1 (of its text: ``after``
    of them at most) whose previous occurrence is among i-window..i-1.

    Word j with previous occurrence p is counted for exactly the i in
    (max(j - window, p), min(j, p + window)]: one +1 and one -1 a word, then a running sum."""
    j = np.arange(len(previous))
    low = np.maximum(j - window, previous) + 1
    high = np.minimum(j, previous + window) + 1
    counted = low < high
    size = len(previous) + 2
    steps = np.bincount(low[counted], minlength=size) - np.bincount(high[counted], minlength=size)
    linked = np.cumsum(steps)[index]
    words = np.clip(after, 0, window)
    return np.where(words > 0, linked / np.maximum(words, 1), 0.0)
