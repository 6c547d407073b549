"""``spans_from_cuts``: the C-level trimming and the in-order shortcut cut what the plain
per-piece rules cut, for cuts in any order, repeated or out of range."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from curation.segment.regions import find_regions
from curation.segment.spans import spans_from_cuts, trim

TEXTS = st.lists(
    st.one_of(st.sampled_from([" ", "\n", "\n\n", "\t", "a", "Bc", ". ", "$x$", "$$y$$", "`z`"]),
              st.text(max_size=3)),
    max_size=30,
).map("".join)


def plain_spans(text: str, cuts, regions, start: int = 0, end: int | None = None):
    """The rule as first written: sorted distinct cuts in range, those the regions allow, and
    every piece trimmed on its own."""
    end = len(text) if end is None else end
    bounds = [c for c in sorted({c for c in cuts if start < c < end}) if regions.allows(c)]
    pieces = zip([start, *bounds], [*bounds, end])
    return [span for span in (trim(text, a, b) for a, b in pieces) if span is not None]


@settings(max_examples=500, deadline=None)
@given(text=TEXTS, data=st.data())
def test_spans_are_the_plain_rules(text, data):
    regions = find_regions(text)
    cuts = data.draw(st.lists(st.integers(-2, len(text) + 2), max_size=12))
    if data.draw(st.booleans()):
        cuts = sorted(set(cuts))  # the shortcut's case: in order, distinct
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert spans_from_cuts(text, cuts, regions) == plain_spans(text, cuts, regions)
    assert spans_from_cuts(text, cuts, regions, start, end) == plain_spans(
        text, cuts, regions, start, end
    )
    assert spans_from_cuts(text, iter(cuts), regions) == plain_spans(text, cuts, regions)
