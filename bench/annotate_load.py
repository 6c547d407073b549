"""Load test of the annotator's edits: simulated annotators against gunicorn and PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/stepwise_bench \
        .venv/bin/python bench/annotate_load.py --annotators 50 --duration 30 --think-ms 1000

Seeds a "bench" project (one 60,000-character trace with 300 steps per annotator, the issue's
worst case), starts gunicorn on 127.0.0.1, and runs one thread per annotator that edits its own
draft the way a person does (rate, relabel, note, flag, split, merge, move a boundary, undo),
waiting an exponentially distributed think time between edits (``--think-ms 0``: back to back,
to find where the server saturates). Every annotator stops after ``--duration`` seconds or
``--max-edits`` edits, then gunicorn is stopped: the run is bounded and talks to loopback only.
Sessions are read from the shared cache, as in a deployment that sets ``CACHE_URL`` (Redis at
127.0.0.1:6379 by default; ``--cache-url ''`` keeps them in the database).

Each client mirrors its draft with the same pure edit functions the server uses, so it always
knows where a valid split or merge is. Reported: p50/p95/p99 of the latency seen by the clients
and of the time gunicorn spent on each request (its access log), throughput, and status counts.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import dj_database_url

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
REAL_TRACES = REPO.parent / "shared" / "data" / "thought_anchors_r1_distill_cots.jsonl"
FALLBACK = (
    "Okay, so I need to find the value of $x$. Let me write the equation down: $3x + 7 = 22$. "
    "Subtract 7 from both sides, which gives 3x = 15. Wait, let me double-check that: 22 - 7 is 15, "
    "yes. Then x = 5. Hmm, but maybe I should verify by substituting back: 3*5 + 7 = 22. Right.\n\n"
)
CSRF = "bench" + "x" * 27  # 32 characters: Django accepts an unmasked token of that length
REVISION = re.compile(rb'id="ws-state" data-revision="(\d+)"')
OPERATIONS = {  # weight of each edit in the mix: labelling dominates, as it does for people
    "rate": 35,
    "type": 20,
    "note": 5,
    "flag": 5,
    "move": 10,
    "split": 10,
    "merge": 10,
    "undo": 5,
}


# --- Data -------------------------------------------------------------------------------------


def trace_text(chars: int, seed: int) -> str:
    """``chars`` characters of real R1 reasoning when ../shared/data has it, else a paragraph."""
    pool = FALLBACK * (chars // len(FALLBACK) + 2)
    if REAL_TRACES.exists():
        with REAL_TRACES.open(encoding="utf-8") as lines:
            pool = "\n\n".join(json.loads(line)["solution"] for line, _ in zip(lines, range(200)))
    start = random.Random(seed).randrange(0, max(1, len(pool) - chars))
    return pool[start : start + chars]


SENTENCE_END = re.compile(r"[.!?]\s|\n")


def cut(text: str, steps: int) -> list[tuple[int, int]]:
    """About equal steps, cut after a sentence where one ends nearby (else at a space) and trimmed,
    as the segmenter would leave them."""
    from curation.segment.spans import trim

    cuts = []
    for n in range(1, steps):
        at = n * len(text) // steps
        sentence = SENTENCE_END.search(text, at, at + 120)
        if sentence:
            at = sentence.start() + 1
        while at < len(text) and not text[at].isspace():
            at += 1
        cuts.append(at)
    spans = (trim(text, a, b) for a, b in zip([0, *cuts], [*cuts, len(text)]))
    return [span for span in spans if span]


def seed(annotators: int, chars: int, steps: int) -> list[dict]:
    """A fresh bench project; one user, trace and claimed draft per simulated annotator."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    from curation.models import Membership, Project, Segmentation, Step, Trace
    from curation.services.annotation import queue

    Project.objects.filter(slug="bench").delete()
    get_user_model().objects.filter(username__startswith="bench-").delete()
    project = Project.objects.create(slug="bench", name="Annotation load benchmark")
    clients = []
    for n in range(annotators):
        text = trace_text(chars, n)
        trace = Trace.objects.create(
            project=project, problem=f"Bench problem {n}", reasoning=text, content_hash=f"bench-{n}"
        )
        auto = Segmentation.objects.create(trace=trace, field="reasoning", origin="auto")
        spans = cut(text, steps)
        Step.objects.bulk_create(
            Step(segmentation=auto, position=i, start=a, end=b, type="compute")
            for i, (a, b) in enumerate(spans)
        )
        user = get_user_model().objects.create_user(username=f"bench-{n}")
        Membership.objects.create(project=project, user=user, role="annotator")
        assignment = queue.claim_next(project=project, annotator=user)
        session = SessionStore()
        session.update(
            {
                "_auth_user_id": str(user.pk),
                # The backend a password login records (axes' comes first and loads no user).
                "_auth_user_backend": settings.AUTHENTICATION_BACKENDS[-1],
                "_auth_user_hash": user.get_session_auth_hash(),
            }
        )
        session.create()
        clients.append(
            {
                "session": session.session_key,
                "url": f"/p/bench/annotate/{assignment.pk}/",
                "text": text,
                "spans": spans,
            }
        )
    return clients


# --- One simulated annotator ------------------------------------------------------------------


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, operation: str, seconds: float, status: int) -> None:
        with self.lock:
            self.latencies.setdefault(operation, []).append(seconds * 1000)
            self.statuses[status] = self.statuses.get(status, 0) + 1


class Annotator:
    """Edits one draft over HTTP and keeps a mirror of its steps with the server's pure core."""

    def __init__(self, port: int, client: dict, rng: random.Random) -> None:
        from curation.segment.edits import EditableStep

        self.port, self.url, self.rng = port, client["url"], rng
        self.text = client["text"]
        self.steps = [EditableStep(a, b, "compute") for a, b in client["spans"]]
        self.revision = 1
        self.undo_stack: list = []
        self.headers = {
            "Cookie": f"sessionid={client['session']}; csrftoken={CSRF}",
            "X-CSRFToken": CSRF,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        }

    def edit(self, results: Results) -> None:
        operation = self.rng.choices(list(OPERATIONS), weights=list(OPERATIONS.values()))[0]
        planned = self.plan(operation)
        if planned is None:
            return
        values, splice = planned
        values["revision"] = self.revision
        started = time.perf_counter()
        status, body = self.post(f"{self.url}{operation}/", values)
        results.add(operation, time.perf_counter() - started, status)
        if match := REVISION.search(body):
            self.revision = int(match.group(1))
        if status == 200:
            self.steps = splice.apply(self.steps)
            if operation == "undo":
                self.undo_stack.pop()
            else:
                self.undo_stack.append(splice)

    def plan(self, operation: str):
        """The request values and the splice the server will apply, or None if it cannot apply."""
        from curation.segment import edits

        i = self.rng.randrange(len(self.steps))
        step = self.steps[i]
        if operation == "rate":
            rating = self.rng.choice([-1, 0, 1])
            return {"index": i, "rating": rating}, edits.update_step(self.steps, i, rating=rating)
        if operation == "type":
            kind = self.rng.choice(
                ["premise", "plan", "compute", "verify", "backtrack", "conclude"]
            )
            return {"index": i, "type": kind}, edits.update_step(self.steps, i, type=kind)
        if operation == "note":
            return {"index": i, "text": "check this"}, edits.update_step(
                self.steps, i, note="check this"
            )
        if operation == "flag":
            return {"index": i, "flagged": "true"}, edits.update_step(self.steps, i, flagged=True)
        if operation == "undo":
            return ({}, self.undo_stack[-1].inverted()) if self.undo_stack else None
        try:
            if operation == "split":
                words = [
                    m.start() + step.start
                    for m in re.finditer(r"(?<=\s)\S", self.text[step.start : step.end])
                ]
                at = self.rng.choice(words) if words else None
                return (
                    ({"index": i, "at": at}, edits.split_step(self.text, self.steps, i, at))
                    if at
                    else None
                )
            if operation == "merge":
                return {"index": i, "direction": "next"}, edits.merge_with_next(self.steps, i)
            direction = self.rng.choice([-1, 1])
            return (
                {"index": i, "unit": "word", "direction": direction},
                edits.move_boundary(self.text, self.steps, i, "word", direction),
            )
        except edits.EditError:
            return None

    def post(self, path: str, values: dict) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("POST", path, body=urlencode(values), headers=self.headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()


def run_annotator(port, client, args, results, deadline, seed_value) -> None:
    rng = random.Random(seed_value)
    annotator = Annotator(port, client, rng)
    time.sleep(rng.uniform(0, min(1.0, args.think_ms / 1000)))  # people do not start in step
    for _ in range(args.max_edits):
        if time.monotonic() >= deadline:
            return
        annotator.edit(results)
        if args.think_ms:
            time.sleep(min(rng.expovariate(1000 / args.think_ms), 5 * args.think_ms / 1000))


# --- The server -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, access_log: Path, env: dict) -> subprocess.Popen:
    command = [
        str(REPO / ".venv" / "bin" / "gunicorn"),
        "webapp.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        "%(D)s %(s)s %(m)s %(U)s",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=REPO, env=env, start_new_session=True)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.1)
    stop(server)
    raise SystemExit("gunicorn did not start")


def warm_up(port: int, workers: int) -> None:
    """Make every worker import the views and open its database connection before the clock runs."""

    def fetch() -> None:
        for _ in range(5):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            connection.request("GET", "/login/")
            connection.getresponse().read()
            connection.close()

    threads = [threading.Thread(target=fetch) for _ in range(workers * 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU seconds of each of these processes still alive."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return seconds


def cpu_spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two samples; a process born in between counts from zero."""
    return sum(total - before.get(pid, 0.0) for pid, total in after.items())


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [master, *map(int, children)]


def postgres_pids(database: str) -> list[int]:
    """The PostgreSQL backends serving ``database`` (other databases' work is not ours)."""
    pids = []
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            words = cmdline.read_bytes().replace(b"\0", b" ").decode().split()
        except OSError:
            continue
        if words[:1] == ["postgres:"] and database in words:
            pids.append(int(cmdline.parent.name))
    return pids


def server_times(access_log: Path) -> list[float]:
    """Milliseconds gunicorn spent on each edit POST, from its access log (in microseconds)."""
    times = []
    for line in access_log.read_text().splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[2] == "POST":
            times.append(float(parts[0]) / 1000)
    return times


# --- Report -----------------------------------------------------------------------------------


def percentiles(values: list[float]) -> dict[str, float]:
    if len(values) < 2:
        return {"n": len(values)}
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return {"n": len(values), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98], "max": max(values)}


def report(
    args, results: Results, server: list[float], elapsed: float, cpu: dict[str, float]
) -> dict:
    every = [ms for values in results.latencies.values() for ms in values]
    per_edit = {
        name: round(1000 * seconds / max(1, len(every)), 2) for name, seconds in cpu.items()
    }
    summary = {
        "annotators": args.annotators,
        "think_ms": args.think_ms,
        "workers": args.workers,
        "cache_url": args.cache_url,
        "trace_chars": args.chars,
        "steps": args.steps,
        "seconds": round(elapsed, 1),
        "requests_per_s": round(len(every) / elapsed, 1),
        "statuses": results.statuses,
        "client_ms": percentiles(every),
        "server_ms": percentiles(server),
        "cpu_ms_per_edit": per_edit,
        "load_average": os.getloadavg(),
        "by_operation_client_ms": {
            op: percentiles(v) for op, v in sorted(results.latencies.items())
        },
    }
    fmt = lambda p: " / ".join(f"{p.get(k, float('nan')):.1f}" for k in ("p50", "p95", "p99"))
    print(
        f"\n{args.annotators} annotators, think {args.think_ms} ms, {args.workers} gunicorn workers, "
        f"{args.chars} chars / {args.steps} steps per trace, {elapsed:.0f} s, "
        f"sessions {'in the cache ' + args.cache_url if args.cache_url else 'in the database'}"
    )
    print(f"requests: {len(every)} ({summary['requests_per_s']}/s), statuses {results.statuses}")
    print(f"client latency p50/p95/p99 ms: {fmt(summary['client_ms'])}")
    print(f"server time    p50/p95/p99 ms: {fmt(summary['server_ms'])}")
    print(f"CPU ms per edit: {per_edit}; load average after: {summary['load_average']}")
    for operation, values in summary["by_operation_client_ms"].items():
        print(f"  {operation:6} n={values['n']:5}  client p50/p95/p99 ms: {fmt(values)}")
    return summary


def prepare_django(**extra_env: str) -> dict:
    """Migrate the bench's PostgreSQL database, collect static files, set Django up; the env."""
    env = {
        **os.environ,
        "DEBUG": "0",
        "SECURE_COOKIES": "0",
        "DJANGO_SETTINGS_MODULE": "webapp.settings",
        **extra_env,
    }
    if not env.get("DATABASE_URL", "").startswith("postgres"):
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database (it is migrated and seeded).")
    os.environ.update(env)
    ensure_database(env["DATABASE_URL"])
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )
    collect_static(env)
    import django

    django.setup()
    return env


def collect_static(env: dict) -> None:
    """With DEBUG=0, pages name their static files through whitenoise's manifest: build it."""
    env["STATIC_ROOT"] = os.environ["STATIC_ROOT"] = tempfile.mkdtemp(prefix="stepwise-static-")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=REPO,
        env=env,
        check=True,
    )


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist yet."""
    import psycopg

    config = dj_database_url.parse(url)
    admin = psycopg.connect(
        host=config["HOST"],
        port=config["PORT"] or 5432,
        user=config["USER"],
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    with admin:
        if not admin.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone():
            admin.execute(f'CREATE DATABASE "{config["NAME"]}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--annotators", type=int, default=50)
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of edits (bound)")
    parser.add_argument("--max-edits", type=int, default=2000, help="edits per annotator (bound)")
    parser.add_argument("--think-ms", type=float, default=1000.0, help="mean pause between edits")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--chars", type=int, default=60_000)
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument(
        "--cache-url",
        default=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/14"),
        help="the shared cache, as deployed (sessions are read from it); '' for none",
    )
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "annotate_load.json")
    args = parser.parse_args()

    env = prepare_django(CACHE_URL=args.cache_url) if args.cache_url else prepare_django()
    clients = seed(args.annotators, args.chars, args.steps)
    from django.db import connections

    connections.close_all()
    port = free_port()
    with tempfile.TemporaryDirectory() as tmp:
        access_log = Path(tmp) / "access.log"
        server = start_gunicorn(port, args.workers, access_log, env)
        warm_up(port, args.workers)
        results = Results()
        database = dj_database_url.parse(env["DATABASE_URL"])["NAME"]
        gunicorn_before = cpu_seconds(worker_pids(server.pid))
        postgres_before = cpu_seconds(postgres_pids(database))
        clients_before = time.process_time()
        started = time.monotonic()
        deadline = started + args.duration
        try:
            threads = [
                threading.Thread(target=run_annotator, args=(port, c, args, results, deadline, n))
                for n, c in enumerate(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=args.duration + 60)
        finally:
            elapsed = time.monotonic() - started
            cpu = {
                "gunicorn": cpu_spent(gunicorn_before, cpu_seconds(worker_pids(server.pid))),
                "postgres": cpu_spent(postgres_before, cpu_seconds(postgres_pids(database))),
                "clients": time.process_time() - clients_before,
            }
            stop(server)
        summary = report(args, results, server_times(access_log), elapsed, cpu)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=2))
    print(f"\nwritten to {args.out}")
    if set(results.statuses) - {200}:
        raise SystemExit(f"some edits were not saved: {results.statuses}")


if __name__ == "__main__":
    main()
