"""Exact token counts at corpus speed: ``TokenCounter``.

The DeepSeek tokenizer's Rust pipeline runs at about 2 MB/s on one core, far below the
segmenter's speed targets, so the counter gets the same counts another way. For byte-level BPE
tokenizers a space always starts a new pre-token when the character before it is not whitespace
(or the one after it is an ASCII letter or punctuation mark), and BPE never merges across
pre-tokens: cutting a text at those spaces never changes its tokens. The pieces ("the",
" equation", " $x$.") repeat so often that a dictionary of their counts answers almost every
lookup. Unseen pieces are cut into pre-tokens by ``pretokenize`` (DeepSeek's pre-tokenizer as one
Python regex), whose counts are cached too, and only unseen pre-tokens reach the real tokenizer,
in one call, each as a word of its own. A tokenizer whose pre-tokenizer is not known to have the
space property is counted by its own ``encode_batch``. Either way the count is
``len(tokenizer.encode(text, add_special_tokens=False))``; the tests check it on real traces and
on arbitrary unicode. ``text_tokens.TextTokens`` counts many spans of one text.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain, repeat
from operator import add, floordiv, mod, sub
from typing import Any

import numpy as np

from . import pretokenize

# A space that does not start a pre-token is one preceded by whitespace and not followed by
# an ASCII letter or punctuation mark (the second space of "x  1", the one in "\n \n"); the
# marks below count as such a character (they are where ``count_many`` joins texts). The
# pattern opens with the space itself so that the regex engine scans for a literal character
# (twice as fast as a whitespace class, which is looked up for every character).
_GLUED_SPACE = re.compile(r" (?<=\s )(?![A-Za-z!-/:-@\[-`{-~\uf8fc-\uf8fe])")
# The same rule over code points, for ``_glue_spaces``: whether a character is whitespace
# (none is above U+3000), and whether a space before a character starts a pre-token (an ASCII
# letter or punctuation mark, found by the pattern itself, or one of the marks below; indexed
# up to U+FFFF, the last entry standing for every code point above).
_IS_SPACE = np.array([chr(code).isspace() for code in range(0x3001)] + [False])
_STARTS_AFTER_SPACE = np.zeros(0x10001, bool)
_STARTS_AFTER_SPACE[:0x80] = [_GLUED_SPACE.search("  " + chr(c)) is None for c in range(0x80)]
# Private-use characters that mark cache keys: a glued space (so ``str.split(" ")`` leaves it
# alone), the first piece of a text and the first piece after an added token (neither has a
# space before it), and an added token. Texts that contain one of them themselves are counted
# by the real tokenizer.
_GLUE, _BARE, _RUN, _ADDED = "\uf8ff", "\uf8fe", "\uf8fc", "\uf8fd"
# Texts with a mark character, or a lone surrogate (which no tokenizer accepts), are counted
# one by one, by the real tokenizer.
_MARKS = re.compile("[\uf8fc-\uf8ff\ud800-\udfff]")
_STARTS_AFTER_SPACE[[ord(_RUN), ord(_ADDED), ord(_BARE)]] = True  # (``_GLUED_SPACE``'s)
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_START = " " + _BARE  # joins the texts of a batch
# An added token is replaced in place by a piece of its own length (``_added_piece``), which
# needs four characters; a text with a shorter one is counted by the real tokenizer.
_SHORTEST_ADDED = 4
# Counts are cached per piece; the caches are cleared when they grow past this, so memory
# stays flat however large the corpus.
_CACHE_LIMIT = 250_000
# Byte-level pre-tokenizers whose splitting is known to respect the space rule above.
_DEEPSEEK_PRE_TOKENIZER = [
    {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}"}, "behavior": "Isolated", "invert": False},
    {
        "type": "Split",
        "pattern": {"Regex": "[一-龥぀-ゟ゠-ヿ]+"},
        "behavior": "Isolated",
        "invert": False,
    },
    {
        "type": "Split",
        "pattern": {
            "Regex": "[!\"#$%&'()*+,\\-./:;<=>?@\\[\\\\\\]^_`{|}~][A-Za-z]+"
            "|[^\r\n\\p{L}\\p{P}\\p{S}]?[\\p{L}\\p{M}]+| ?[\\p{P}\\p{S}]+[\r\n]*"
            "|\\s*[\r\n]+|\\s+(?!\\S)|\\s+"
        },
        "behavior": "Isolated",
        "invert": False,
    },
    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False},
]
# Text that exercises every branch of the space rule; a tokenizer whose fast count disagrees
# with its real count on it is always counted the slow way.
_CALIBRATION = (
    "Okay, so x = 3.  Then  1 + 2 = 3 \n  - item\t\tfoo \n\nWait...  $\\frac{a}{b}$ is 0.5;"
    " café ≤ π   \u00a0 end.  \r\n 12345 一二 ok  \t"
)


# What an unseen key counts in a sum: far above any real count of a batch, so a total says
# how many of its pieces were unseen (``total // UNSEEN``) and what the others count.
UNSEEN = 1 << 40


class _Counts(dict):
    """Key -> token count. An unknown key counts ``UNSEEN`` and is recorded, so a whole batch
    is summed in one C-level pass; the unseen keys are the next ones in ``missed``, which
    keeps text order."""

    __slots__ = ("missed",)

    def __init__(self) -> None:
        super().__init__()
        self.missed: list[str] = []

    def __missing__(self, key: str) -> int:
        self.missed.append(key)
        return UNSEEN


class TokenCounter:
    """Counts ``len(tokenizer.encode(text, add_special_tokens=False))`` for many texts.

    A batch is joined into one string, each text after a space and the ``_BARE`` mark, and cut
    at the spaces that start a pre-token: each piece is a cache key (a piece that follows a
    space stands for " " + piece, one marked ``_BARE`` opens a text and has no space before it)
    and each text's count is the sum over its pieces. Added tokens (``<think>``) become a key
    of ``_ADDED`` marks and open a new run, as the real tokenizer cuts them out before
    pre-tokenizing (``_added_piece``). ``text_tokens.TextTokens`` prepares a text once and
    counts many spans of it.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._backend = getattr(tokenizer, "backend_tokenizer", None)
        self._added = _added_token_pattern(tokenizer)
        pre_tokenizer = _pre_tokenizer_kind(self._backend)
        self._fast = pre_tokenizer is not None
        # Unseen pieces are cut by ``pretokenize`` and their pre-tokens counted (DeepSeek's
        # tokenizer); else unseen pieces go to the tokenizer whole.
        self._emulated = pre_tokenizer == "deepseek"
        self._words = _Counts()  # piece between cut spaces -> tokens
        self._atoms: dict[str, int] = {}  # pre-token -> tokens (with the emulated pre-tokenizer)
        self._clear_caches()
        if self._fast and self.count_many([_CALIBRATION]) != self._encode_counts([_CALIBRATION]):
            self._fast = False

    @property
    def fast(self) -> bool:
        """Whether the cached path is in use (else every text goes to the tokenizer)."""
        return self._fast

    def count(self, text: str) -> int:
        return self.count_many([text])[0]

    def count_many(self, texts: Sequence[str]) -> list[int]:
        """Token counts of ``texts``; what no cache knows is encoded in one batch."""
        if not self._fast or not texts:
            return self._encode_counts(texts)
        if any(map(_has_marks, texts)):
            return [self._count_alone(text) for text in texts]
        joined = _TEXT_START.join(texts)
        prepared = self.prepare(joined)
        if prepared is None:
            return self._encode_counts(texts)
        # The prepared texts (gluing and added tokens change them).
        parts = texts if prepared is joined else prepared.split(_TEXT_START)
        return self.count_prepared(parts, prepared)

    def count_prepared(self, parts: Sequence[str], joined: str | None = None) -> list[int]:
        """Token counts of texts already ``prepare``d (``joined``: them joined by
        ``_TEXT_START``, when the caller has it). Gluing a text's spaces depends only on the
        characters next to them, so a slice of a prepared text is that slice prepared, as long
        as it does not end in whitespace or cut an added token's piece (``text_tokens``)."""
        if joined is None:
            joined = _TEXT_START.join(parts)
        words = joined.split(" ")
        words[0] = _BARE + words[0]
        count = self._words.__getitem__
        if len(parts) == 1:
            return self._settle_unseen([sum(map(count, words))])
        # Each text's pieces are the next ``size`` words. (Sums of slices of the counts, which
        # are small ints, cost less than running totals, each of which is a new int object.)
        sizes = list(map((1).__add__, map(str.count, parts, repeat(" "))))
        ends = list(accumulate(sizes))
        counts = list(map(count, words))
        totals = list(map(sum, map(counts.__getitem__, map(slice, map(sub, ends, sizes), ends))))
        return self._settle_unseen(totals)

    def count_keys(self, keys: list[str]) -> np.ndarray:
        """The counts of cache keys as ``count_prepared`` cuts them (a ``_BARE`` key opens a
        text), the unseen ones counted in one batch."""
        counts = np.fromiter(map(self._words.__getitem__, keys), np.int64, len(keys))
        if self._words.missed:
            # The unseen keys counted ``UNSEEN``, in the order ``missed`` lists them.
            missed = self._take_missed()
            found = self._count_keys(missed)
            counts[counts == UNSEEN] = list(map(found.__getitem__, missed))
        return counts

    def _count_alone(self, text: str) -> int:
        """A text that holds a mark character itself goes to the real tokenizer."""
        return self._encode_counts([text])[0] if _has_marks(text) else self.count_many([text])[0]

    def prepare(self, text: str, added: list[tuple[int, int]] | None = None) -> str | None:
        """``text`` as it is cut into keys: each added token (at ``added``, found here when
        None) replaced by its piece (see ``_added_piece``), spaces glued. Both keep every
        position where it was; None for a text with an added token too short to be replaced
        in place (not with DeepSeek's)."""
        if added is None:
            added = self.added_spans(text)
        if added:
            if any(end - start < _SHORTEST_ADDED for start, end in added):
                return None
            text = _replace_spans(text, added)
        return _glue_spaces(text)

    def added_spans(self, text: str) -> list[tuple[int, int]]:
        """Where the added tokens of ``text`` are: the cheap prefix scans propose positions,
        and the longest token that starts at each is looked up (a regex of 1,300 tokens would
        try them one by one at every candidate)."""
        if self._added is None:
            return []
        candidates = sorted(m.start() for first in self._added.first for m in first.finditer(text))
        spans: list[tuple[int, int]] = []
        for start in candidates:
            if spans and start < spans[-1][1]:
                continue
            lengths = self._added.lengths
            for length in lengths.get(text[start : start + 2], ()) + lengths.get(text[start], ()):
                if text[start : start + length] in self._added.tokens:
                    spans.append((start, start + length))
                    break
        return spans

    def _settle_unseen(self, totals: list[int]) -> list[int]:
        """Count the pieces the sums met unseen (in one batch), cache them, fix the totals:
        total ``i`` met ``totals[i] // UNSEEN`` of them, the next ones in ``missed``."""
        if not self._words.missed:
            return totals
        missed = self._take_missed()
        found = self._count_keys(missed)
        unseen = list(map(floordiv, totals, repeat(UNSEEN)))
        through = list(accumulate(unseen))  # unseen pieces up to each total's last
        before = map(sub, through, unseen)
        running = list(accumulate(map(found.__getitem__, missed), initial=0)).__getitem__
        fixes = map(sub, map(running, through), map(running, before))
        return list(map(add, map(mod, totals, repeat(UNSEEN)), fixes))

    def _take_missed(self) -> list[str]:
        """The keys that lookups met unseen since the last call, in order."""
        missed, self._words.missed = self._words.missed, []
        return missed

    def _count_keys(self, keys: list[str]) -> dict[str, int]:
        """Exact counts of ``keys`` (unseen ones encoded in one batch), which are cached."""
        unseen = list(dict.fromkeys(keys))
        found = dict(zip(unseen, self._count_unseen(unseen)))
        self._words.update(found)
        if len(self._words) + len(self._atoms) > _CACHE_LIMIT:
            self._clear_caches()
        return found

    def _clear_caches(self) -> None:
        self._words.clear()
        self._atoms.clear()
        # The keys that added tokens become (one per token length), one token each.
        self._words.update(dict.fromkeys(self._added.keys if self._added else (), 1))

    def _count_unseen(self, keys: list[str]) -> list[int]:
        """Token counts of the pieces behind ``keys``: the sum over their pre-tokens (cut by
        ``pretokenize``), whose counts are cached and the unseen ones encoded in one call.
        A piece the emulation cannot cut goes to the real tokenizer."""
        texts = [(k[1:] if k[:1] in (_BARE, _RUN) else " " + k).replace(_GLUE, " ") for k in keys]
        if not self._emulated:
            return self._encode_counts(texts)
        pieces = pretokenize.split_all(texts)
        atoms = self._atoms
        unseen = list(set(chain.from_iterable(filter(None, pieces))).difference(atoms))
        if unseen:
            atoms.update(zip(unseen, self._count_pre_tokens(unseen)))
        counts = [sum(map(atoms.__getitem__, p)) if p is not None else 0 for p in pieces]
        hard = [i for i, p in enumerate(pieces) if p is None]
        for i, n in zip(hard, self._encode_counts([texts[i] for i in hard])):
            counts[i] = n
        return counts

    def _count_pre_tokens(self, pieces: list[str]) -> list[int]:
        """Token counts of pre-tokens, from one call that hands them over as separate words:
        BPE never merges across a pre-token, and a pre-token pre-tokenized alone is itself,
        so each word's tokens are its count (twice as fast as encoding them joined)."""
        encoding = self._backend.encode(pieces, is_pretokenized=True, add_special_tokens=False)
        per_piece = Counter(encoding.word_ids)
        return [per_piece[i] for i in range(len(pieces))]

    def _encode_counts(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        # A lone surrogate cannot be encoded: count it as the replacement character.
        texts = [_SURROGATE.sub("\ufffd", t) for t in texts]
        if self._backend is None:
            return [len(self.tokenizer.encode(t, add_special_tokens=False)) for t in texts]
        encode = getattr(self._backend, "encode_batch_fast", self._backend.encode_batch)
        return [len(e.ids) for e in encode(list(texts), add_special_tokens=False)]


def _replace_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with the added tokens at ``spans`` (sorted, disjoint) replaced by their
    pieces."""
    parts = []
    pos = 0
    for start, end in spans:
        parts.extend([text[pos:start], _added_piece(end - start)])
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


def _added_piece(length: int) -> str:
    """What an added token of ``length`` characters becomes: a cut space, its key (``_ADDED``
    repeated to keep the length), a cut space, and ``_RUN`` (the next piece has no space
    before it, as the real tokenizer cuts the token out before pre-tokenizing)."""
    return f" {_ADDED * (length - 3)} {_RUN}"


def is_space(code_points: np.ndarray) -> np.ndarray:
    """Whether each code point is whitespace, as ``str.isspace`` and the regex ``\\s`` say."""
    return _IS_SPACE[np.minimum(code_points, len(_IS_SPACE) - 1)]


def _glue_spaces(text: str) -> str:
    """``text`` with every space that does not start a pre-token replaced by ``_GLUE`` (the
    same object when there is none: callers check whether anything was glued).

    ``_GLUED_SPACE``'s rule over the code points in numpy: the regex engine runs its
    look-behind at every space of a trace, and few of them are glued."""
    try:
        code_points = np.frombuffer(text.encode("utf-32-le"), np.uint32)
    except UnicodeEncodeError:  # a lone surrogate
        return _GLUED_SPACE.sub(_GLUE, text)
    spaces = np.flatnonzero(code_points[1:] == ord(" ")) + 1
    after_space = spaces[is_space(code_points[spaces - 1])]
    following = np.append(code_points, ord(" "))[after_space + 1]  # as at the text's end
    glued = after_space[~_STARTS_AFTER_SPACE[np.minimum(following, 0x10000)]]
    if not len(glued):
        return text
    code_points = code_points.copy()
    code_points[glued] = ord(_GLUE)
    return code_points.tobytes().decode("utf-32-le")


def _has_marks(text: str) -> bool:
    """Whether ``text`` holds a mark character or a lone surrogate (never in ASCII text).

    Encoding to UTF-8 is several times faster than the regex scan of a long trace: a lone
    surrogate cannot be encoded, and every mark's encoding starts with the two bytes below,
    which start a UTF-8 sequence nowhere else than at U+F8C0-U+F8FF."""
    if text.isascii():
        return False
    try:
        encoded = text.encode()
    except UnicodeEncodeError:
        return True
    return b"\xef\xa3" in encoded and _MARKS.search(text) is not None


def _pre_tokenizer_kind(backend: Any) -> str | None:
    """"deepseek" or "bytelevel" for pre-tokenizers known to start a pre-token at the spaces
    ``count_many`` cuts at; None for any other (counted by the real tokenizer only)."""
    if backend is None:
        return None
    pre = json.loads(backend.pre_tokenizer.__getstate__()) if backend.pre_tokenizer else None
    normalizer = json.loads(backend.normalizer.__getstate__()) if backend.normalizer else None
    if normalizer not in (None, {"type": "Sequence", "normalizers": []}) or not pre:
        return None
    if pre == {"type": "Sequence", "pretokenizers": _DEEPSEEK_PRE_TOKENIZER}:
        return "deepseek"
    if pre.get("type") == "ByteLevel" and pre.get("use_regex") is True:
        return "bytelevel"
    return None


@dataclass(frozen=True, slots=True)
class _AddedTokens:
    """Finds added tokens in raw text: ``first`` (their two-character prefixes, one pattern
    per first character, so that the regex engine scans for a literal) proposes positions,
    where the longest of ``tokens`` that starts there is looked up, by length."""

    first: tuple[re.Pattern, ...]
    tokens: frozenset[str]
    lengths: dict[str, tuple[int, ...]]  # two-character prefix -> token lengths, longest first
    keys: tuple[str, ...]  # the keys the tokens become (``_added_piece``)


def _added_token_pattern(tokenizer: Any) -> _AddedTokens | None:
    added = sorted(getattr(tokenizer, "get_added_vocab", lambda: {})(), key=len, reverse=True)
    if not added:
        return None
    seconds: dict[str, set[str]] = {}  # first character -> the characters after it
    for token in added:
        seconds.setdefault(token[0], set()).add(token[1:2])
    first = tuple(
        re.compile(re.escape(char) + ("" if "" in after else f"[{re.escape(''.join(after))}]"))
        for char, after in seconds.items()
    )
    lengths: dict[str, set[int]] = {}
    for token in added:
        lengths.setdefault(token[:2], set()).add(len(token))
    in_place = {len(token) for token in added if len(token) >= _SHORTEST_ADDED}
    return _AddedTokens(
        first=first,
        tokens=frozenset(added),
        lengths={prefix: tuple(sorted(n, reverse=True)) for prefix, n in lengths.items()},
        keys=tuple(_ADDED * (length - 3) for length in sorted(in_place)),
    )
