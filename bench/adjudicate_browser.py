"""Chromium timings of the adjudication page: a 60k-character trace, three annotators' ~800 steps.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/review \
        .venv/bin/python bench/adjudicate_browser.py --loads 7

Seeds one trace (bench/annotate_load.py's text) and three submitted segmentations of its
reasoning that share most cuts and differ where people differ: each drops some cuts, adds some of
its own, moves some beyond the tolerance and types some steps otherwise. Serves it with gunicorn
and drives Debian's chromium through Playwright; per cold load (new context, empty cache): from
navigation to the differences list ready to take keys (the ``adjudicate-ready`` mark), and to the
first frame after it.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from annotate_browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from annotate_load import REPO, free_port, prepare_django, start_gunicorn, stop, warm_up  # noqa: E402

PASSWORD = "bench-adjudicate-password"
TYPES = ["premise", "plan", "compute", "verify", "backtrack", "conclude"]
FIRST_FRAME_PROBE = """
new PerformanceObserver((list) => {
  if (list.getEntries().some((e) => e.name === "adjudicate-ready")) {
    requestAnimationFrame(() => { window.firstFrameAfterReady = performance.now(); });
  }
}).observe({ type: "mark", buffered: true });
"""


def variant(text: str, cuts: list[int], seed: int) -> list[tuple[int, int, str]]:
    """One annotator's steps: the shared cuts, 4% dropped, 4% added, 6% moved 15-30 characters."""
    rng = random.Random(seed)
    mine = []
    for at in cuts:
        roll = rng.random()
        if roll < 0.04:
            continue
        if roll < 0.10:
            at = min(len(text) - 1, at + rng.choice([-1, 1]) * rng.randint(15, 30))
        mine.append(at)
    mine += [rng.randrange(1, len(text) - 1) for _ in range(len(cuts) * 4 // 100)]
    edges = [0, *sorted(set(mine)), len(text)]
    spans = [(a, b) for a, b in zip(edges, edges[1:]) if b > a]
    # A step's type follows where it starts (so matched steps agree), another type 5% of the time.
    return [(a, b, TYPES[(a // 400 + (seed if rng.random() < 0.05 else 0)) % len(TYPES)]) for a, b in spans]


def seed(chars: int, steps: int) -> str:
    from annotate_load import cut, trace_text
    from django.contrib.auth import get_user_model

    from curation.models import Membership, Project, Segmentation, Step, Trace

    Project.objects.filter(slug="bench-adjudicate").delete()
    project = Project.objects.create(slug="bench-adjudicate", name="Adjudication timings")
    text = trace_text(chars, 11)
    trace = Trace.objects.create(project=project, problem="Find x.", reasoning=text, response="x = 5",
                                 content_hash="adjudicate")
    shared = [b for _, b in cut(text, steps)][:-1]
    users = get_user_model().objects
    for k in range(3):
        author, _ = users.get_or_create(username=f"bench-annotator-{k}")
        Membership.objects.create(project=project, user=author, role="annotator")
        segmentation = Segmentation.objects.create(trace=trace, field="reasoning", origin="human",
                                                   author=author, status="submitted")
        Step.objects.bulk_create(Step(segmentation=segmentation, position=i, start=a, end=b, type=t)
                                 for i, (a, b, t) in enumerate(variant(text, shared, k + 1)))
    user, _ = users.get_or_create(username="bench-adjudicator")
    user.set_password(PASSWORD)
    user.save()
    Membership.objects.create(project=project, user=user, role="reviewer")
    return f"/p/bench-adjudicate/adjudicate/{trace.pk}/reasoning/"


def load(browser, base_url: str, url: str) -> dict:
    context = browser.new_context(base_url=base_url, viewport={"width": 1400, "height": 900})
    context.add_init_script(FIRST_FRAME_PROBE)
    page = context.new_page()
    page.goto("/login/")
    page.fill("input[name=username]", "bench-adjudicator")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(url)
    page.wait_for_function("window.firstFrameAfterReady !== undefined")
    run = page.evaluate("""() => {
        const nav = performance.getEntriesByType("navigation")[0];
        return {html_received: nav.responseEnd, dom_content_loaded: nav.domContentLoadedEventEnd,
                ready: performance.getEntriesByName("adjudicate-ready")[0].startTime,
                first_frame_after_ready: window.firstFrameAfterReady, html_bytes: nav.transferSize,
                differences: document.querySelectorAll("#differences li").length,
                markers: document.querySelectorAll("#overlay u").length};
    }""")
    context.close()
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chars", type=int, default=60_000)
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "adjudicate_browser.json")
    args = parser.parse_args()

    env = prepare_django(DJANGO_ALLOW_ASYNC_UNSAFE="true")
    url = seed(args.chars, args.steps)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    connections.close_all()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        server = start_gunicorn(port, args.workers, Path(tmp) / "access.log", env)
        try:
            warm_up(port, args.workers)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                runs = [load(browser, f"http://127.0.0.1:{port}", url) for _ in range(args.loads)]
                browser.close()
        finally:
            stop(server)
    results = {"trace_chars": args.chars, "steps_per_side": args.steps, "loads": args.loads,
               "median_ms": {key: statistics.median(run[key] for run in runs) for key in runs[0]},
               "max_ready_ms": max(run["ready"] for run in runs)}
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
