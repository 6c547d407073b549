"""Chromium timings of the annotator's editor, and the screenshot in docs/editor.png.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stepwise_bench \
        .venv/bin/python bench/annotate_browser.py --loads 5 --edits 40 --screenshot docs/editor.png

Seeds one 60,000-character trace cut into 300 steps (bench/annotate_load.py's data), serves it
with gunicorn on 127.0.0.1 and drives Debian's chromium (/usr/bin/chromium) through Playwright:

* time to interactive: a cold load of the editor (new browser context, empty cache) until the
  editor's script has wired every key (the ``stepwise-ready`` performance mark), and until the
  first frame after it;
* keypress to updated DOM: from the keydown event's timestamp to the first animation frame after
  the answer was swapped in (the editor's ``stepwise:updated`` event), for relabels (``+``/``-``:
  only the step changes) and for splits and merges (the whole field is redrawn).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate_load import (
    REPO,
    free_port,
    prepare_django,
    start_gunicorn,
    stop,
    warm_up,
)

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
PASSWORD = "bench-browser-password"
# Playwright's wait_for_function evaluates its predicate as a string, which the page's CSP
# (script-src 'self', no 'unsafe-eval') refuses: the bench's own probes run with it bypassed.
PROBES = {"bypass_csp": True}
# Runs before the page's own scripts: the frame after the editor's ready mark is when the
# annotator sees a page that answers keys.
FIRST_FRAME_PROBE = """
new PerformanceObserver((list) => {
  if (list.getEntries().some((e) => e.name === "stepwise-ready")) {
    requestAnimationFrame(() => { window.firstFrameAfterReady = performance.now(); });
  }
}).observe({ type: "mark", buffered: true });
"""
ROUND_TRIP_PROBE = """() => {
  window.roundTrips = [];
  let pressed = null;
  document.addEventListener("keydown", (e) => { pressed = e.timeStamp; }, true);
  document.getElementById("editor").addEventListener("stepwise:updated", () => {
    const start = pressed;
    requestAnimationFrame(() => window.roundTrips.push(performance.now() - start));
  });
}"""


def seed_editor(chars: int, steps: int) -> str:
    """The bench-browser user's editor URL on a fresh 60k/300-step trace."""
    from annotate_load import cut, trace_text
    from django.contrib.auth import get_user_model

    from curation.models import Membership, Project, Segmentation, Step, Trace
    from curation.services.annotation import queue

    Project.objects.filter(slug="bench-browser").delete()
    project = Project.objects.create(
        slug="bench-browser",
        name="Editor timings",
        guidelines="# Guidelines\n\nCut at every **new move**; rate each step -1, 0 or +1.",
    )
    text = trace_text(chars, 7)
    trace = Trace.objects.create(
        project=project,
        problem="Find the value of x in the trace below.",
        reasoning=text,
        response="The answer is $\\boxed{5}$.",
        content_hash="browser",
    )
    auto = Segmentation.objects.create(trace=trace, field="reasoning", origin="auto")
    types = ["premise", "plan", "compute", "compute", "verify", "backtrack", "compute", "conclude"]
    Step.objects.bulk_create(
        Step(segmentation=auto, position=i, start=a, end=b, type=types[i % len(types)])
        for i, (a, b) in enumerate(cut(text, steps))
    )
    user, _ = get_user_model().objects.get_or_create(username="bench-browser")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(project=project, user=user, role="annotator")
    assignment = queue.claim_next(project=project, annotator=user)
    return f"/p/bench-browser/annotate/{assignment.pk}/"


def log_in(page) -> None:
    page.goto("/login/")
    page.fill("input[name=username]", "bench-browser")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def time_to_interactive(browser, base_url: str, editor_url: str, loads: int) -> dict:
    runs = []
    for _ in range(loads):
        context = browser.new_context(
            base_url=base_url, viewport={"width": 1400, "height": 900}, **PROBES
        )
        context.add_init_script(FIRST_FRAME_PROBE)
        page = context.new_page()
        log_in(page)
        page.goto(editor_url)
        page.wait_for_function("window.firstFrameAfterReady !== undefined")
        runs.append(
            page.evaluate("""() => {
            const nav = performance.getEntriesByType("navigation")[0];
            const ready = performance.getEntriesByName("stepwise-ready")[0].startTime;
            return {html_received: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
                    ready, first_frame_after_ready: window.firstFrameAfterReady,
                    html_bytes: nav.transferSize, html_body_bytes: nav.decodedBodySize};
        }""")
        )
        context.close()
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def round_trips(page, keys: list[str]) -> list[float]:
    page.evaluate("() => { window.roundTrips = []; }")
    for n, key in enumerate(keys, start=1):
        page.keyboard.press(key)
        page.wait_for_function(f"window.roundTrips.length >= {n}")
    return page.evaluate("window.roundTrips")


def summary(values: list[float]) -> dict:
    cuts = statistics.quantiles(values, n=20, method="inclusive")
    return {"n": len(values), "p50": statistics.median(values), "p95": cuts[18], "max": max(values)}


def measure_edits(browser, base_url: str, editor_url: str, edits: int) -> dict:
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1400, "height": 900}, **PROBES
    )
    page = context.new_page()
    log_in(page)
    page.goto(editor_url)
    page.wait_for_selector("#editor[data-ready='1']")
    page.evaluate(ROUND_TRIP_PROBE)
    page.locator("#step-list li").nth(150).click()  # the middle of the trace
    relabels = round_trips(page, ["+", "-"] * (edits // 2))
    page.locator("#step-list li").nth(150).click()
    page.keyboard.press("ArrowRight")  # the caret a character into the step: a valid split point
    structural = round_trips(page, ["Enter", "M"] * (edits // 4))
    context.close()
    return {"relabel": summary(relabels), "split_merge": summary(structural)}


def screenshot(browser, base_url: str, path: Path, chars: int, steps: int) -> None:
    """A fresh trace with a few steps labelled through the keyboard, as an annotator sees it."""
    editor_url = seed_editor(chars, steps)
    context = browser.new_context(
        base_url=base_url, viewport={"width": 1440, "height": 900}, **PROBES
    )
    page = context.new_page()
    log_in(page)
    page.goto(editor_url)
    page.wait_for_selector("#editor[data-ready='1']")
    # A rating moves on to the next step, so a flag comes before the rating of its step.
    for index, keys in [(1, ["+"]), (2, ["0"]), (3, ["f", "-"]), (4, ["+"]), (5, ["+"])]:
        page.locator("#step-list li").nth(index).click()
        for key in keys:
            revision = page.get_attribute("#ws-state", "data-revision")
            page.keyboard.press(key)
            page.wait_for_function(
                f"document.querySelector('#ws-state').dataset.revision !== '{revision}'"
            )
    page.locator("#step-list li").nth(2).click()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(path))
    context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=5)
    parser.add_argument("--edits", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chars", type=int, default=60_000)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--screenshot", type=Path)
    parser.add_argument(
        "--out", type=Path, default=REPO / "bench" / "out" / "annotate_browser.json"
    )
    args = parser.parse_args()

    env = prepare_django(DJANGO_ALLOW_ASYNC_UNSAFE="true")
    editor_url = seed_editor(args.chars, args.steps)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    connections.close_all()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_gunicorn(port, args.workers, Path(tmp) / "access.log", env)
        try:
            warm_up(port, args.workers)
            base_url = f"http://127.0.0.1:{port}"
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                results = {
                    "trace_chars": args.chars,
                    "steps": args.steps,
                    "load_ms": time_to_interactive(browser, base_url, editor_url, args.loads),
                    "keypress_to_dom_ms": measure_edits(browser, base_url, editor_url, args.edits),
                }
                if args.screenshot:
                    screenshot(browser, base_url, args.screenshot, args.chars, args.steps)
                browser.close()
        finally:
            stop(server)
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
