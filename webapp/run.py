"""``python -m webapp.run``: the embedded web server and a Celery worker, stopped together.

What ``make run`` starts. Each child runs in its own process group, so a Ctrl-C in the terminal
reaches only this launcher, which passes it on exactly once to each child's whole group (the
runserver reloader and the worker's pool included), waits up to ``--grace`` seconds, then kills
what is left. A second Ctrl-C kills at once. When either child exits on its own, the other is
stopped the same way. (A shell ``trap 'kill 0' ...`` signalled itself again from its own trap,
flooding the worker with signals: each one logged "Warm shutdown" and restarted its shutdown.)

``STEPWISE_PUBLIC_URL``, unless set, becomes the address served here, so webhook bodies point
to this server and not to a default port.
"""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
POLL_SECONDS = 0.2


def public_url(host: str, port: int) -> str:
    """The URL other programs reach this server by (a wildcard bind is reached on loopback)."""
    reachable = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "[::1]", "[::]": "[::1]"}
    host = reachable.get(host, host)
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def child_commands(host: str, port: int, concurrency: int) -> dict[str, list[str]]:
    python = sys.executable
    bind = f"[{host}]:{port}" if ":" in host and not host.startswith("[") else f"{host}:{port}"
    return {
        "web": [python, str(BASE_DIR / "manage.py"), "runserver", bind],
        "worker": [python, "-m", "celery", "-A", "webapp", "worker", "--loglevel=INFO",
                   f"--concurrency={concurrency}"],
    }


def child_env(host: str, port: int) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("STEPWISE_PUBLIC_URL", public_url(host, port))
    # pyarrow's default jemalloc pool keeps freed memory; the system allocator returns it.
    env.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    return env


class Launcher:
    """The children, the signal handling and the shutdown sequence."""

    def __init__(self, commands: dict[str, list[str]], env: dict[str, str], grace: float):
        self.commands, self.env, self.grace = commands, env, grace
        self.children: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        for name, command in self.commands.items():
            # A new session: the terminal's Ctrl-C reaches the launcher only, never a child
            # directly, so each child's group gets exactly one signal.
            self.children[name] = subprocess.Popen(
                command, cwd=BASE_DIR, env=self.env, start_new_session=True
            )
            print(f"[run] {name} pid {self.children[name].pid}", file=sys.stderr, flush=True)
        while not self.stopping:
            exited = [n for n, p in self.children.items() if p.poll() is not None]
            if exited:
                print(f"[run] {exited[0]} exited; stopping the others", file=sys.stderr)
                self.stopping = True
                break
            time.sleep(POLL_SECONDS)
        return self._stop()

    def _on_signal(self, signum: int, frame: object) -> None:
        if self.stopping:  # the second Ctrl-C: no more waiting
            self._signal_all(signal.SIGKILL)
            return
        self.stopping = True

    def _stop(self) -> int:
        print("[run] stopping web server and worker", file=sys.stderr, flush=True)
        self._signal_all(signal.SIGINT)
        started = time.monotonic()
        running = dict(self.children)
        while running and time.monotonic() < started + self.grace:
            for name in [n for n, p in running.items() if p.poll() is not None]:
                del running[name]
                print(f"[run] {name} stopped in {time.monotonic() - started:.1f} s",
                      file=sys.stderr, flush=True)
            time.sleep(POLL_SECONDS)
        if running:
            print(f"[run] killing {', '.join(running)} after {self.grace:g} s",
                  file=sys.stderr, flush=True)
        self._signal_all(signal.SIGKILL)  # whatever is left, in every child's group
        for child in self.children.values():
            child.wait()
        print("[run] stopped", file=sys.stderr, flush=True)
        return 0

    def _signal_all(self, signum: int) -> None:
        for child in self.children.values():
            if child.poll() is None or signum == signal.SIGKILL:
                try:
                    os.killpg(child.pid, signum)  # the child's group: reloader, pool
                except ProcessLookupError:
                    pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m webapp.run", description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--grace", type=float, default=10.0,
                        help="seconds the children get to stop before they are killed")
    args = parser.parse_args(argv)
    env = child_env(args.host, args.port)
    print(f"[run] http://{args.host}:{args.port}/  (webhooks: {env['STEPWISE_PUBLIC_URL']}); "
          "Ctrl-C stops both", file=sys.stderr, flush=True)
    commands = child_commands(args.host, args.port, args.concurrency)
    return Launcher(commands, env, args.grace).run()


if __name__ == "__main__":
    sys.exit(main())
