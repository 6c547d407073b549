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
CONTEXT = 40


def overlay_html(text: str, laid: Overlay) -> SafeString:
    parts = []
    for piece in laid.pieces:
        if piece.kind == "text":
            parts.append(text_html(text[piece.start : piece.end]))
        elif piece.kind == "cut":
            diff = f' data-diff="{piece.diff}"' if piece.diff else ""
            cls = "cut differs" if piece.diff else "cut"
            parts.append(f'<span class="{cls} side-{piece.annotator}" data-at="{piece.start}"{diff}></span>')
        else:
            parts.append(f'<span class="anchor" data-diff="{piece.diff}" data-at="{piece.start}"></span>')
    return mark_safe("".join(parts))


def differences_html(text: str, found: Differences, names: list[str]) -> SafeString:
    """One list item per difference, in text order: what differs, each side's option (1/2/3)."""
    items = [(min(d.positions.values()), _boundary_item(text, d, names)) for d in found.boundaries]
    items += [(min(s[0] for s in d.spans.values()), _label_item(text, d, names)) for d in found.labels]
    items.sort(key=lambda item: item[0])
    return mark_safe("".join(html_ for _, html_ in items))


def _boundary_item(text: str, diff, names: list[str]) -> str:
    at = min(diff.positions.values())
    placed = ", ".join(_side(k, names) for k in diff.positions)
    missing = ", ".join(_side(k, names) for k in diff.missing)
    options = "".join(
        _option(k, names, f"cut at {diff.positions[k]}" if k in diff.positions else "no cut")
        for k in range(len(names))
    )
    return (
        f'<li class="diff" data-diff="{diff.id}" data-kind="boundary" data-at="{at}" tabindex="-1">'
        f'<p><strong>Boundary</strong> placed by {placed}; not by {missing}</p>'
        f'<p class="snippet">{_snippet(text, at)}</p><p class="options">{options}'
        f'<button type="button" class="secondary" data-choice="keep">Keep <kbd>K</kbd></button>'
        f'<button type="button" class="secondary" data-choice="drop">Drop <kbd>D</kbd></button></p></li>'
    )


def _label_item(text: str, diff, names: list[str]) -> str:
    at = min(s[0] for s in diff.spans.values())
    options = "".join(
        _option(k, names, html.escape(_value(diff.values[k]))) for k in range(len(names)) if k in diff.values
    )
    return (
        f'<li class="diff" data-diff="{diff.id}" data-kind="label" data-at="{at}" tabindex="-1">'
        f'<p><strong>{diff.label.capitalize()}</strong> of the step at {at}</p>'
        f'<p class="snippet">{_snippet(text, at)}</p><p class="options">{options}</p></li>'
    )


def _option(k: int, names: list[str], what: str) -> str:
    return (f'<button type="button" class="option side-{k}" data-choice="take:{k}">'
            f'<kbd>{k + 1}</kbd> {html.escape(names[k])}: {what}</button>')


def _side(k: int, names: list[str]) -> str:
    return f'<span class="who side-{k}">{html.escape(names[k])}</span>'


def _value(value) -> str:
    if value is None:
        return "none"
    return f"+{value}" if isinstance(value, int) and value > 0 else str(value)


def _snippet(text: str, at: int) -> str:
    before = " ".join(text[max(0, at - CONTEXT) : at].split())
    after = " ".join(text[at : at + CONTEXT].split())
    return f"…{text_html(before)}<mark>|</mark>{text_html(after)}…"
