"""Exact token counts at corpus speed: ``TokenCounter``.

The DeepSeek tokenizer's Rust pipeline runs at about 2 MB/s on one core, far below the
segmenter's speed targets, so the counter gets the same counts another way. For byte-level BPE
tokenizers a space always starts a new pre-token when the character before it is not whitespace
(or the one after it is an ASCII letter or punctuation mark), and BPE never merges across
pre-tokens: cutting a text at those spaces never changes its tokens. The pieces ("the",
" equation", " $x$.") repeat so often that a dictionary of their counts answers almost every
lookup. Unseen pieces are cut into pre-tokens by ``pretokenize`` (DeepSeek's pre-tokenizer as one
Python regex), whose counts are cached too, and only unseen pre-tokens reach the real tokenizer,
in one call. A tokenizer whose pre-tokenizer is not known to have the space property is counted
by its own ``encode_batch``. Either way the count is ``len(tokenizer.encode(text,
add_special_tokens=False))``; the tests check it on real traces and on arbitrary unicode.
"""
from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from . import pretokenize

# A space that does not start a pre-token is one preceded by whitespace and not followed by
# an ASCII letter or punctuation mark (the second space of "x  1", the one in "\n \n").
_SPACE_AFTER_SPACE = re.compile(r"\s(?= )")
# (The marks below count as such a character: they are where ``count_many`` joins texts.)
_STARTS_PIECE = re.compile(r"[A-Za-z!-/:-@\[-`{-~\uf8fc-\uf8fe]")
# Private-use characters that mark cache keys: a glued space (so ``str.split(" ")`` leaves it
# alone), the first piece of a text and the first piece after an added token (neither has a
# space before it), and an added token. Texts that contain one of them themselves are counted
# by the real tokenizer.
_GLUE, _BARE, _RUN, _ADDED = "\uf8ff", "\uf8fe", "\uf8fc", "\uf8fd"
# Texts with a mark character, or a lone surrogate (which no tokenizer accepts), are counted
# one by one, by the real tokenizer.
_MARKS = re.compile("[\uf8fc-\uf8ff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_TEXT_START = " " + _BARE  # joins the texts of a batch
_ADDED_PIECE = f" {_ADDED} {_RUN}"  # replaces an added token: its key, then a new run
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


class _Counts(dict):
    """Key -> token count. An unknown key counts ``UNSEEN`` and is recorded, so a whole batch
    is summed in one C-level pass: a total then says how many of its pieces were unseen
    (``total // UNSEEN``), and they are the next ones in ``missed``, which keeps text order."""

    __slots__ = ("missed",)
    UNSEEN = 1 << 40  # far above any real count of a batch

    def __init__(self) -> None:
        super().__init__()
        self.missed: list[str] = []

    def __missing__(self, key: str) -> int:
        self.missed.append(key)
        return self.UNSEEN


class TokenCounter:
    """Counts ``len(tokenizer.encode(text, add_special_tokens=False))`` for many texts.

    A batch is joined into one string, each text after a space and the ``_BARE`` mark, and cut
    at the spaces that start a pre-token: each piece is a cache key (a piece that follows a
    space stands for " " + piece, one marked ``_BARE`` opens a text and has no space before it)
    and each text's count is the sum over its pieces. Added tokens (``<think>``) become the key
    ``_ADDED`` and open a new run, as the real tokenizer cuts them out before pre-tokenizing.
    """

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self._backend = getattr(tokenizer, "backend_tokenizer", None)
        self._added = _added_token_pattern(tokenizer)
        pre_tokenizer = _pre_tokenizer_kind(self._backend)
        self._fast = pre_tokenizer is not None
        self._emulated = pre_tokenizer == "deepseek"  # unseen pieces cut by pretokenize.split
        self._words = _Counts()  # piece between cut spaces -> tokens
        self._atoms: dict[str, int] = {}  # pre-token -> tokens (with the emulated pre-tokenizer)
        self._clear_caches()
        if self._emulated:
            separator = self._encode_ids(pretokenize.SEPARATOR)
            self._emulated = len(separator) == 1
            self._separator_id = separator[0]
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
        raw = "".join(texts) if len(texts) > 1 else texts[0]
        if _MARKS.search(raw):
            return [self._count_alone(text) for text in texts]
        added = self._added is not None and self._added.first.search(raw) is not None
        joined = _TEXT_START.join(texts)
        prepared = _glue_spaces(self._replace_added(joined) if added else joined)
        words = prepared.split(" ")
        words[0] = _BARE + words[0]
        if len(texts) == 1:
            totals = [sum(map(self._words.__getitem__, words))]
        else:
            # Pieces per text, from the prepared texts (gluing and added tokens change them).
            parts = texts if prepared is joined else prepared.split(_TEXT_START)
            sizes = [part.count(" ") + 1 for part in parts]
            running = [0, *accumulate(map(self._words.__getitem__, words))]
            ends = accumulate(sizes)
            totals = [running[end] - running[end - size] for end, size in zip(ends, sizes)]
        return self._settle_unseen(totals)

    def _count_alone(self, text: str) -> int:
        """A text that holds a mark character itself goes to the real tokenizer."""
        return self._encode_counts([text])[0] if _MARKS.search(text) else self.count_many([text])[0]

    def _replace_added(self, text: str) -> str:
        """``text`` with each added token replaced by ``_ADDED_PIECE``; candidates come from
        the cheap prefix scan, as a regex of 1,300 tokens is slow to run over a whole text."""
        parts = []
        pos = 0
        for candidate in self._added.first.finditer(text):
            match = self._added.whole.match(text, candidate.start())
            if match is None or match.start() < pos:
                continue
            parts.extend([text[pos : match.start()], _ADDED_PIECE])
            pos = match.end()
        if not parts:
            return text  # the same object: callers check whether anything was replaced
        parts.append(text[pos:])
        return "".join(parts)

    def _settle_unseen(self, totals: list[int]) -> list[int]:
        """Count the pieces the sums met unseen (in one batch), cache them, fix the totals."""
        words = self._words
        if not words.missed:
            return totals
        missed, words.missed = words.missed, []
        unseen = list(dict.fromkeys(missed))
        words.update(zip(unseen, self._count_unseen(unseen)))
        pending = iter(missed)
        for i, total in enumerate(totals):
            misses, known = divmod(total, _Counts.UNSEEN)
            if misses:
                totals[i] = known + sum(words[next(pending)] for _ in range(misses))
        if len(words) + len(self._atoms) > _CACHE_LIMIT:
            self._clear_caches()
        return totals

    def _clear_caches(self) -> None:
        self._words.clear()
        self._atoms.clear()
        self._words[_ADDED] = 1

    def _count_unseen(self, keys: list[str]) -> list[int]:
        """Token counts of the pieces behind ``keys``."""
        texts = [(k[1:] if k[:1] in (_BARE, _RUN) else " " + k).replace(_GLUE, " ") for k in keys]
        if not self._emulated:
            return self._encode_counts(texts)
        counts = [0] * len(texts)
        splittable = [pretokenize.can_split(text) for text in texts]
        plain = [i for i, ok in enumerate(splittable) if ok]
        hard = [i for i, ok in enumerate(splittable) if not ok]
        for i, n in zip(hard, self._encode_counts([texts[i] for i in hard])):
            counts[i] = n
        for i, n in zip(plain, self._count_by_pre_tokens([texts[i] for i in plain])):
            counts[i] = n
        return counts

    def _count_by_pre_tokens(self, texts: list[str]) -> list[int]:
        """Token counts of texts that ``pretokenize`` can cut: the sum over their pre-tokens,
        whose counts are cached. One findall over the joined texts, not one per text."""
        filled = [text for text in texts if text]  # two separators in a row would be one piece
        pieces = pretokenize.split(pretokenize.SEPARATOR.join(filled))
        atoms = self._atoms
        unseen = [p for p in set(pieces) if p not in atoms and p != pretokenize.SEPARATOR]
        if unseen:
            atoms.update(zip(unseen, self._count_pre_tokens(unseen)))
        totals = [0]
        for piece in pieces:
            if piece == pretokenize.SEPARATOR:
                totals.append(0)
            else:
                totals[-1] += atoms[piece]
        sums = iter(totals)
        return [next(sums) if text else 0 for text in texts]

    def _count_pre_tokens(self, pieces: list[str]) -> list[int]:
        """Token counts of pre-tokens, from one encode call: BPE never merges across a
        pre-token, so encoding them joined by a separator that is always a pre-token (and a
        token) of its own gives each one's tokens between two separator tokens. The tokenizer
        costs far more per call than per character, so this beats a batch of short texts."""
        ids = self._encode_ids(pretokenize.SEPARATOR.join(pieces))
        counts = [0]
        for token in ids:
            if token == self._separator_id:
                counts.append(0)
            else:
                counts[-1] += 1
        if len(counts) != len(pieces):  # a separator merged after all: count one by one
            return self._encode_counts(pieces)
        return counts

    def _encode_ids(self, text: str) -> list[int]:
        return self._backend.encode(text, add_special_tokens=False).ids

    def _encode_counts(self, texts: Sequence[str]) -> list[int]:
        if not texts:
            return []
        # A lone surrogate cannot be encoded: count it as the replacement character.
        texts = [_SURROGATE.sub("\ufffd", t) for t in texts]
        if self._backend is None:
            return [len(self.tokenizer.encode(t, add_special_tokens=False)) for t in texts]
        encode = getattr(self._backend, "encode_batch_fast", self._backend.encode_batch)
        return [len(e.ids) for e in encode(list(texts), add_special_tokens=False)]


def _glue_spaces(text: str) -> str:
    """``text`` with every space that does not start a pre-token replaced by ``_GLUE``."""
    if not _SPACE_AFTER_SPACE.search(text):
        return text
    parts = []
    pos = 0
    for match in _SPACE_AFTER_SPACE.finditer(text):
        space = match.end()
        if _STARTS_PIECE.match(text, space + 1):
            continue
        parts.extend([text[pos:space], _GLUE])
        pos = space + 1
    if not parts:
        return text  # the same object: callers check whether anything was glued
    parts.append(text[pos:])
    return "".join(parts)


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
    """Finds added tokens in raw text: ``first`` (their two-character prefixes, a cheap scan)
    proposes positions, ``whole`` (every added token, longest first) confirms them."""

    first: re.Pattern
    whole: re.Pattern


def _added_token_pattern(tokenizer: Any) -> _AddedTokens | None:
    added = sorted(getattr(tokenizer, "get_added_vocab", lambda: {})(), key=len, reverse=True)
    if not added:
        return None
    prefixes = sorted({token[:2] for token in added}, key=len, reverse=True)
    return _AddedTokens(
        first=re.compile("|".join(map(re.escape, prefixes))),
        whole=re.compile("|".join(map(re.escape, added))),
    )
