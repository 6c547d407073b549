"""The DeepSeek tokenizer's pre-tokenizer, re-written as one Python regex.

The real pre-tokenizer is three Oniguruma regex passes (isolate 1-3 digit runs, isolate CJK
runs, then a GPT-style word/punctuation/space split) and costs most of the tokenizer's time.
``TokenCounter`` uses this emulation only to cut text it has never seen into pre-tokens, whose
counts it then caches; each pre-token is still counted by the real tokenizer, so the result is
exact as long as the cut is the same. It is, except for characters that Python's Unicode
database (Unicode 14 in Python 3.11) leaves unassigned: the ``regex`` module's newer tables and
Oniguruma's older ones classify some of those differently, so text containing one is handed to
the real tokenizer (``can_split`` is False). ``tests/segment/test_tokens.py`` compares the two
on every code point of the Basic Multilingual Plane. ASCII text (most of what a counter has
not seen) is cut by the same rules spelled out for Python's ``re``, which is several times
faster; a hypothesis test compares it with the real pre-tokenizer.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import regex

_CJK = "一-龥぀-ゟ゠-ヿ"
# Classes of the third pass, minus what the first two passes have already isolated (digits and
# CJK), so that a single left-to-right pass cuts exactly where the three passes do.
_LETTER = rf"[[\p{{L}}\p{{M}}]--[{_CJK}]]"
_PUNCT = rf"[[\p{{P}}\p{{S}}]--[{_CJK}]]"
_PREFIX = rf"[^\r\n\p{{L}}\p{{P}}\p{{S}}\p{{N}}{_CJK}]"
# "\s+(?!\S)" also stops at the end of a pass-one/two piece, i.e. before a digit or CJK.
_SPACE_END = rf"(?![^\s\p{{N}}{_CJK}])"
# Characters no branch matches stay together as one piece, except the last before a letter,
# which the letter branch takes as its prefix.
_OTHER = rf"[^\s\p{{L}}\p{{M}}\p{{P}}\p{{S}}\p{{N}}{_CJK}]"
_PRE_TOKEN = (
    rf"{_PREFIX}?{_LETTER}+|\p{{N}}{{1,3}}|[{_CJK}]+"
    rf"|[!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{{|}}~][A-Za-z]+"
    rf"| ?{_PUNCT}+[\r\n]*"
    rf"|\s*[\r\n]+|\s+{_SPACE_END}|\s+"
    rf"|(?:{_OTHER}(?!{_LETTER}))+"
)
# The same cut for ASCII text (most of what is unseen), with the classes spelled out so that
# Python's own ``re`` can run it, several times faster than ``regex`` with Unicode classes.
# ``\s`` is spelled out too: Python's counts \x1c-\x1f as whitespace, Unicode's does not.
_ASCII_SPACE = r"[\t\n\x0b\x0c\r ]"
_ASCII_PUNCT = r"[!-/:-@\[-`{-~]"
_ASCII_CONTROL = r"[\x00-\x08\x0e-\x1f\x7f]"  # no branch's class: letters take the last one
_ASCII_PREFIX = r"[\t\x0b\x0c \x00-\x08\x0e-\x1f\x7f]"  # neither \r\n nor L, P, S, N
_ASCII_PRE_TOKEN = (
    rf"{_ASCII_PREFIX}?[A-Za-z]+|[0-9]{{1,3}}"
    rf"|{_ASCII_PUNCT}[A-Za-z]+"
    rf"| ?{_ASCII_PUNCT}+[\r\n]*"
    rf"|{_ASCII_SPACE}*[\r\n]+|{_ASCII_SPACE}+(?![^\t\n\x0b\x0c\r 0-9])|{_ASCII_SPACE}+"
    rf"|(?:{_ASCII_CONTROL}(?![A-Za-z]))+"
)
_ASCII_PATTERN = re.compile(_ASCII_PRE_TOKEN)


def can_split(text: str) -> bool:
    """Whether ``split`` cuts ``text`` exactly as the real pre-tokenizer does."""
    return text.isascii() or not any(map(_beyond_emulation, set(text)))


def split(text: str) -> list[str]:
    """The pre-tokens of ``text`` (for a text that ``can_split``)."""
    if text.isascii():
        return _ASCII_PATTERN.findall(text)
    return _pre_token_pattern().findall(text)


def split_all(texts: list[str]) -> list[list[str] | None]:
    """``split`` of each text, None for a text it cannot cut (one call for many texts: the
    counter cuts thousands of short pieces at a time)."""
    ascii_split = _ASCII_PATTERN.findall
    return [
        ascii_split(text) if text.isascii() else split(text) if can_split(text) else None
        for text in texts
    ]


@lru_cache(maxsize=1)
def _pre_token_pattern() -> regex.Pattern:
    """Compiled on first use (a few hundred ms: large Unicode classes)."""
    return regex.compile(_PRE_TOKEN, regex.V1)


def _beyond_emulation(char: str) -> bool:
    """CJK (re-split by the third pass in ways one pass does not reproduce) or a code point
    unassigned in Python's Unicode database (classified differently by ``regex`` and
    Oniguruma). Both are rare in English traces and go to the real tokenizer."""
    code = ord(char)
    if code < 0x3040:
        return unicodedata.category(char) == "Cn" if code > 0x7F else False
    cjk = 0x3040 <= code <= 0x30FF or 0x4E00 <= code <= 0x9FA5
    return cjk or unicodedata.category(char) == "Cn"
