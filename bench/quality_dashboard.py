"""The quality dashboard of a project with 100,000 traces: every figure, and the whole page.

    .venv/bin/python bench/quality_dashboard.py                  # temporary SQLite database
    .venv/bin/python bench/quality_dashboard.py --traces 100000 --database-url postgres://...

Generated rows (a fresh database, migrated here): ``--traces`` traces, each with an automatic
segmentation; ``--annotated`` share of them cut by two of 20 annotators (8 steps each, types
and ratings drawn at random, a tenth approved), with their submitted assignments spread over
twelve weeks and a stored ``TraceAgreement`` (real ``curation.quality`` figures) per such trace;
2,000 traces in progress; 2,000 gold results; an approval transition per approved one.

Measured, after one warm-up, each ``--rounds`` times (medians printed as JSON, wall and this
process's CPU time; the load average beside them, the machine being shared):

- ``refresh``: ``refresh_figures``, what the worker runs a few seconds after a transition (every
  aggregate query, then the stored row written), with the CPU time of the database backend
  serving it (``/proc``, same host; its parallel workers not counted), and its parts one by one;
- ``page`` and ``api``: a lead's GET of the dashboard page and of the API's figures, which read
  the stored row (view, access, template or serializer).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
BATCH = 5000
TYPES = ("compute", "check", "plan", "recall", "conclude")


def main() -> None:
    args = _parser().parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stepwise-bench-quality-"))
    try:
        os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "webapp.settings")
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        started = time.monotonic()
        if args.reuse:  # the rows a previous run left in --database-url
            from django.contrib.auth import get_user_model

            from curation.models import Project

            project, lead = Project.objects.get(slug="bench"), get_user_model().objects.get(username="lead")
        else:
            project, lead = generate(args.traces, args.annotated)
        generated = time.monotonic() - started
        results = measure(project, lead, args.rounds)
        results.update({"traces": args.traces, "generated_seconds": round(generated, 1),
                        "database": os.environ["DATABASE_URL"].split(":")[0]})
        print(json.dumps(results, indent=2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def generate(traces: int, annotated: float):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from curation import quality
    from curation.models import (
        Assignment, GoldResult, Membership, Project, Segmentation, SegmentationTransition, Step,
        Trace, TraceAgreement,
    )

    rng = random.Random(15)
    now = timezone.now()
    User = get_user_model()
    project = Project.objects.create(slug="bench", name="Bench", overlap=2)
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # 21 users
    lead = User.objects.create_user(username="lead", password="x")
    Membership.objects.create(project=project, user=lead, role="lead")
    people = [User.objects.create_user(username=f"a{k:02d}", password="x") for k in range(20)]
    Membership.objects.bulk_create(Membership(project=project, user=u, role="annotator") for u in people)
    text = " ".join(f"Sentence {k} of the solution." for k in range(8))
    cuts = [text.index(f"Sentence {k} ") for k in range(8)] + [len(text)]
    Trace.objects.bulk_create(
        (Trace(project=project, problem=f"P{n}", response=text, content_hash=f"h{n}") for n in range(traces)),
        batch_size=BATCH)
    ids = list(Trace.objects.filter(project=project).order_by("id").values_list("id", flat=True))
    Segmentation.objects.bulk_create(
        (Segmentation(trace_id=t, field="response", origin="auto", status="submitted") for t in ids),
        batch_size=BATCH)
    done = ids[: int(len(ids) * annotated)]
    pairs = [(t, *rng.sample(people, 2)) for t in done]
    segs = [Segmentation(trace_id=t, field="response", origin="human", author=u,
                         status="approved" if k == 0 and rng.random() < 0.1 else "submitted",
                         time_spent_seconds=rng.randint(30, 900))
            for t, a, b in pairs for k, u in enumerate((a, b))]
    Segmentation.objects.bulk_create(segs, batch_size=BATCH)
    human = list(Segmentation.objects.filter(trace__project=project, origin="human").order_by("id")
                 .values_list("id", "trace_id", "author_id", "status"))
    Step.objects.bulk_create(
        (Step(segmentation_id=s, position=i, start=cuts[i], end=cuts[i + 1], type=rng.choice(TYPES),
              rating=rng.choice((-1, 0, 1, 1, 1, None)))
         for s, _, _, _ in human for i in range(8)),
        batch_size=BATCH)
    Assignment.objects.bulk_create(
        (Assignment(project=project, trace_id=t, annotator_id=u, segmentation_id=s, status="submitted",
                    finished_at=now - timedelta(minutes=rng.randint(0, 12 * 7 * 24 * 60)))
         for s, t, u, _ in human),
        batch_size=BATCH)
    busy = ids[len(done):len(done) + 2000]
    drafts = Segmentation.objects.bulk_create(
        (Segmentation(trace_id=t, field="response", origin="human", author=people[t % 20]) for t in busy),
        batch_size=BATCH)
    Assignment.objects.bulk_create(
        (Assignment(project=project, trace_id=d.trace_id, annotator=people[d.trace_id % 20],
                    segmentation=d) for d in drafts), batch_size=BATCH)
    figures = [_figures(quality, rng, cuts) for _ in range(50)]
    TraceAgreement.objects.bulk_create(
        (TraceAgreement(trace_id=t, field="response", annotators=2, boundary_f1=f.boundary_f1,
                        score=f.boundary_f1, figures=f.as_dict(),
                        route="wait" if f.boundary_f1 >= 0.8 else "route_to_one_more")
         for t, f in ((t, rng.choice(figures)) for t in done)),
        batch_size=BATCH)
    for week in range(12):  # computed_at is auto_now: spread it afterwards, week by week
        block = done[week::12]
        for k in range(0, len(block), 900):
            TraceAgreement.objects.filter(trace_id__in=block[k:k + 900]).update(
                computed_at=now - timedelta(weeks=week))
    approved = [s for s, _, _, status in human if status == "approved"]
    SegmentationTransition.objects.bulk_create(
        (SegmentationTransition(segmentation_id=s, from_status="submitted", to_status="approved")
         for s in approved), batch_size=BATCH)
    gold_of = {t: s for s, t, _, _ in human}
    GoldResult.objects.bulk_create(
        (GoldResult(project=project, annotator_id=u, segmentation_id=s, gold_id=gold_of[t],
                    boundary_f1=rng.random(), type_accuracy=rng.random(), rating_accuracy=rng.random())
         for s, t, u, _ in human[1:4001:2]), batch_size=BATCH)
    return project, lead


def _figures(quality, rng, cuts):
    def annotation(who):
        kept = sorted(set(rng.sample(cuts[1:-1], rng.randint(4, 7))))
        bounds = [0, *kept, cuts[-1]]
        return quality.Annotation(who, [quality.StepLabel(s, e, rng.choice(TYPES), rng.choice((-1, 0, 1)))
                                        for s, e in zip(bounds, bounds[1:])])
    return quality.trace_agreement([annotation(1), annotation(2)], tolerance=3)


def measure(project, lead, rounds: int) -> dict:
    from django.db import connection
    from django.test import Client

    from curation.services.quality import dashboard

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh bulk-loaded tables: statistics for the planner
    client = Client(HTTP_HOST="localhost")
    client.force_login(lead)
    page, api = f"/p/{project.slug}/quality/", f"/api/v1/projects/{project.slug}/quality/"
    dashboard.refresh_figures(project)  # warm-up; the page and the API then read the stored row
    assert client.get(page).status_code == 200 and client.get(api).status_code == 200
    timed: dict[str, list[tuple[float, float]]] = {"refresh": [], "page": [], "api": []}
    database_cpu = []
    for _ in range(rounds):
        before = _backend_cpu_ms(connection)
        timed["refresh"].append(_timed(lambda: dashboard.refresh_figures(project)))
        after = _backend_cpu_ms(connection)
        if before is not None and after is not None:
            database_cpu.append(after - before)
        timed["page"].append(_timed(lambda: _ok(client.get(page))))
        timed["api"].append(_timed(lambda: _ok(client.get(api))))
    parts = {}
    for name in ("trace_states", "progress_by_day", "throughput", "agreement_figures", "gold_accuracy",
                 "label_counts"):
        parts[name] = round(_timed(lambda: getattr(dashboard, name)(project))[0], 1)
    results = {"parts_ms": parts, "rounds": rounds, "load_average": [round(x, 2) for x in os.getloadavg()]}
    for name, pairs in timed.items():
        results[f"{name}_median_ms"] = round(statistics.median(w for w, _ in pairs), 1)
        results[f"{name}_cpu_median_ms"] = round(statistics.median(c for _, c in pairs), 1)
    if database_cpu:
        results["refresh_database_cpu_median_ms"] = round(statistics.median(database_cpu), 1)
    return results


def _backend_cpu_ms(connection) -> float | None:
    """CPU time of this connection's PostgreSQL backend (same host: /proc), in ms; parallel
    query workers are other processes and not counted. None where it cannot be read."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")  # utime + stime


def _timed(work) -> tuple[float, float]:
    """(wall ms, this process's CPU ms) of one call."""
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return (time.perf_counter() - wall) * 1000, (time.process_time() - cpu) * 1000


def _ok(response) -> None:
    assert response.status_code == 200, response.status_code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--traces", type=int, default=100_000)
    parser.add_argument("--annotated", type=float, default=0.3, help="Share cut by two annotators.")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--database-url", default="", help="Default: a temporary SQLite file.")
    parser.add_argument("--reuse", action="store_true",
                        help="Measure the rows an earlier run left in --database-url.")
    return parser


if __name__ == "__main__":
    main()
