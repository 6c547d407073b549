"""The trainers' API under gunicorn on loopback: artifact download throughput against reading
the file directly, and latency of the version list under concurrent clients.

    .venv/bin/python bench/api.py                        # 1 GiB artifact, 50 clients
    .venv/bin/python bench/api.py --size-mb 256 --clients 20 --requests-per-client 20

Everything lives in a temporary folder (its own SQLite database, datasets storage and
secret key) and gunicorn listens on 127.0.0.1 only; the folder is deleted afterwards.

- Direct read: the artifact read with ``readinto`` into one 1 MiB buffer, after a warm-up
  read, so both sides read from the page cache.
- Raw sendfile: a minimal server process that ``sendfile(2)``s the file over loopback TCP,
  with no HTTP at all: the transport's own ceiling on this machine, for scale.
- Through the API: ``GET .../versions/1/files/<artifact>`` with a token, read the same way
  (``http.client``, ``readinto``), so the client adds as little as the direct read does;
  then once more as ``--streams`` parallel ``Range`` requests, as a download manager would.
  Best of ``--rounds`` for each. The artifact is synthetic (one random MiB repeated): the
  server streams bytes and never looks at them.
- Version list: ``--clients`` threads, each with its own keep-alive connection, each sending
  ``--requests-per-client`` requests to the versions list (20 published versions), after
  one warm-up request per client (a gunicorn worker imports the URLconf on its first
  request); the latency of each request is measured at the client and includes queueing for
  a server thread. Throttling is turned off for the run (STEPWISE_API_RATE_USER="").
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import multiprocessing
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))
CHUNK = 1 << 20
ARTIFACT = "srl/data/train-00000-of-00001.parquet"


def main() -> None:
    args = _parser().parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="stepwise-bench-api-"))
    try:
        results = run(args, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=int, default=1024, help="artifact size in MiB")
    parser.add_argument(
        "--rounds", type=int, default=3, help="downloads and direct reads; best kept"
    )
    parser.add_argument("--streams", type=int, default=4, help="parallel Range requests, once")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests-per-client", type=int, default=40)
    parser.add_argument(
        "--max-seconds", type=float, default=60, help="stop the latency run after this"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--threads", type=int, default=8, help="threads per gunicorn worker (gthread)"
    )
    parser.add_argument("--json", default=str(REPO_ROOT / "bench" / "out" / "api.json"))
    return parser


def run(args: argparse.Namespace, tmp: Path) -> dict:
    env = _environment(tmp)
    os.environ.update(env)
    token, artifact = _seed(args.size_mb)
    port = _free_port()
    server = _start_gunicorn(port, env, args)
    try:
        _wait_until_listening(port)
        direct = best_throughput(lambda: read_direct(artifact), args.rounds)
        raw = best_throughput(lambda: read_raw_sendfile(artifact), args.rounds)
        api = best_throughput(lambda: read_api(port, token), args.rounds)
        size = args.size_mb * CHUNK
        parallel = best_throughput(
            lambda: read_api_parallel(port, token, size, args.streams), args.rounds
        )
        latency = list_latency(
            port, token, args.clients, args.requests_per_client, args.max_seconds
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "server": {
            "gunicorn_workers": args.workers,
            "threads_per_worker": args.threads,
            "database": "sqlite (temporary)",
        },
        "download": {
            "artifact_mib": args.size_mb,
            "direct_mb_s": round(direct, 1),
            "raw_sendfile_mb_s": round(raw, 1),
            f"api_{args.streams}_ranges_mb_s": round(parallel, 1),
            "api_mb_s": round(api, 1),
            "api_over_direct": round(api / direct, 3),
            "api_over_raw_sendfile": round(api / raw, 3),
        },
        "version_list": latency,
    }


def _environment(tmp: Path) -> dict[str, str]:
    return {
        "DJANGO_SETTINGS_MODULE": "webapp.settings",
        "STEPWISE_VAR_DIR": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'bench.sqlite3'}",
        "DEBUG": "0",
        "STEPWISE_API_RATE_USER": "",
        "LOG_LEVEL": "WARNING",
    }


def _seed(size_mb: int) -> tuple[str, Path]:
    """A lead, a dataset with 20 published versions; version 1 holds the big artifact."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.files.storage import storages
    from django.core.management import call_command
    from django.utils import timezone

    from curation.models import Dataset, DatasetVersion, Membership, Project
    from curation.services.people.tokens import create_token

    call_command("migrate", verbosity=0)
    user = get_user_model().objects.create_user("bench", password="bench-password")
    project = Project.objects.create(slug="bench", name="Bench")
    Membership.objects.create(project=project, user=user, role=Membership.Role.LEAD)
    dataset = Dataset.objects.create(project=project, name="big")
    artifact = Path(storages["datasets"].path(f"bench/big/v1/{ARTIFACT}"))
    manifest = {
        "files": {ARTIFACT: _write_artifact(artifact, size_mb)},
        "formats": ["srl"],
        "version": 1,
    }
    for number in range(1, 21):
        DatasetVersion.objects.create(
            dataset=dataset,
            number=number,
            status=DatasetVersion.Status.PUBLISHED,
            manifest=manifest,
            path=f"bench/big/v{number}",
            published_at=timezone.now(),
        )
    return create_token(user=user, name="bench", scope="read")[1], artifact


def _write_artifact(path: Path, size_mb: int) -> dict:
    path.parent.mkdir(parents=True, exist_ok=True)
    block = os.urandom(CHUNK)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for _ in range(size_mb):
            out.write(block)
            digest.update(block)
    return {"sha256": digest.hexdigest(), "size": size_mb * CHUNK}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_gunicorn(port: int, env: dict[str, str], args: argparse.Namespace) -> subprocess.Popen:
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "webapp.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--worker-class",
        "gthread",
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, cwd=REPO_ROOT, env={**os.environ, **env})


def _wait_until_listening(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start")


def best_throughput(read, rounds: int) -> float:
    """MB/s (10^6 bytes) of the fastest of ``rounds`` reads, after one warm-up read."""
    read()
    best = 0.0
    for _ in range(rounds):
        started = time.perf_counter()
        size = read()
        best = max(best, size / (time.perf_counter() - started) / 1e6)
    return best


def read_direct(path: Path) -> int:
    buffer, total = bytearray(CHUNK), 0
    with open(path, "rb", buffering=0) as handle:
        while count := handle.readinto(buffer):
            total += count
    return total


def read_api(port: int, token: str, byte_range: str | None = None) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"} | ({"Range": byte_range} if byte_range else {})
    connection.request(
        "GET", f"/api/v1/projects/bench/datasets/big/versions/1/files/{ARTIFACT}", headers=headers
    )
    response = connection.getresponse()
    if response.status != (206 if byte_range else 200):
        raise RuntimeError(f"download answered {response.status}: {response.read()[:200]!r}")
    buffer, total = bytearray(CHUNK), 0
    while count := response.readinto(buffer):
        total += count
    connection.close()
    return total


def read_api_parallel(port: int, token: str, size: int, streams: int) -> int:
    """The same file as ``streams`` Range requests at once, as a download manager would."""
    step = -(-size // streams)
    ranges = [f"bytes={start}-{min(start + step, size) - 1}" for start in range(0, size, step)]
    totals = [0] * len(ranges)

    def fetch(index: int) -> None:
        totals[index] = read_api(port, token, ranges[index])

    threads = [threading.Thread(target=fetch, args=(i,)) for i in range(len(ranges))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(totals)


def read_raw_sendfile(path: Path) -> int:
    """The file through a one-shot sendfile server in another process: TCP with no HTTP."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        server = multiprocessing.Process(target=_sendfile_once, args=(listener, path))
        server.start()
        with socket.create_connection(listener.getsockname()) as connection:
            buffer, total = bytearray(CHUNK), 0
            while count := connection.recv_into(buffer):
                total += count
        server.join()
    return total


def _sendfile_once(listener: socket.socket, path: Path) -> None:
    connection, _ = listener.accept()
    with connection, open(path, "rb") as handle:
        size, offset = os.fstat(handle.fileno()).st_size, 0
        while offset < size:
            offset += os.sendfile(connection.fileno(), handle.fileno(), offset, size - offset)


def list_latency(port: int, token: str, clients: int, per_client: int, max_seconds: float) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + max_seconds
    lock = threading.Lock()

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = []
        for number in range(per_client + 1):
            if time.monotonic() > deadline:
                break
            started = time.perf_counter()
            connection.request(
                "GET",
                "/api/v1/projects/bench/datasets/big/versions/",
                headers={"Authorization": f"Bearer {token}"},
            )
            response = connection.getresponse()
            response.read()
            if number == 0:  # the warm-up request
                continue
            mine.append(time.perf_counter() - started)
            if response.status != 200:
                errors.append(str(response.status))
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "clients": clients,
        "requests": len(ordered),
        "errors": len(errors),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(ordered) / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(ordered), 1),
        "p95_ms": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1),
        "p99_ms": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 1),
        "max_ms": round(1000 * ordered[-1], 1),
    }


if __name__ == "__main__":
    main()
