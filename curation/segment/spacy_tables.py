"""Two tables of spaCy's, copied so that cutting sentences does not import spaCy.

Importing spaCy costs a segmentation worker about 1.5 CPU seconds and, through thinc, torch
(about 200 MB); the sentence rules need only these two tables. Generated from spaCy 3.8.18;
``tests/segment/test_spacy_tables.py`` checks them against the installed spaCy, so an upgrade
that changes them fails there (regenerate them with the snippet in that test).
"""

SPACY_VERSION = "3.8.18"

# ``spacy.pipeline.Sentencizer.default_punct_chars``, in its order.
SENTENCIZER_PUNCT_CHARS = (
    '!', '.', '?', '։', '؟', '۔', '܀', '܁', '܂', '߹', '।', '॥', '၊', '။', '።', '፧', '፨', '᙮',
    '᜵', '᜶', '᠃', '᠉', '᥄', '᥅', '᪨', '᪩', '᪪', '᪫', '᭚', '᭛', '᭞', '᭟', '᰻', '᰼', '᱾', '᱿',
    '‼', '‽', '⁇', '⁈', '⁉', '⸮', '⸼', '꓿', '꘎', '꘏', '꛳', '꛷', '꡶', '꡷', '꣎', '꣏', '꤯', '꧈',
    '꧉', '꩝', '꩞', '꩟', '꫰', '꫱', '꯫', '﹒', '﹖', '﹗', '！', '．', '？', '𐩖', '𐩗', '𑁇', '𑁈', '𑂾',
    '𑂿', '𑃀', '𑃁', '𑅁', '𑅂', '𑅃', '𑇅', '𑇆', '𑇍', '𑇞', '𑇟', '𑈸', '𑈹', '𑈻', '𑈼', '𑊩', '𑑋', '𑑌',
    '𑗂', '𑗃', '𑗉', '𑗊', '𑗋', '𑗌', '𑗍', '𑗎', '𑗏', '𑗐', '𑗑', '𑗒', '𑗓', '𑗔', '𑗕', '𑗖', '𑗗', '𑙁',
    '𑙂', '𑜼', '𑜽', '𑜾', '𑩂', '𑩃', '𑪛', '𑪜', '𑱁', '𑱂', '𖩮', '𖩯', '𖫵', '𖬷', '𖬸', '𖭄', '𛲟', '𝪈',
    '｡', '。',
)

# Words of ``spacy.lang.en.tokenizer_exceptions.TOKENIZER_EXCEPTIONS`` that end in a full stop,
# are longer than two characters and hold no digit (``sentences._abbreviations``).
ENGLISH_ABBREVIATIONS = frozenset((
    '._.', 'Adm.', 'Ak.', 'Ala.', 'Apr.', 'Ariz.', 'Ark.', 'Aug.', 'Bros.', 'Calif.', 'Co.',
    'Colo.', 'Conn.', 'Corp.', 'D.C.', 'Dec.', 'Del.', 'Dr.', 'E.G.', 'E.g.', 'Feb.', 'Fla.',
    'Ga.', 'Gen.', 'Gov.', 'I.E.', 'I.e.', 'Ia.', 'Id.', 'Ill.', 'Inc.', 'Ind.', 'Jan.', 'Jr.',
    'Jul.', 'Jun.', 'Kan.', 'Kans.', 'Ky.', 'La.', 'Ltd.', 'Mar.', 'Mass.', 'Md.', 'Messrs.',
    'Mich.', 'Minn.', 'Miss.', 'Mo.', 'Mont.', 'Mr.', 'Mrs.', 'Ms.', 'Mt.', 'N.C.', 'N.D.',
    'N.H.', 'N.J.', 'N.M.', 'N.Y.', 'Neb.', 'Nebr.', 'Nev.', 'Nov.', 'Oct.', 'Okla.', 'Ore.',
    'Pa.', 'Ph.D.', 'Prof.', 'Rep.', 'Rev.', 'S.C.', 'Sen.', 'Sep.', 'Sept.', 'St.', 'Tenn.',
    'Va.', 'Wash.', 'Wis.', 'a.m.', 'co.', 'e.g.', 'i.e.', 'p.m.', 'v.s.', 'vs.', '°C.', '°F.',
    '°K.', '°c.', '°f.', '°k.',
))
