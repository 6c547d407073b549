"""Sentence and line boundaries, found by regex with spaCy's sentencizer rules.

spaCy's ``sentencizer`` starts a sentence after a token made of sentence-final punctuation; its
tokenizer keeps abbreviations such as "Dr." or "e.g." whole, so they never end a sentence.
Running spaCy over a 50k-character trace costs about 30 ms (1.5 MB/s), so ``boundaries``
applies the same two rules with one regex pass, borrowing spaCy's punctuation list and
abbreviation exceptions (copied in ``spacy_tables``, checked against spaCy by a test). ``spacy_boundaries`` runs the real pipeline (``spacy.blank("en")`` and
its ``sentencizer``) for whoever prefers it at that price.

A boundary is where the next unit starts (after the whitespace), with its kind: ``paragraph``
(a blank line), ``sentence`` (sentence-final punctuation, then whitespace) or ``line`` (a single
newline after anything else). One rule is added to spaCy's: a sentence does not start with a
lower-case letter or an operator, so "9! ways", "5! * 2!" and "x. then" end no sentence.
"""
from __future__ import annotations

import re
from functools import lru_cache

from .spacy_tables import ENGLISH_ABBREVIATIONS, SENTENCIZER_PUNCT_CHARS

PARAGRAPH, LINE, SENTENCE = "paragraph", "line", "sentence"


# (where the next unit starts: its first non-whitespace character, PARAGRAPH/LINE/SENTENCE).
# A plain tuple: a long trace has thousands, and tuples are the cheapest to make.
Boundary = tuple[int, str]


@lru_cache(maxsize=1)
def _boundary_pattern() -> re.Pattern:
    r"""Sentence-final punctuation then whitespace, or a newline: ``[P]+[C]*(?=\s)\s+|\n\s*``
    (``P`` the punctuation, ``C`` what may close a sentence after it).

    Only spaCy's punctuation of the Basic Multilingual Plane: a character class with astral
    characters (a few historic scripts) cannot be compiled to a bitmap and is five times slower.
    Closing quotes, brackets and markdown emphasis may follow the full stop ("end.)", "**.").
    The pattern opens with one class of both first characters, then tells them apart by
    looking back: the regex engine then skips to candidates in C, twice as fast as trying
    both alternatives at every character (the same matches: ``test_sentences``).
    """
    punct = "".join(re.escape(ch) for ch in SENTENCIZER_PUNCT_CHARS if ord(ch) < 0x10000)
    closing = "\"'”’)\\]*_"
    return re.compile(
        rf"[{punct}\n](?:(?<=\n)\s*|(?<!\n)[{punct}]*[{closing}]*(?=\s)\s+)"
    )


@lru_cache(maxsize=1)
def _abbreviations() -> frozenset[str]:
    """Words spaCy's English tokenizer keeps whole with their full stop ("Dr.", "e.g.").

    Single letters ("x.") are left out: in math they end sentences ("the value of x. So").
    (Copied from spaCy's tables, ``spacy_tables``, so that this module does not import spaCy.)
    """
    return ENGLISH_ABBREVIATIONS


_NOT_A_SENTENCE_START = frozenset("abcdefghijklmnopqrstuvwxyz=+*/^>×·÷,;:)]}")
# "1." / "a)" / "iv." / "Step 3." alone before the punctuation: a list marker, not a sentence.
_ENUMERATOR = re.compile(r"(?i)(?:\*\*)?(?:step\s*)?(?:\d{1,3}|[a-z]|[ivx]{1,4})[.)]\**")


def boundaries(text: str, start: int = 0, end: int | None = None) -> list[Boundary]:
    """Every sentence, line and paragraph boundary in ``text[start:end]``, in order."""
    end = len(text) if end is None else end
    found = []
    append = found.append  # (a hot loop: one pass per boundary of every trace)
    # The cheapest tests of ``_ends_sentence`` are spelled out here: most full stops are
    # settled by them, without a call.
    not_a_start = _NOT_A_SENTENCE_START
    for match in _boundary_pattern().finditer(text, start, end):
        pos = match.end()
        if pos >= end:
            break
        punct = match.start()
        if text[punct] == "\n":  # a line break, or several (a blank line)
            append((pos, PARAGRAPH if text.find("\n", punct + 1, pos) != -1 else LINE))
            continue
        newlines = text.count("\n", punct, pos)  # after the punctuation
        if newlines > 1:
            append((pos, PARAGRAPH))
        elif text[pos] not in not_a_start and (
            not text[punct - 1 : punct].isalnum() or _word_ends_sentence(text, punct, pos)
        ):
            append((pos, SENTENCE))
        elif newlines:
            append((pos, LINE))
    return found


def _word_ends_sentence(text: str, punct: int, next_start: int) -> bool:
    """Whether the punctuation at ``punct``, after a letter or digit and before a possible
    sentence start, ends a sentence: neither ``_ends_with_abbreviation`` nor ``_is_enumerator``,
    whose cheapest tests come first here (a hot path: once per full stop of every trace; the
    tests that need no letter before it are ``boundaries``' own)."""
    if text[punct] == "." and text[punct - 2 : punct + 1] in _ABBREVIATION_TAILS:
        if _ends_with_abbreviation(text, punct):
            return False
    # A list marker starts its line within 13 characters (``_is_enumerator``).
    if punct > 13 and text.rfind("\n", punct - 13, punct) == -1:
        return True
    return not _is_enumerator(text, punct, next_start)


# The last three characters of every abbreviation (each has at least three: "Dr.").
_ABBREVIATION_TAILS = frozenset(abbreviation[-3:] for abbreviation in ENGLISH_ABBREVIATIONS)


def _ends_with_abbreviation(text: str, punct_pos: int) -> bool:
    if text[punct_pos] != "." or not text[punct_pos - 1 : punct_pos].isalpha():
        return False
    if text[max(0, punct_pos - 2) : punct_pos + 1] not in _ABBREVIATION_TAILS:
        return False  # (most full stops: no need to cut the word out)
    word = text[max(0, punct_pos - 12) : punct_pos + 1].split()
    return bool(word) and word[-1].lstrip("(\"'*") in _abbreviations()


def _is_enumerator(text: str, punct: int, next_start: int) -> bool:
    """True when the "sentence" ending at ``punct`` is only a list marker at a line start."""
    if not text[punct - 1 : punct].isalnum():
        return False
    window_start = max(0, punct - 13)  # markers are short: look no further back
    newline = text.rfind("\n", window_start, punct)
    if newline == -1 and window_start > 0:
        return False
    head = text[newline + 1 : next_start].strip()
    return _ENUMERATOR.fullmatch(head) is not None


def spacy_boundaries(text: str) -> list[Boundary]:
    """Sentence starts from spaCy's own sentencizer, with the paragraph and line boundaries of
    ``boundaries`` (spaCy's sentencizer knows nothing of line breaks)."""
    kinds = {pos: kind for pos, kind in boundaries(text) if kind != SENTENCE}
    for sentence in list(_spacy_pipeline()(text).sents)[1:]:
        if kinds.get(sentence.start_char) != PARAGRAPH:
            kinds[sentence.start_char] = SENTENCE
    return sorted(kinds.items())


@lru_cache(maxsize=1)
def _spacy_pipeline():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp
