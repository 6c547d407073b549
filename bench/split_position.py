"""What one split costs by where it is in a long draft: the edit path's own CPU, in process.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/editor_bench \
        .venv/bin/python bench/split_position.py --chars 50000 --steps 800 --rounds 60

Seeds an annotator's draft of one ``--chars``-character trace cut into ``--steps`` steps
(bench/annotate_load.py's data), then sends the editor's own requests through Django's test
client (the view, the service, the statements and the answer's markup; no sockets): a split of
a step near the start of the draft and the merge that undoes it, ``--rounds`` times, then the
same in the middle and near the end (before ``Step.position``, every step after the split was
renumbered, so the start cost most). For each: the Python process's CPU
(``time.process_time``), the PostgreSQL backend's CPU (``/proc/<pid>/stat``, summed over the
rounds, so its 10 ms clock tick averages out) and the wall time, median and p95 per edit.
A loaded machine stretches the wall times; the CPU figures are what to compare.

Each round splits and merges the same range, so every row it deletes or changes leaves a dead
version behind (before ``Step.position`` every renumbered row did too: 80 requests near the start
left ~50,000). A server with autovacuum on clears them within a minute or so; this machine's PostgreSQL runs with ``autovacuum = off``, so they pile up over
the run (and the seeded rows are never vacuumed). ``--vacuum`` runs ``VACUUM`` on the steps
before each position, as autovacuum would have after the seeding and between bursts of edits;
without it the figures include the dead rows (docs/BENCHMARKS.md reports both).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import annotate_load as load  # noqa: E402  (bench/ is a folder of scripts, not a package)

TICK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def measure(client, url: str, text: str, spans: list, where: int, rounds: int, pid: int) -> dict:
    """Split step ``where`` a few characters in, merge it back; CPU and wall per request."""
    start, end = spans[where]
    at = start + max(1, (end - start) // 2)
    from curation.models import Assignment

    assignment_id = int(url.rstrip("/").rsplit("/", 1)[1])
    revision = Assignment.objects.get(pk=assignment_id).segmentation.revision
    python, wall = [], []
    backend_before = backend_cpu(pid)
    for _ in range(rounds):
        for operation, values in (
            ("split", {"index": where, "at": at}),
            ("merge", {"index": where, "direction": "next"}),
        ):
            cpu, clock = time.process_time(), time.perf_counter()
            response = client.post(f"{url}{operation}/", {"revision": revision, **values})
            python.append(time.process_time() - cpu)
            wall.append(time.perf_counter() - clock)
            assert response.status_code == 200, (operation, response.status_code)
            revision += 1
    backend = (backend_cpu(pid) - backend_before) / len(python)
    return {"step": where, "steps_after": len(spans) - where - 1, "python_cpu_ms": in_ms(python),
            "postgres_cpu_ms_mean": round(backend * 1000, 2), "wall_ms": in_ms(wall)}


def in_ms(seconds: list[float]) -> dict:
    return {"p50": round(statistics.median(seconds) * 1000, 2), "p95": round(p95(seconds) * 1000, 2)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--chars", type=int, default=50_000)
    parser.add_argument("--steps", type=int, default=800)
    parser.add_argument("--rounds", type=int, default=60)
    parser.add_argument("--vacuum", action="store_true", help="VACUUM the steps before each position")
    parser.add_argument(
        "--out", type=Path, default=load.REPO / "bench" / "out" / "split_position.json"
    )
    args = parser.parse_args()

    load.prepare_django()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    (draft,) = load.seed(1, args.chars, args.steps)
    client = Client(HTTP_HOST="localhost")
    client.force_login(get_user_model().objects.get(username="bench-0"))
    assert client.get(draft["url"]).status_code == 200  # warm: templates, the connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    spans = draft["spans"]

    def at(where: int) -> dict:
        if args.vacuum:
            with connection.cursor() as cursor:
                cursor.execute("VACUUM curation_step")
        return measure(client, draft["url"], draft["text"], spans, where, args.rounds, pid)

    results = {
        "chars": args.chars, "steps": len(spans), "rounds": args.rounds, "vacuum": args.vacuum,
        "load_average": os.getloadavg(),
        "near_start": at(5),
        "middle": at(len(spans) // 2),
        "near_end": at(len(spans) - 6),
    }
    results["load_average_after"] = os.getloadavg()
    print(json.dumps(results, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
