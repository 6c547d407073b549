"""The tables the sentence rules copied from spaCy are spaCy's (an upgrade that changes them
fails here). To regenerate ``curation/segment/spacy_tables.py``, print the two expressions below
with the installed spaCy."""
from __future__ import annotations

import spacy
from spacy.lang.en.tokenizer_exceptions import TOKENIZER_EXCEPTIONS
from spacy.pipeline import Sentencizer

from curation.segment import spacy_tables


def test_the_punctuation_is_the_sentencizers():
    assert spacy_tables.SENTENCIZER_PUNCT_CHARS == tuple(Sentencizer.default_punct_chars)


def test_the_abbreviations_are_englishs_tokenizer_exceptions_with_a_full_stop():
    assert spacy_tables.ENGLISH_ABBREVIATIONS == frozenset(
        word
        for word in TOKENIZER_EXCEPTIONS
        if word.endswith(".") and len(word) > 2 and not any(ch.isdigit() for ch in word)
    )


def test_cutting_sentences_does_not_import_spacy():
    import subprocess
    import sys

    code = (
        "import sys; from curation.segment import segment_text, tag_steps;"
        "t = 'Wait. Dr. Smith said 9! ways.\\n\\nSo the answer is 3. Let me check.';"
        "tag_steps(t, segment_text(t, 'discourse', {})); print('spacy' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert spacy.__version__  # the comparison above ran against an installed spaCy


def test_every_abbreviation_has_the_three_characters_its_quick_check_reads():
    """``sentences`` rules a full stop out as an abbreviation's by its last three characters."""
    from curation.segment.spacy_tables import ENGLISH_ABBREVIATIONS

    assert all(len(abbreviation) >= 3 for abbreviation in ENGLISH_ABBREVIATIONS)
