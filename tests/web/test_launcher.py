"""``make run``'s launcher: one Ctrl-C stops the web server and the worker within seconds, and
webhook URLs follow the address served (issue 13, "Running it")."""
from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.factories import REPO_ROOT
from webapp.run import child_env, public_url

pytestmark = pytest.mark.worker
STARTUP_SECONDS = 90
STOP_SECONDS = 15


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def http_answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2).close()
    except urllib.error.HTTPError:
        return True  # an error page is an answer
    except OSError:
        return False
    return True


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def launched(tmp_path):
    """The launcher on a free port with its own var folder, SQLite and filesystem broker."""
    port = free_port()
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "CELERY_BROKER_URL", "STEPWISE_PUBLIC_URL")}
    env["STEPWISE_VAR_DIR"] = str(tmp_path / "var")
    log_path = tmp_path / "run.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "webapp.run", "--port", str(port), "--concurrency", "1"],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    yield process, port, log_path
    if process.poll() is None:
        process.kill()
        process.wait()
    for pgid in child_pids(log_path.read_text(errors="replace")).values():
        if group_alive(pgid):
            os.killpg(pgid, signal.SIGKILL)


def child_pids(log: str) -> dict[str, int]:
    return {name: int(pid) for name, pid in re.findall(r"\[run\] (web|worker|beat) pid (\d+)", log)}


def wait_until_ready(process: subprocess.Popen, port: int, log_path: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert process.poll() is None, log_path.read_text(errors="replace")[-3000:]
        worker_ready = " ready." in log_path.read_text(errors="replace")
        if worker_ready and http_answers(f"http://127.0.0.1:{port}/"):
            return
        time.sleep(0.5)
    pytest.fail("not ready in time:\n" + log_path.read_text(errors="replace")[-3000:])


def test_one_sigint_stops_the_web_server_and_the_worker_within_seconds(launched):
    process, port, log_path = launched
    wait_until_ready(process, port, log_path)
    pids = child_pids(log_path.read_text())
    assert set(pids) == {"web", "worker", "beat"}

    process.send_signal(signal.SIGINT)

    assert process.wait(timeout=STOP_SECONDS) == 0
    assert not [name for name, pgid in pids.items() if group_alive(pgid)]
    log = log_path.read_text(errors="replace")
    assert log.count("Warm shutdown") <= 1, log[-3000:]
    assert not http_answers(f"http://127.0.0.1:{port}/")


def test_public_url_follows_the_address_served(monkeypatch):
    monkeypatch.delenv("STEPWISE_PUBLIC_URL", raising=False)

    assert child_env("127.0.0.1", 8101)["STEPWISE_PUBLIC_URL"] == "http://127.0.0.1:8101"
    assert public_url("0.0.0.0", 8080) == "http://127.0.0.1:8080"
    assert public_url("::1", 8000) == "http://[::1]:8000"


def test_an_explicit_public_url_is_kept(monkeypatch):
    monkeypatch.setenv("STEPWISE_PUBLIC_URL", "https://stepwise.example")

    assert child_env("127.0.0.1", 8101)["STEPWISE_PUBLIC_URL"] == "https://stepwise.example"
