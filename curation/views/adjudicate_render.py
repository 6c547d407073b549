"""HTML of the adjudication page's text column and differences list, built in Python: a 60k
character trace with three annotators is a few thousand markers, which a template loop would
take tens of milliseconds to write. Every piece of trace text passes through ``text_html``."""
from __future__ import annotations

import html

from django.utils.safestring import SafeString, mark_safe

from curation.quality import Differences
from curation.review import Overlay
from curation.views.annotate_render import text_html

# One colour per side (Tableau's first three, as the step types use): readable on white.
SIDE_COLOURS = ("#4e79a7", "#e15759", "#59a14f")
CONTEXT = 30
CHUNK = 3000


def overlay_html(text: str, laid: Overlay) -> SafeString:
    """The text with each cut as an empty ``<u class="cN">`` (``d``: it differs, with its
    difference's id), split into blocks at blank lines every ``CHUNK`` characters or so, which
    the browser lays out only when they scroll into view (``content-visibility``)."""
    parts = ['<div class="chunk">']
    next_break = CHUNK
    for piece in laid.pieces:
        if piece.kind == "text":
            parts.append(_text_in_chunks(text, piece.start, piece.end, next_break, parts))
            while next_break <= piece.end:
                next_break += CHUNK
        elif piece.kind == "cut":
            diff = f' d" data-diff="{piece.diff}' if piece.diff else ""
            parts.append(f'<u class="c{piece.annotator}{diff}"></u>')
        else:
            parts.append(f'<u class="a" data-diff="{piece.diff}"></u>')
    parts.append("</div>")
    return mark_safe("".join(parts))


def _text_in_chunks(text: str, start: int, end: int, next_break: int, parts: list[str]) -> str:
    """Escaped text, closing the block after the first blank line past each ``next_break``."""
    out, cursor = [], start
    while next_break < end:
        blank = text.find("\n\n", max(cursor, next_break), end)
        if blank < 0:
            break
        out += [text_html(text[cursor : blank + 2]), '</div><div class="chunk">']
        cursor = blank + 2
        next_break = cursor + CHUNK
    out.append(text_html(text[cursor:end]))
    return "".join(out)


def differences_html(text: str, found: Differences, names: list[str]) -> SafeString:
    """One short list item per difference, in text order. The sides' options are not repeated in
    every item (a thousand differences would be most of a megabyte): each item carries them as
    data, and the page's choice panel shows those of the current difference."""
    items = [(min(d.positions.values()), _boundary_item(text, d, names)) for d in found.boundaries]
    items += [(min(s[0] for s in d.spans.values()), _label_item(text, d, names)) for d in found.labels]
    items.sort(key=lambda item: item[0])
    return mark_safe("".join(html_ for _, html_ in items))


def _boundary_item(text: str, diff, names: list[str]) -> str:
    at = min(diff.positions.values())
    placed = " ".join(_side(k, names) for k in diff.positions)
    options = "|".join(f"{k}:cut at {offset}" for k, offset in diff.positions.items())
    options += "".join(f"|{k}:no cut" for k in diff.missing)
    return (
        f'<li class="diff" data-diff="{diff.id}" data-kind="boundary" data-options="{_attr(options)}">'
        f'<b>cut</b> {placed} <s>{" ".join(_side(k, names) for k in diff.missing)}</s> '
        f'<span class="snippet">{_snippet(text, at)}</span></li>'
    )


def _label_item(text: str, diff, names: list[str]) -> str:
    at = min(s[0] for s in diff.spans.values())
    options = "|".join(f"{k}:{_value(value)}" for k, value in diff.values.items())
    values = " ".join(f'{_side(k, names)}={html.escape(_value(v))}' for k, v in diff.values.items())
    return (
        f'<li class="diff" data-diff="{diff.id}" data-kind="label" data-options="{_attr(options)}">'
        f'<b>{diff.label}</b> {values} <span class="snippet">{_snippet(text, at)}</span></li>'
    )


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _side(k: int, names: list[str]) -> str:
    return f'<i class="who side-{k}">{html.escape(names[k])}</i>'


def _value(value) -> str:
    if value is None:
        return "none"
    return f"+{value}" if isinstance(value, int) and value > 0 else str(value)


def _snippet(text: str, at: int) -> str:
    before = " ".join(text[max(0, at - CONTEXT) : at].split())
    after = " ".join(text[at : at + CONTEXT].split())
    return f"{text_html(before)}<mark>|</mark>{text_html(after)}"
