"""The boundary features as they were computed before ``candidates_of`` (one text at a time,
main at e2591b0): the reference the chunk-at-once features must equal, row for row and bit for
bit (``test_boundary_features``), so that trained models keep working. Only what was
restructured is kept here; the tables, patterns and unchanged helpers come from the module."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import repeat

import numpy as np

from curation.segment.boundary_features import (
    _BREAKERS, _CLASS, _CLOSERS, _COHESION_WINDOW, _DISPLAY_OPEN, _HASH_MULTIPLIERS, _HEAD,
    _INLINE_AT, _OPERATORS, _PRE_TOKEN_KIND, _QUOTES, _APOSTROPHES, _SENTENCE_END,
    _SYMBOL_LEADS, _TABLE_SIZE, _TITLE_COLON, NUMERIC, _member, _opener_words, _solution_cuts,
    code_points,
)
from curation.segment.lines import continues
from curation.segment.markers import _BULLET_SCAN, _HEADING_SCAN, _NUMBERED_SCAN, _STEP_SCAN, marker_cuts
from curation.segment.regions import Regions, find_regions


@dataclass(slots=True)
class Candidates:
    """The candidate cuts of one text: positions, features (rows), first and second words."""

    positions: np.ndarray  # int64, sorted
    numeric: np.ndarray  # float32 (candidates x len(NUMERIC))
    words: list[tuple[str, str]]  # lower-cased first and second word at each candidate

    def __len__(self) -> int:
        return len(self.positions)

    def matrix(self, vocabulary: dict[str, int]) -> np.ndarray:
        """All features, the words as ids of ``vocabulary`` (0: not in it)."""
        get = vocabulary.get
        ids = np.array(
            [(get(a, 0), get(b, 0)) for a, b in self.words], dtype=np.float32
        ).reshape(len(self.words), 2)
        return np.hstack([self.numeric, ids])


@lru_cache(maxsize=1)
def _tables() -> tuple[np.ndarray, np.ndarray]:
    """Per code point: its class, and whether it is whitespace (``str.isspace``)."""
    classes = np.full(_TABLE_SIZE + 1, _CLASS["other"], dtype=np.uint8)
    space = np.zeros(_TABLE_SIZE + 1, dtype=bool)
    for code in range(_TABLE_SIZE):
        ch = chr(code)
        if ch == "\n":
            classes[code], space[code] = _CLASS["newline"], True
        elif ch.isspace():
            classes[code], space[code] = _CLASS["space"], True
        elif ch.islower():
            classes[code] = _CLASS["lower"]
        elif ch.isupper() or ch.isalpha():
            classes[code] = _CLASS["upper"]
        elif ch.isdigit():
            classes[code] = _CLASS["digit"]
        elif ch in _CLASS:
            classes[code] = _CLASS[ch]
        elif ch in _QUOTES:
            classes[code] = _CLASS['"']
        elif ch in _APOSTROPHES:
            classes[code] = _CLASS["'"]
        elif ch in _OPERATORS:
            classes[code] = _CLASS["op"]
    return classes, space


def candidates(text: str, regions: Regions | None = None) -> Candidates:
    """Every candidate cut of ``text`` with its features."""
    regions = find_regions(text) if regions is None else regions
    classes, space = _tables()
    points = code_points(text)
    clipped = np.minimum(points, _TABLE_SIZE)
    cls = classes[clipped]
    is_space = space[clipped]
    n = len(text)
    if n == 0 or is_space.all():
        return _empty()
    # Word starts after whitespace, after the first non-whitespace character.
    starts = np.flatnonzero(~is_space[1:] & is_space[:-1]) + 1
    first = int(np.argmax(~is_space))
    starts = starts[starts > first]
    # Where the whitespace before each start begins.
    non_space = np.flatnonzero(~is_space)
    gap_start = non_space[np.searchsorted(non_space, starts) - 1] + 1
    prev_cls = cls[gap_start - 1]
    next_cls = cls[starts]
    # Counts between two positions by binary search over where the flagged characters are: a
    # running sum over every character (``cumsum`` of a bool array) costs several times more.
    newlines = np.flatnonzero(cls == _CLASS["newline"])
    gap_newlines = np.searchsorted(newlines, starts) - np.searchsorted(newlines, gap_start)
    # A step starts after a line break, after a sentence end or ";" / ":", or after a closing
    # bracket, quote or formula when no lower-case word follows (the text runs on).
    after_end = _BREAKERS[prev_cls]
    after_close = _CLOSERS[prev_cls] & (next_cls != _CLASS["lower"])
    # A bracket or operator standing as its own word opens a unit in symbol traces (a Dyck
    # stack, "( ; stack: ( (") that no sentence or line rule sees.
    symbol_led = _SYMBOL_LEADS[next_cls] & is_space[np.minimum(starts + 1, n - 1)]
    keep = (gap_newlines > 0) | after_end | after_close | symbol_led
    keep &= _allowed(regions, starts)
    starts, gap_start, prev_cls, next_cls, gap_newlines = (
        starts[keep], gap_start[keep], prev_cls[keep], next_cls[keep], gap_newlines[keep]
    )
    if len(starts) == 0:
        return _empty()
    one_space = (starts - gap_start == 1) & (points[gap_start] == 32)
    return _featurize(text, regions, points, cls, starts, gap_start, prev_cls, next_cls,
                      gap_newlines, one_space)


def _featurize(text, regions, points, cls, starts, gap_start, prev_cls, next_cls, gap_newlines,
               one_space):
    n = len(text)
    count = len(starts)
    columns: dict[str, np.ndarray] = {}
    columns["gap_newlines"] = np.minimum(gap_newlines, 3)
    columns["gap_chars"] = np.minimum(starts - gap_start, 8)
    columns["gap_is_one_space"] = one_space
    columns["prev_class"] = prev_cls
    columns["prev2_class"] = cls[np.maximum(gap_start - 2, 0)]
    columns["next_class"] = next_cls
    columns["next2_class"] = cls[np.minimum(starts + 1, n - 1)]
    columns["sentence_end_before"] = _SENTENCE_END[prev_cls]
    words = _head_words(text, starts)
    openers = _opener_words()
    columns["opener"] = np.array([a in openers for a, _ in words], dtype=bool)
    columns.update(_heads(text, points, starts, words))
    marked = marker_cuts(text)  # once, for the marker features and ``solution``'s cuts
    columns["solution_cut"] = _member(starts, _solution_cuts(text, regions, marked))
    columns["line_continues"] = _line_continues(text, starts, gap_newlines)
    for name, found in _markers(text, marked).items():
        columns[name] = _member(starts, found)
    # Inline markers ("... so 7. Step 3: ..." in one-line text), matched only at the candidates
    # that start with a digit, "s", "S", "*" or "ſ" (an "s" to (?i)): a marker starts so.
    first = points[starts]
    leads = (next_cls == _CLASS["digit"]) | (first == 115) | (first == 83) | (first == 42) | (first == 0x17F)
    columns["inline_marker"] = _matches_at(text, _INLINE_AT, starts, leads)
    columns.update(_math(text, regions, starts, gap_start))
    columns.update(_distances(cls, starts, gap_newlines, prev_cls, n))
    columns["cohesion"], columns["cohesion_near"] = _cohesion(text, points, starts)
    columns.update(_units(cls, starts, n, columns["tok_prev_cand"], columns["tok_next_cand"]))
    # Column by column into one array (``column_stack`` costs a tenth of a millisecond per text).
    numeric = np.empty((count, len(NUMERIC)), dtype=np.float32, order="F")
    for i, name in enumerate(NUMERIC):
        numeric[:, i] = columns[name]
    return Candidates(starts.astype(np.int64), numeric, words)


def _heads(text: str, points: np.ndarray, starts: np.ndarray, words: list[tuple[str, str]]) -> dict:
    """Whether a short title and a colon open the unit, and how often the unit's first words
    open units elsewhere in the text (parallel steps: "For 3 members: ...", "For 4 ...")."""
    pairs = Counter(words)
    firsts = Counter(a for a, _ in words)
    # A title can only match where a ":" follows within 80 characters on the same line.
    colons = np.flatnonzero(points == 58)
    newlines = np.flatnonzero(points == 10)
    colon = colons[np.minimum(np.searchsorted(colons, starts), len(colons) - 1)] if len(colons) else starts
    line_end = np.append(newlines, len(points))[np.searchsorted(newlines, starts)]
    possible = (colon >= starts) & (colon < starts + 80) & (colon < line_end)
    return {
        "title_colon": _matches_at(text, _TITLE_COLON, starts, possible, 80),
        "head_repeats": np.minimum([pairs[w] for w in words], 20),
        "first_repeats": np.minimum([firsts[w[0]] for w in words], 20),
    }


def _matches_at(text: str, pattern: re.Pattern, starts: np.ndarray, possible: np.ndarray,
                reach: int | None = None) -> np.ndarray:
    """Whether ``pattern`` matches at each start (tried only where ``possible``; ``reach``:
    the match must end within that many characters)."""
    found = np.zeros(len(starts), dtype=bool)
    match = pattern.match
    for k in np.flatnonzero(possible).tolist():
        pos = int(starts[k])
        found[k] = match(text, pos, len(text) if reach is None else pos + reach) is not None
    return found


def _line_continues(text: str, starts: np.ndarray, gap_newlines: np.ndarray) -> np.ndarray:
    """For a cut after a single line break: whether ``lines.continues`` joins the two lines."""
    found = np.zeros(len(starts), dtype=bool)
    for k in np.flatnonzero(gap_newlines == 1).tolist():
        pos = int(starts[k])
        line_end = text.rfind("\n", 0, pos)
        previous = text[text.rfind("\n", 0, line_end) + 1 : line_end]
        end = text.find("\n", pos)
        if previous.strip():
            found[k] = continues(previous, text[pos : len(text) if end == -1 else end])
    return found


def _empty() -> Candidates:
    return Candidates(np.zeros(0, dtype=np.int64), np.zeros((0, len(NUMERIC)), np.float32), [])


def _allowed(regions: Regions, positions: np.ndarray) -> np.ndarray:
    """``Regions.allows`` for every position at once."""
    if not regions.starts:
        return np.ones(len(positions), dtype=bool)
    region_starts = np.asarray(regions.starts)
    region_ends = np.asarray(regions.ends)
    i = np.searchsorted(region_starts, positions, side="right") - 1
    inside = (i >= 0) & (positions < region_ends[np.maximum(i, 0)])
    return ~inside | (positions == region_starts[np.maximum(i, 0)])


def _head_words(text: str, starts: np.ndarray) -> list[tuple[str, str]]:
    """The first two words at each start, lower-cased ("" when none)."""
    positions = starts.tolist()
    matches = map(_HEAD.match, repeat(text), positions, [pos + 40 for pos in positions])
    return [(m[1].lower(), (m[2] or "").lower()) if m else ("", "") for m in matches]


def _markers(text: str, solution) -> dict[str, list[int]]:
    """Line-start and inline markers (``markers``), wherever they are, and the cuts that
    ``solution`` would make at the strongest kind present."""
    padded = "\n" + text
    found = {
        "step_marker": _line_starts(padded, _STEP_SCAN),
        "numbered_marker": _line_starts(padded, _NUMBERED_SCAN),
        "heading_marker": _line_starts(padded, _HEADING_SCAN),
        "bullet_marker": _line_starts(padded, _BULLET_SCAN),
    }
    found["solution_marker"] = _skip_space(text, solution[0]) if solution else []
    return found


def _line_starts(padded: str, scanner: re.Pattern) -> list[int]:
    """Where the marker's first non-whitespace character is (candidates start there)."""
    text = padded[1:]
    return _skip_space(text, [m.start() for m in scanner.finditer(padded)])


def _skip_space(text: str, positions: Sequence[int]) -> list[int]:
    out = []
    for pos in positions:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        out.append(pos)
    return out


def _math(text: str, regions: Regions, starts: np.ndarray, gap_start: np.ndarray) -> dict:
    """Whether a formula starts at the cut or ends just before it (display or inline)."""
    region_starts = list(regions.starts)
    region_ends = list(regions.ends)
    display = [text.startswith(_DISPLAY_OPEN, s) for s in region_starts]
    display_starts = [s for s, d in zip(region_starts, display) if d]
    display_ends = [e for e, d in zip(region_ends, display) if d]
    return {
        "display_starts": _member(starts, display_starts),
        "display_ended": _member(gap_start, display_ends),
        "math_starts": _member(starts, region_starts),
        "math_ended": _member(gap_start, region_ends),
    }


def _distances(cls, starts, gap_newlines, prev_cls, n) -> dict:
    """Distances in approximate tokens (pre-tokens: a run of letters, a run of digits, any
    other non-space character) to neighbouring candidates and to the text's ends."""
    kind = _PRE_TOKEN_KIND[cls]  # 0 whitespace, 1 letter, 2 digit, 3 anything else
    begins = kind != 0
    begins[1:] &= (kind[1:] == 3) | (kind[1:] != kind[:-1])
    token_starts = np.flatnonzero(begins)
    at = np.searchsorted(token_starts, starts).astype(np.float32)  # pre-tokens before each cut
    total = float(len(token_starts))
    strong = (gap_newlines > 0) | _SENTENCE_END[prev_cls]
    paragraph = gap_newlines >= 2
    prev_cand = np.concatenate([[0.0], at[:-1]])
    next_cand = np.concatenate([at[1:], [total]])
    columns = {
        "tok_prev_cand": at - prev_cand,
        "tok_next_cand": next_cand - at,
        "tok_prev_strong": at - _previous(at, strong, 0.0),
        "tok_next_strong": _next(at, strong, total) - at,
        "tok_prev_para": at - _previous(at, paragraph, 0.0),
        "tok_next_para": _next(at, paragraph, total) - at,
        "tok_from_start": at,
        "tok_to_end": total - at,
        "relative_position": at / max(total, 1.0),
    }
    last_para = np.maximum.accumulate(np.where(paragraph, np.arange(len(at)), -1))
    columns["cands_since_para"] = np.minimum(np.arange(len(at)) - last_para, 50)
    return columns


def _units(cls, starts, n, tokens_before, tokens_after) -> dict:
    """What the units before and after the cut hold: "=" signs and the share
    of digits (a computation that ends, a new one that starts), and their lengths in tokens
    relative to the text's median unit (a writer's usual step length, whatever the source)."""
    bounds = np.concatenate([[0], starts, [n]])  # unit k runs from bounds[k] to bounds[k + 1]
    equals = np.searchsorted(np.flatnonzero(cls == _CLASS["="]), bounds)  # "=" before each
    digits = np.searchsorted(np.flatnonzero(cls == _CLASS["digit"]), bounds)
    units_equals, units_digits, units_length = np.diff(equals), np.diff(digits), np.diff(bounds)
    digit_share = units_digits / np.maximum(units_length, 1)
    median = max(float(np.median(tokens_before)), 1.0)
    return {
        "equals_before": np.minimum(units_equals[:-1], 10),
        "equals_after": np.minimum(units_equals[1:], 10),
        "digits_before": digit_share[:-1],
        "digits_after": digit_share[1:],
        "len_before_rel": tokens_before / median,
        "len_after_rel": tokens_after / median,
    }


def _previous(at: np.ndarray, flag: np.ndarray, default: float) -> np.ndarray:
    """For each candidate, the position of the last flagged candidate strictly before it."""
    index = np.where(flag, np.arange(len(at)), -1)
    last = np.maximum.accumulate(np.concatenate([[-1], index[:-1]]))
    return np.where(last >= 0, at[np.maximum(last, 0)], default)


def _next(at: np.ndarray, flag: np.ndarray, default: float) -> np.ndarray:
    """For each candidate, the position of the first flagged candidate strictly after it."""
    size = len(at)
    index = np.where(flag, np.arange(size), size)
    following = np.minimum.accumulate(np.concatenate([index[1:], [size]])[::-1])[::-1]
    return np.where(following < size, at[np.minimum(following, size - 1)], default)


def _cohesion(text: str, points: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """TextTiling's lexical cohesion across each cut: the share of the words in a window after
    it whose previous occurrence lies in the window before it (``_COHESION_WINDOW`` words, and
    a quarter of that). Words (``_COHESION_WORD``: runs of at least four ASCII letters, case
    folded) are hashed with numpy over the code points, each word's previous occurrence found by
    one stable sort, and each window is a handful of vector operations over all candidates."""
    far = np.zeros(len(starts), dtype=np.float32)
    near = np.zeros(len(starts), dtype=np.float32)
    word_starts, hashes = _ascii_words(points)
    if not len(word_starts):
        return far, near
    previous = _previous_occurrence(hashes)
    index = np.searchsorted(word_starts, starts)
    for out, window in ((far, _COHESION_WINDOW), (near, _COHESION_WINDOW // 4)):
        out[:] = _linked_share(previous, index, window)
    return far, near


def _ascii_words(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Where each run of at least four ASCII letters starts, and a hash of the run folded to
    lower case (equal words, whatever their case, hash alike; two different words collide
    with a chance of about 2**-60)."""
    folded = points | 32
    letter = (folded >= 97) & (folded <= 122)
    edges = np.diff(np.concatenate([[0], letter.view(np.int8), [0]]))
    run_starts = np.flatnonzero(edges == 1)
    run_ends = np.flatnonzero(edges == -1)
    long_enough = run_ends - run_starts >= 4
    run_starts, lengths = run_starts[long_enough], (run_ends - run_starts)[long_enough]
    if not len(run_starts):
        return run_starts, np.zeros(0, dtype=np.int64)
    first = np.concatenate([[0], np.cumsum(lengths)[:-1]])  # each word's first letter, flattened
    offsets = np.arange(int(lengths.sum())) - np.repeat(first, lengths)
    letters = folded[np.repeat(run_starts, lengths) + offsets]
    with np.errstate(over="ignore"):
        terms = letters * _HASH_MULTIPLIERS[offsets % 64]
        hashes = np.add.reduceat(terms, first) + lengths * _HASH_MULTIPLIERS[64]
    return run_starts, hashes


def _previous_occurrence(hashes: np.ndarray) -> np.ndarray:
    """For each word, the index of the previous occurrence of the same word (-1: none)."""
    order = np.argsort(hashes, kind="stable")
    ranked = hashes[order]
    same = np.concatenate([[False], ranked[1:] == ranked[:-1]])
    previous = np.full(len(hashes), -1, dtype=np.int64)
    previous[order[same]] = order[np.flatnonzero(same) - 1]
    return previous


def _linked_share(previous: np.ndarray, index: np.ndarray, window: int) -> np.ndarray:
    """For each word index i: the share of words i..i+window-1 whose previous occurrence is
    among i-window..i-1 (one (candidates x window) array: texts are short, calls cost more)."""
    at = index[:, None] + np.arange(window)
    valid = at < len(previous)
    before = previous[np.minimum(at, len(previous) - 1)]
    low = (index - window)[:, None]
    linked = (valid & (before >= low) & (before < index[:, None])).sum(axis=1)
    counted = valid.sum(axis=1)
    return np.where(counted > 0, linked / np.maximum(counted, 1), 0.0)
