"""The DeepSeek tokenizer's pre-tokenizer, re-written as one Python regex.

The real pre-tokenizer is three Oniguruma regex passes (isolate 1-3 digit runs, isolate CJK
runs, then a GPT-style word/punctuation/space split) and costs most of the tokenizer's time.
``TokenCounter`` uses this emulation only to cut text it has never seen into pre-tokens, whose
counts it then caches; each pre-token is still counted by the real tokenizer, so the result is
exact as long as the cut is the same. It is, except for characters that Python's Unicode
database (Unicode 14 in Python 3.11) leaves unassigned: the ``regex`` module's newer tables and
Oniguruma's older ones classify some of those differently, so text containing one is handed to
the real tokenizer (``can_split`` is False). ``tests/segment/test_tokens.py`` compares the two
on every code point of the Basic Multilingual Plane.
"""
from __future__ import annotations

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
# Joins texts for one findall (and one encode) call. A CJK character is always a pre-token of its
# own (the second pass isolates it and every branch of the third stops before it), so the texts
# on either side are cut exactly as they would be alone.
SEPARATOR = "一"


def can_split(text: str) -> bool:
    """Whether ``split`` cuts ``text`` exactly as the real pre-tokenizer does."""
    return text.isascii() or not any(map(_beyond_emulation, set(text)))


def split(text: str) -> list[str]:
    """The pre-tokens of ``text`` (for a text that ``can_split``)."""
    return _pre_token_pattern().findall(text)


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
