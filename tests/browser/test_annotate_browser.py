"""An annotator in a real browser: log in, take a trace, cut and label it with the keyboard."""

from __future__ import annotations

import pytest

from curation.models import Assignment, Segmentation
from tests.factories import TEXT, add_cut_trace
from tests.browser.conftest import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HOSTILE = 'Look: <script>window.pwned = 1</script> then <img src=x onerror="window.pwned = 2"> end.'


@pytest.fixture
def traces(project):
    return [add_cut_trace(project, n) for n in range(2)]


@pytest.fixture
def editor(new_page, annotator, traces):
    """A logged-in annotator's page on the editor of the first trace, taken from the queue."""
    page = new_page()
    log_in(page, "anna")
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")
    return page


def draft_of(annotator) -> Segmentation:
    return Assignment.objects.get(annotator=annotator, status="active").segmentation


def spans(segmentation) -> list[tuple[int, int]]:
    return list(segmentation.steps.order_by("position").values_list("start", "end"))


def wait_for_revision(page, revision: int) -> None:
    page.wait_for_selector(f"#ws-state[data-revision='{revision}']", state="attached")


def click_at(page, offset: int) -> None:
    """Click just inside the left half of the character at ``offset``, as a person would."""
    point = page.evaluate(
        """(offset) => {
            const span = [...document.querySelectorAll('#field [data-start]')]
              .find((s) => +s.dataset.start <= offset && offset < +s.dataset.end);
            const range = document.createRange();
            const at = offset - span.dataset.start;
            range.setStart(span.firstChild, at);
            range.setEnd(span.firstChild, at + 1);
            const box = range.getBoundingClientRect();
            return { x: box.left + 1, y: box.top + box.height / 2 };
        }""",
        offset,
    )
    page.mouse.click(point["x"], point["y"])


def test_start_opens_the_editor_with_the_steps_delimited(editor):
    assert editor.locator("#field .step").count() == 3
    assert editor.locator("#step-list li").count() == 3


def test_enter_splits_the_step_at_the_clicked_caret(editor, annotator):
    click_at(editor, 20)  # the "2" after "We add the numbers. "
    editor.keyboard.press("Enter")

    wait_for_revision(editor, 2)
    assert spans(draft_of(annotator))[:2] == [(0, 19), (20, 30)]
    assert editor.locator("#field .step").count() == 4
    assert editor.locator("#step-list li.current .n").inner_text() == "2"


def test_alt_click_splits_at_the_clicked_position(editor, annotator):
    click_at(editor, 32 + 17)  # just after "Then we check it:"
    editor.keyboard.down("Alt")
    click_at(editor, 32 + 18)
    editor.keyboard.up("Alt")

    wait_for_revision(editor, 2)
    assert spans(draft_of(annotator))[1:3] == [(32, 49), (50, 60)]


def test_m_merges_the_current_step_with_the_next(editor, annotator):
    editor.locator("#step-list li").nth(1).click()
    editor.keyboard.press("m")

    wait_for_revision(editor, 2)
    assert spans(draft_of(annotator)) == [(0, 30), (32, 81)]


def test_a_number_key_sets_the_type_of_the_current_step(editor, annotator):
    editor.locator("#step-list li").first.click()
    editor.keyboard.press("2")  # "plan" in the default schema

    wait_for_revision(editor, 2)
    assert draft_of(annotator).steps.all()[0].type == "plan"
    assert editor.locator("#step-list li").first.locator(".chip").inner_text() == "Plan"


def test_minus_rates_the_current_step_wrong(editor, annotator):
    editor.locator("#step-list li").nth(2).click()
    editor.keyboard.press("-")

    wait_for_revision(editor, 2)
    assert draft_of(annotator).steps.all()[2].rating == -1
    assert editor.locator("#field .step").nth(2).get_attribute("data-rating") == "-1"


def test_rating_buttons_work_with_the_mouse_too(editor, annotator):
    editor.locator("#step-list li").first.click()
    editor.click(".rate-btn[data-rating='1']")

    wait_for_revision(editor, 2)
    assert draft_of(annotator).steps.all()[0].rating == 1


def test_n_writes_a_note_saved_with_ctrl_enter(editor, annotator):
    editor.locator("#step-list li").nth(1).click()
    editor.keyboard.press("n")
    editor.keyboard.type("sign error <b>here</b>")
    editor.keyboard.press("Control+Enter")

    wait_for_revision(editor, 2)
    assert draft_of(annotator).steps.all()[1].note == "sign error <b>here</b>"
    assert (
        editor.locator("#step-list li").nth(1).get_attribute("data-note")
        == "sign error <b>here</b>"
    )


def test_u_undoes_the_last_edit(editor, annotator):
    editor.locator("#step-list li").first.click()
    editor.keyboard.press("m")
    wait_for_revision(editor, 2)

    editor.keyboard.press("u")

    wait_for_revision(editor, 3)
    assert spans(draft_of(annotator)) == [(0, 30), (32, 60), (62, 81)]
    assert editor.locator("#field .step").count() == 3


def test_partial_redraws_keep_the_page_text_and_offsets_exact(editor, annotator):
    editor.locator("#step-list li").nth(1).click()
    for revision, key in enumerate(["]", "m", "u", "U", "u", "["], start=2):
        editor.keyboard.press(key)
        wait_for_revision(editor, revision)
    click_at(editor, 5)
    editor.keyboard.press("Enter")
    wait_for_revision(editor, 8)

    layout = editor.evaluate("""() => [...document.querySelectorAll('#field > span')]
        .map((s) => [s.className.split(' ')[0], +s.dataset.start, +s.dataset.end, s.textContent])""")
    assert "".join(text for *_, text in layout) == TEXT
    assert all(TEXT[start:end] == text for _, start, end, text in layout)
    assert [(start, end) for kind, start, end, _ in layout if kind == "step"] == spans(
        draft_of(annotator)
    )
    assert spans(draft_of(annotator)) == [(0, 5), (5, 30), (32, 60), (62, 81)]
    assert editor.locator("#step-list li .n").all_inner_texts() == ["1", "2", "3", "4"]


def test_ctrl_enter_submits_and_opens_the_next_trace(editor, annotator, traces):
    first_url = editor.url
    editor.keyboard.press("Control+Enter")

    editor.wait_for_url(lambda url: url != first_url)
    editor.wait_for_selector("#editor[data-ready='1']")
    assert Assignment.objects.get(annotator=annotator, trace=traces[0]).status == "submitted"
    assert Assignment.objects.get(annotator=annotator, status="active").trace == traces[1]


def test_an_edit_from_a_stale_tab_is_refused_with_the_current_state(editor, new_page, annotator):
    other_tab = new_page()
    log_in(other_tab, "anna")
    other_tab.goto(editor.url)
    other_tab.wait_for_selector("#editor[data-ready='1']")

    editor.locator("#step-list li").first.click()
    editor.keyboard.press("+")
    wait_for_revision(editor, 2)
    other_tab.locator("#step-list li").first.click()
    other_tab.keyboard.press("m")

    notice = other_tab.locator("[data-notice]")
    notice.wait_for()
    assert "changed in another tab" in notice.inner_text()
    wait_for_revision(other_tab, 2)
    assert (
        other_tab.locator("#field .step").first.get_attribute("data-rating") == "1"
    )  # the other tab's rating
    assert spans(draft_of(annotator)) == [(0, 30), (32, 60), (62, 81)]  # nothing merged


def test_hostile_trace_text_shows_as_text_and_never_runs(new_page, project, annotator):
    add_cut_trace(project, 7, text=HOSTILE, spans=[(0, 40), (46, len(HOSTILE))], reasoning=HOSTILE)
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    log_in(page, "anna")
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")

    assert page.locator("#field").inner_text().startswith("Look: <script>")
    assert page.locator("#field img, #field script, #other-panel img").count() == 0
    assert page.evaluate("window.pwned") is None
    assert dialogs == []


def test_question_mark_opens_the_shortcut_overlay(editor):
    editor.keyboard.press("?")

    assert editor.locator("#help").is_visible()
    assert "Split the step at the caret" in editor.locator("#help").inner_text()
    editor.keyboard.press("Escape")
    assert editor.locator("#help").is_hidden()


def test_the_latex_toggle_renders_math_with_katex_and_back(new_page, project, annotator):
    add_cut_trace(project, 5, text="We get $x^2 + 1$ here.", spans=[(0, 22)])
    page = new_page()
    log_in(page, "anna")
    page.goto("/p/alpha/annotate/")
    page.click("#start")
    page.wait_for_selector("#editor[data-ready='1']")

    page.keyboard.press("l")
    page.wait_for_selector("#field .katex")
    page.keyboard.press("l")

    assert page.locator("#field .katex").count() == 0
    assert "$x^2 + 1$" in page.locator("#field").inner_text()


def test_skip_asks_for_a_reason_and_moves_on(editor, annotator, traces):
    first_url = editor.url
    editor.keyboard.press("S")
    editor.fill("#skip-reason", "the problem is truncated")
    editor.click("#skip-form button[type=submit]")

    editor.wait_for_url(lambda url: url != first_url)
    skipped = Assignment.objects.get(annotator=annotator, trace=traces[0])
    assert (skipped.status, skipped.skip_reason) == ("skipped", "the problem is truncated")


def test_a_lead_adds_and_removes_a_member_in_the_browser(
    new_page, project, lead, django_user_model
):
    from curation.models import Membership

    django_user_model.objects.create_user(username="nina", password="pw-nina")
    page = new_page()
    log_in(page, "lena")
    page.goto("/p/alpha/")
    page.click("text=Members")
    page.fill("input[name=identifier]", "nina")
    page.select_option("select[name=role]", "annotator")
    page.click("form.stacked button[type=submit]")
    page.wait_for_selector("#member-nina")
    assert Membership.objects.filter(user__username="nina", role="annotator").exists()

    page.click("#member-nina button:has-text('Remove')")
    page.wait_for_selector("#member-nina", state="detached")
    assert not Membership.objects.filter(user__username="nina").exists()


# Carriage returns, astral characters (offsets are code points, the page's are UTF-16), markup,
# non-breaking and doubled spaces in the previews, an overlapping imported step and a type the
# schema does not know.
DRAWN = "Alpha 😀 one.\r\nBeta <b>&amp;</b>  two\u00a0words.\n\nGamma 𝑥 three, the end. Tail."


def test_the_first_drawing_is_the_markup_the_server_writes_for_an_edit(
    new_page, project, annotator
):
    """The editor page sends its steps as data and annotate.js draws them; edits then patch
    that drawing with the server's markup (annotate_render): the two agree node for node."""
    from curation.services.annotation import edits as annotation
    from curation.services.annotation import queue
    from curation.views.annotate_render import field_html, step_list_html

    add_cut_trace(project, 5, text=DRAWN, spans=[(0, 12), (14, 40), (38, 60), (62, 70)])
    assignment = queue.claim_next(project=project, annotator=annotator)
    labels = [
        ("plan", 0, True, "why <not>?"), ("", -1, False, ""), ("mystery", None, False, "n"),
        ("verify", 1, False, ""),
    ]
    steps = assignment.segmentation.steps.order_by("position")
    for step, (type_, rating, flagged, note) in zip(steps, labels):
        step.type, step.rating, step.flagged, step.note = type_, rating, flagged, note
        step.save()
    state = annotation.load_state(assignment.segmentation)
    schema = project.label_schema
    page = new_page()
    log_in(page, "anna")
    page.goto(f"/p/alpha/annotate/{assignment.pk}/")
    page.wait_for_selector("#editor[data-ready='1']")

    same = page.evaluate(
        """([fieldHtml, listHtml]) => {
            const drawn = (id) => {
              const copy = document.getElementById(id).cloneNode(true);
              copy.querySelectorAll(".current").forEach((el) => {
                el.classList.remove("current");
                if (!el.className) el.removeAttribute("class");
              });
              copy.querySelectorAll(".ghost").forEach((el) => el.remove());
              return copy;
            };
            const parsed = (tag, html) => {
              const el = document.createElement(tag);
              el.innerHTML = html;
              return el;
            };
            const field = drawn("field"), list = drawn("step-list");
            const serverField = parsed("div", fieldHtml), serverList = parsed("ol", listHtml);
            const equal = (a, b) => a.childNodes.length === b.childNodes.length
              && [...a.childNodes].every((node, i) => node.isEqualNode(b.childNodes[i]));
            return {field: equal(field, serverField), list: equal(list, serverList),
                    fieldChildren: [field.children.length, serverField.children.length],
                    drawn: field.innerHTML + list.innerHTML, server: fieldHtml + listHtml};
        }""",
        [
            str(field_html(state.text, state.steps, schema)),
            str(step_list_html(state.text, state.steps, schema)),
        ],
    )
    assert (same["field"], same["list"]) == (True, True), (same["drawn"], same["server"])
    assert page.locator("#field").evaluate("(field) => field.textContent") == DRAWN
    assert page.locator("#step-list li .n").all_inner_texts() == ["1", "2", "3", "4"]
