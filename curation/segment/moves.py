"""Reasoning moves: the words a sentence opens with when the reasoning changes course.

"Wait", "Alternatively", "Let me check", "So the answer is" ... mark where a long chain of
thought starts a new move. ``MOVE_PHRASES`` lists every opener, by the kind of move it opens;
``discourse`` cuts at them and ``typing_rules`` reads them to label steps, so both agree and a
reader sees every rule in one table. ``(a|b)`` in a phrase stands for either word.

Matching looks the first words of every sentence (at most five) up in a table of every phrase
reading (``MoveMatcher``). Those words are cut by a regex (words, contractions such as "n't"
and "'s", single punctuation marks) rather than by spaCy's tokenizer, which would cost more than
everything else the segmenter does; the phrases are cut by the same regex, so both sides always
agree.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

# Move kinds, from the strongest claim to the weakest: when phrases of several kinds open the
# same sentence, the longest phrase wins, then the earlier kind in this tuple.
BACKTRACK, VERIFY, ALTERNATIVE, CONCLUDE, PLAN, RECALL, CONTRAST = (
    "backtrack", "verify", "alternative", "conclude", "plan", "recall", "contrast",
)
KINDS = (BACKTRACK, VERIFY, ALTERNATIVE, CONCLUDE, PLAN, RECALL, CONTRAST)

_CHECK = ("(check|verify|double-check|double check|recheck|re-check|confirm|recompute"
          "|recalculate|validate|test|plug|substitute|make sure|see if)")
_PLAN = ("(start|try|think|consider|compute|calculate|find|solve|figure|denote|write|set|recall"
         "|look|break|begin|use|define|note|analyze|work|determine|express|expand|simplify)")
_REDO = "(reconsider|rethink|retry|backtrack|redo|revisit|start over|go back)"

MOVE_PHRASES: dict[str, tuple[str, ...]] = {
    BACKTRACK: (
        "wait", "hmm", "hmmm", "oops", "whoa", "hold on", "but (wait|hold on|hmm)", "actually ,",
        "no (,|.|!)", "that (is|'s) (not|wrong|incorrect|impossible)", "that (does|can|did) n't",
        "i (made|make) a mistake", "i think i (made|messed)", "i must have", "i messed up",
        f"let (me|us) {_REDO}", f"let 's {_REDO}",
    ),
    VERIFY: (
        f"let (me|us) {_CHECK}", f"let 's {_CHECK}",
        "(check|checking|verify|verifying|verification)",
        "(double-check|double-checking|sanity check)", "to (check|verify|confirm|double-check)",
        "(i|we) (should|can|need to|will) (check|verify|double-check|confirm)",
        "just to (be sure|make sure|double-check|confirm)",
    ),
    ALTERNATIVE: (
        "alternatively", "instead", "another (approach|way|method|idea|thought)",
        "or (maybe|perhaps|alternatively)", "(maybe|perhaps) (i|we) (should|can|could)",
        "(maybe|perhaps) there (is|'s) (a|another)",
    ),
    CONCLUDE: (
        "(so|thus|therefore|hence) (,|) the (answer|final|result|solution)",
        "(therefore|thus|hence|consequently)", "in (conclusion|summary)", "(the|) final answer",
        "the answer is", "so (yes|finally|overall)",
    ),
    PLAN: (
        "(first|firstly|second|secondly|third|next|finally|now|lastly|step)",
        f"let (me|us) {_PLAN}", f"let 's {_PLAN}", "(i|we) (need|have|want) to",
        "to (find|solve|compute|determine|calculate|figure|start|begin|get)",
        "(okay|ok|alright|all right) (,|) (so|let|now|first|i|next)",
        "the (goal|question|task) (is|asks|wants)",
    ),
    RECALL: (
        "(i|we) (remember|recall|know) (that|the)", "(recall|remember|note) that",
        "we (are|were) given", "given that", "it (is|'s) given", "by definition",
        "the problem (says|states|gives|tells)", "the formula (for|is)",
    ),
    CONTRAST: ("(but|however|although|though|yet)",),
}

# Words, contractions ("does" + "n't", "that" + "'s") and single punctuation marks.
_WORD = re.compile(
    r"[a-z]+(?=n't\b)|n't\b|'(?:s|re|ve|ll|d|m)\b|[a-z0-9]+(?:-[a-z0-9]+)*|[^\sa-z0-9]"
)
_HEAD_WORDS = 5  # the longest phrase spans five words
_HEAD_CHARS = 60
_HEAD_CACHE_LIMIT = 50_000
_UNSEEN = object()


def words_of(text: str) -> list[str]:
    """``text`` lower-cased and cut the way phrases and heads are cut."""
    return _WORD.findall(text.lower().replace("’", "'"))


def expand(phrase: str) -> list[str]:
    """Every reading of a phrase with ``(a|b)`` choices ("(a|)" makes a word optional)."""
    parts = re.split(r"\(([^()]*)\)", phrase)
    choices = [[part] if i % 2 == 0 else part.split("|") for i, part in enumerate(parts)]
    return [" ".join("".join(combo).split()) for combo in itertools.product(*choices)]


@lru_cache(maxsize=1)
def _longest_phrase() -> dict[str, int]:
    """For each word that can open a move, the most words a phrase starting with it has:
    a head needs no more (sentences starting with any other word are not matched at all)."""
    longest: dict[str, int] = {}
    for phrases in MOVE_PHRASES.values():
        for reading in (words_of(r) for p in phrases for r in expand(p)):
            longest[reading[0]] = max(longest.get(reading[0], 0), len(reading))
    return longest


@lru_cache(maxsize=1)
def _opener() -> re.Pattern:
    """Matches a sentence start whose first word opens a phrase: up to three characters that
    are not letters, then one of those words (ASCII, any case; group 1) up to an apostrophe or
    the end of the word ("Let's" opens as "let").

    The words are spelled as a tree of their letters ("s(?:o|tep)"), so that the engine drops
    a start at its first letter that opens no word, instead of trying every word in turn.
    At most one word can match at a start (it must end where the letters end), so the tree
    finds the word the plain alternation would.
    """
    return re.compile(
        rf"[^A-Za-z]{{0,3}}({_letter_tree(_longest_phrase())})(?![A-Za-z-])",
        re.IGNORECASE | re.ASCII,
    )


def _letter_tree(words: Iterable[str]) -> str:
    """A regex matching exactly ``words``, as a tree of their letters."""
    tree: dict = {}
    for word in words:
        node = tree
        for letter in word:
            node = node.setdefault(letter, {})
        node[""] = {}  # a word ends here
    return _branches(tree)


def _branches(node: dict) -> str:
    branches = [re.escape(letter) + _branches(node[letter]) for letter in sorted(node) if letter]
    if not branches:
        return ""
    if "" in node:  # a word ends here and longer ones go on
        return f"(?:{'|'.join(branches)})?"
    return branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"


class MoveMatcher:
    """Finds the move (or None) that each sentence of a text opens.

    Only phrases that start at a sentence's first word count, and a head holds no more words
    than the longest phrase its first word opens: so the phrases that match a head are exactly
    those equal to one of its prefixes, found by looking each prefix up in a table of every
    reading (longest first; for a reading several kinds list, the earlier kind in ``KINDS``).
    What spaCy's ``PhraseMatcher`` over a ``Doc`` of the heads found, at a tenth of the cost
    (building the ``Doc`` alone cost more than the rest of the segmenter's move finding).
    """

    def __init__(self) -> None:
        self._table: dict[tuple[str, ...], str] = {}
        for kind in KINDS:
            for phrase in MOVE_PHRASES[kind]:
                for reading in expand(phrase):
                    self._table.setdefault(tuple(words_of(reading)), kind)
        # Head -> its move: the few hundred heads that open most sentences ("So,", "Wait,",
        # "Let me compute") are looked up once each.
        self._kind_of_head: dict[str, str | None] = {}

    def kinds(self, text: str, starts: list[int]) -> list[str | None]:
        """The move opened at each of ``starts`` (sentence starts in ``text``)."""
        opens = _opener().match  # most sentences open no move: one C-level match says so
        longest = _longest_phrase()
        found: list[str | None] = [None] * len(starts)
        for i, pos in enumerate(starts):
            opener = opens(text, pos, pos + _HEAD_CHARS)
            if opener is not None:
                size = longest[opener.group(1).lower()]
                found[i] = self._kind_of(_head_words(text, pos, opener.start(1), size), size)
        return found

    def _kind_of(self, head: str, size: int) -> str | None:
        """The move opened by ``head``, whose first ``size`` words a phrase may span (cached:
        ``size`` follows from ``head``), or None."""
        kind = self._kind_of_head.get(head, _UNSEEN)
        if kind is _UNSEEN:
            if len(self._kind_of_head) >= _HEAD_CACHE_LIMIT:
                self._kind_of_head.clear()  # memory stays flat however many traces are cut
            kind = self._kind_of_head[head] = self._longest_match(words_of(head)[:size])
        return kind

    def _longest_match(self, words: list[str]) -> str | None:
        """The kind of the longest phrase that ``words`` start with, or None."""
        table = self._table
        for size in range(len(words), 0, -1):
            kind = table.get(tuple(words[:size]))
            if kind is not None:
                return kind
        return None


def _head_words(text: str, pos: int, first_word: int, size: int) -> str:
    """The first ``size`` words of the sentence at ``pos``, whose first word starts at
    ``first_word``, as one string."""
    window = text[first_word : pos + _HEAD_CHARS]
    chunks = window.split(None, _HEAD_WORDS)
    if len(chunks) > _HEAD_WORDS:
        chunks = chunks[:_HEAD_WORDS]
    elif len(window) == pos + _HEAD_CHARS - first_word and len(chunks) > 1:
        chunks = chunks[:-1]  # the window may have cut the last word short
    # Every chunk gives at least one word, so ``size`` words come from ``size`` chunks.
    return " ".join(chunks[:size])


@lru_cache(maxsize=1)
def move_matcher() -> MoveMatcher:
    """The process-wide matcher (its table of phrase readings is built once)."""
    return MoveMatcher()
