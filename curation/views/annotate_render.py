"""HTML for the segmented field and the step list, built in Python because it is hot.

A 300-step trace is 600 spans and 300 list items on every edit; Django's template loop costs tens
of milliseconds for that, plain string building about one. Every piece of trace text, note and
label goes through ``html.escape``; nothing from a trace is marked safe unescaped.

Offsets in ``data-start``/``data-end`` are code points, like the server's; the editor's script
converts the browser's UTF-16 offsets. Carriage returns are written as ``&#13;`` because an HTML
parser turns a literal CR (and CRLF) into LF, which would shift every later offset.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Sequence

import markdown
import nh3
import orjson
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from curation.segment.edits import EditableStep, Splice, redraws_locally
from curation.segment.schema import FALLBACK_COLOUR, safe_colour

PREVIEW_CHARS = 90
FLAG, NOTE, MINUS = "\u2691", "\u270e", "\u2212"


def text_html(text: str) -> str:
    """Escaped text whose characters keep their offsets once parsed (CR survives as ``&#13;``)."""
    return html.escape(text, quote=False).replace("\r", "&#13;")


def guidelines_html(source: str) -> SafeString:
    """A project's guidelines: markdown rendered, then sanitized (a lead's text is untrusted too)."""
    return mark_safe(
        nh3.clean(markdown.markdown(source, extensions=["tables", "fenced_code", "sane_lists"]))
    )


def label_colours(schema: list[dict]) -> dict[str, str]:
    """Type key -> a CSS colour; a schema colour that is not a hex colour is not trusted in CSS."""
    return {label["key"]: safe_colour(label.get("colour")) for label in schema}


# What Django's ``json_script`` escapes, so that no text can close the script element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def editor_data(text: str, steps: Sequence[EditableStep], schema: list[dict]) -> dict:
    """What the editor's script draws the field and the step list from on the first load.

    A step is ``[start, end, type, rating, flagged, note]`` with its trailing empty values left
    out (``[0, 70]`` for a step nobody labelled yet): about 30 bytes against the ~300 bytes of
    markup ``field_html`` and ``step_list_html`` write for it, and the text is sent once instead
    of in the spans and again in the previews. Edits still answer with the markup of the steps
    they changed (``patch_html``); ``static/js/annotate.js`` draws the same markup from this, and
    tests/browser/test_annotate_browser.py checks that the two agree.
    """
    return {
        "text": text,
        "steps": [_step_row(step) for step in steps],
        "labels": {
            label["key"]: [safe_colour(label.get("colour")), label["name"]] for label in schema
        },
        "fallback": FALLBACK_COLOUR,
    }


def editor_data_script(
    text: str, steps: Sequence[EditableStep], schema: list[dict], element_id: str = "editor-data"
) -> SafeString:
    """``editor_data`` as a JSON data block, escaped as Django's ``json_script`` escapes it.

    Written with orjson rather than ``json_script`` itself: the same escaping, but UTF-8 instead
    of a six-byte escape for every non-ASCII character (a trace in Chinese would double in size)
    and no spaces after separators. A data block is not a script: the CSP's ``script-src 'self'``
    does not apply to it and the page still runs no inline code.
    """
    payload = orjson.dumps(editor_data(text, steps, schema)).decode().translate(JSON_SCRIPT_ESCAPES)
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(payload)
    )


def _step_row(step: EditableStep) -> list:
    row = [step.start, step.end, step.type, step.rating, 1 if step.flagged else 0, step.note]
    # Trailing places at their default are left out: no type, no rating (None: 0 is a rating),
    # not flagged, no note.
    while len(row) > 2 and (row[-1] is None if len(row) == 4 else row[-1] in ("", 0)):
        row.pop()
    return row


def field_html(text: str, steps: Sequence[EditableStep], schema: list[dict]) -> SafeString:
    """The whole field as spans: a ``step`` span per step, a ``gap`` span for text between them."""
    colours = label_colours(schema)
    parts: list[str] = []
    cursor = 0
    for step in steps:
        start = max(
            step.start, cursor
        )  # an overlapping imported step is drawn from where the last ended
        if start > cursor:
            parts.append(_gap(text, cursor, start))
        parts.append(_step_span(text, step, start, colours))
        cursor = max(cursor, step.end)
    if cursor < len(text):
        parts.append(_gap(text, cursor, len(text)))
    return mark_safe("".join(parts))


def step_list_html(text: str, steps: Sequence[EditableStep], schema: list[dict]) -> SafeString:
    colours, names = label_colours(schema), label_names(schema)
    return mark_safe(
        "".join(_list_item(text, i, step, colours, names) for i, step in enumerate(steps))
    )


def patch_html(
    text: str, steps: Sequence[EditableStep], splice: Splice, schema: list[dict]
) -> SafeString | None:
    """Out-of-band swaps that redraw only what ``splice`` changed in the field and the step list.

    Elements are addressed by id, and ids by offset (``s``/``l`` + a step's start, ``g`` + a
    gap's start), so the steps after the change keep theirs. A relabel replaces its steps in
    place; a structural change deletes the old range, then inserts the new one before the first
    element after it (deleting first: the new range may reuse an id of the old one). None when
    the steps around the change are not tidy (overlapping imported steps): then redraw it all.
    """
    if not redraws_locally(steps, splice):
        return None
    index, before, after = splice.index, splice.before, splice.after
    around = (steps[max(0, index - 1) : index], steps[index + len(after) : index + len(after) + 1])
    colours, names = label_colours(schema), label_names(schema)
    if [(step.start, step.end) for step in before] == [(step.start, step.end) for step in after]:
        return mark_safe(
            "".join(
                _step_span(text, step, step.start, colours, oob=f"outerHTML:#s{step.start}")
                + _list_item(text, index + n, step, colours, names, oob=f"outerHTML:#l{step.start}")
                for n, step in enumerate(after)
            )
        )
    following = around[1][0] if around[1] else None
    deletes = [f"s{step.start}" for step in before] + [f"l{step.start}" for step in before]
    deletes += [f"g{a.end}" for a, b in itertools.pairwise(before) if a.end < b.start]
    return mark_safe(
        "".join(f'<i hx-swap-oob="delete:#{target}"></i>' for target in deletes)
        + f'<div hx-swap-oob="{_field_anchor(text, after[-1].end, following)}">{_range_html(text, after, colours)}</div>'
        + f'<ol hx-swap-oob="{_list_anchor(following)}">'
        + "".join(_list_item(text, index + n, step, colours, names) for n, step in enumerate(after))
        + "</ol>"
    )


def workspace_parts(
    text: str, steps: Sequence[EditableStep], splice, schema: list[dict]
) -> dict[str, SafeString]:
    """An edit's answer for the editor and the review editor: only the steps the edit touched
    (a kilobyte instead of the whole trace), or the whole field and list when there is no edit
    to go by (a refusal) or the patch cannot be made."""
    if splice is not None:
        patch = patch_html(text, steps, splice, schema)
        if patch:
            return {"patch_html": patch}
    return {"field_html": field_html(text, steps, schema), "step_list_html": step_list_html(text, steps, schema)}


def label_names(schema: list[dict]) -> dict[str, str]:
    return {label["key"]: label["name"] for label in schema}


def _range_html(text: str, steps: Sequence[EditableStep], colours: dict[str, str]) -> str:
    parts = []
    for step, following in zip(steps, [*steps[1:], None]):
        parts.append(_step_span(text, step, step.start, colours))
        if following is not None and step.end < following.start:
            parts.append(_gap(text, step.end, following.start))
    return "".join(parts)


def _field_anchor(text: str, end: int, following: EditableStep | None) -> str:
    """Where a redrawn range goes back: before the gap or step after it, else at the end."""
    if following is not None:
        return (
            f"beforebegin:#g{end}" if end < following.start else f"beforebegin:#s{following.start}"
        )
    return f"beforebegin:#g{end}" if end < len(text) else "beforeend:#field"


def _list_anchor(following: EditableStep | None) -> str:
    return f"beforebegin:#l{following.start}" if following is not None else "beforeend:#step-list"


# The helpers below run hundreds of times per edit, so they format strings directly; every value
# that comes from a trace, a note or the schema passes through _attr or text_html.


def _attr(value) -> str:
    return html.escape(str(value), quote=True)


def _oob(target: str | None) -> str:
    return f' hx-swap-oob="{target}"' if target else ""


def _gap(text: str, start: int, end: int) -> str:
    return f'<span class="gap" id="g{start}" data-start="{start}" data-end="{end}">{text_html(text[start:end])}</span>'


def _step_span(
    text: str, step: EditableStep, start: int, colours: dict[str, str], oob: str | None = None
) -> str:
    return (
        f'<span class="step" id="s{start}"{_oob(oob)} data-start="{start}" data-end="{step.end}"'
        f'{_labels(step)} style="--c:{colours.get(step.type, FALLBACK_COLOUR)}">'
        f"{text_html(text[start : step.end])}</span>"
    )


def _list_item(
    text: str, index: int, step: EditableStep, colours: dict, names: dict, oob: str | None = None
) -> str:
    preview = " ".join(text[step.start : step.start + PREVIEW_CHARS * 2].split())[:PREVIEW_CHARS]
    note_mark = (
        f'<span class="note-mark" title="{_attr(step.note)}">{NOTE}</span>' if step.note else ""
    )
    return (
        f'<li id="l{step.start}"{_oob(oob)}{_labels(step)}{_data("note", _attr(step.note))} '
        f'style="--c:{colours.get(step.type, FALLBACK_COLOUR)}">'
        f'<span class="n">{index + 1}</span><span class="chip">{_attr(names.get(step.type, step.type or "untyped"))}</span>'
        f'<span class="rating">{_rating_label(step.rating)}</span><span class="flag">{FLAG if step.flagged else ""}</span>'
        f'<span class="preview tex">{_attr(preview)}</span>{note_mark}</li>'
    )


def _labels(step: EditableStep) -> str:
    """The step's labels as data attributes, each left out when empty: an absent attribute
    reads the same in the script (``dataset.x || ""``) and the stylesheet (``[data-x="1"]``),
    and on an 800-step trace the empty ones were 60 KB of the page (docs/BENCHMARKS.md)."""
    return (
        _data("type", _attr(step.type))
        + _data("rating", _rating(step.rating))
        + _data("flagged", "1" if step.flagged else "")
    )


def _data(name: str, value: str) -> str:
    return f' data-{name}="{value}"' if value else ""


def _rating(rating: int | None) -> str:
    return "" if rating is None else str(rating)


def _rating_label(rating: int | None) -> str:
    return {None: "", -1: MINUS + "1", 0: "0", 1: "+1"}[rating]
