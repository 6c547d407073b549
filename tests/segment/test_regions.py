"""Protected regions: the opener scan finds what the plain alternation of delimiters finds."""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.segment import regions

# The delimiters as first written, one alternative each.
PLAIN_OPENER = re.compile(r"\\[\\$]|\$\$|\$|\\\[|\\\(|\\begin\{([A-Za-z*]+)\}|`+")

PIECES = st.sampled_from([
    "\\", "$", "`", "[", "]", "(", ")", "begin{", "end{", "align", "*}", "}", "x", " ", "\n",
    "\\\\", "\\$", "```", "{", "1",
])


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=20))
def test_opener_matches_the_plain_alternation(pieces):
    text = "".join(pieces)
    found = [(m.span(), m.group(1)) for m in regions._OPENER.finditer(text)]
    assert found == [(m.span(), m.group(1)) for m in PLAIN_OPENER.finditer(text)]


def test_regions_of_math_and_code():
    text = r"Let \(x\) be $y$ and $$z$$, \begin{align}a\end{align} with `c` and \$5."
    spans = [text[start:end] for start, end in regions.find_regions(text)]
    assert spans == [r"\(x\)", "$y$", "$$z$$", r"\begin{align}a\end{align}", "`c`"]
