"""Critic job throughput against a local OpenAI-compatible endpoint that answers in 50 ms.

    .venv/bin/python bench/assist_critic.py [--traces 10000] [--runs 3] [--in-flight 32]

The endpoint is ``tests/assist/fake_openai.py`` in its own process (so its threads do not share
this process's interpreter lock), answering every request after ``--delay`` seconds. Each run
is a fresh process that streams ``--traces`` generated traces (a problem and 8 steps of about
60 characters each) through ``JobRunner.stream`` and ``critique`` (one sample per trace) with
the endpoint's concurrency limit at ``--in-flight`` requests, through the real guarded HTTP
client, and counts the results without keeping them. It reports traces per second of wall time
and the process's RSS after 10%, 50% and 100% of the traces (flat: memory does not grow with
the job) and the CPU time this process spent per trace (less sensitive to other load on the
machine than the rate). ``--connections-per-pool 32`` puts all connections in one httpcore pool,
as before the guarded client split them (for comparison). The ceiling is ``in_flight / delay`` = 640 traces/s: the endpoint's latency, not
Stepwise, is then the limit. The median of the runs is printed.
"""
from __future__ import annotations

import argparse
import json
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def traces(count: int):
    from curation.assist import CriticInput

    for i in range(count):
        steps = [f"Step {j}: we compute the value {i * j} from the line before, carefully." for j in range(8)]
        yield CriticInput(i, f"Problem {i}: what is the sum of the first {i % 97} odd numbers?", steps)


def one_run(base_url: str, count: int, in_flight: int, per_pool: int | None) -> dict:
    import psutil

    import curation.outbound.client

    if per_pool:
        curation.outbound.client.CONNECTIONS_PER_POOL = per_pool

    from curation.assist import ChatClient, EndpointConfig, JobRunner, critique
    from curation.outbound import parse_allowlist

    process, rss, done = psutil.Process(), {}, 0
    checkpoints = {count // 10: "10%", count // 2: "50%", count: "100%"}
    config = EndpointConfig(base_url, "fake", concurrency=in_flight, timeout=30)
    with JobRunner() as runner:
        client = runner.call(lambda: ChatClient(config, allow=parse_allowlist("127.0.0.1")))
        started, cpu = time.perf_counter(), time.process_time()
        for result in runner.stream(traces(count), lambda t: critique(client, t), in_flight=in_flight * 2):
            done += 1
            assert result.first_error == -1, result
            if done in checkpoints:
                rss[checkpoints[done]] = round(process.memory_info().rss / 2**20, 1)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        usage = client.usage.snapshot()
        runner.call(client.aclose)
    return {"traces": done, "seconds": round(elapsed, 2), "traces_per_s": round(done / elapsed, 1),
            "cpu_ms_per_trace": round(cpu / done * 1000, 2),
            "rss_mib": rss, "requests": usage["requests"], "failed": usage["failed_requests"]}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_ready(port: int) -> None:
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("the fake endpoint did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--traces", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--in-flight", type=int, default=32)
    parser.add_argument("--delay", type=float, default=0.05)
    parser.add_argument("--connections-per-pool", type=int, default=None)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: base URL of a single run
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(args.one, args.traces, args.in_flight, args.connections_per_pool)))
        return
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests/assist/fake_openai.py"), "--port", str(port), "--delay", str(args.delay)],
        stdout=subprocess.DEVNULL,
    )
    try:
        wait_ready(port)
        runs = [_child(f"http://127.0.0.1:{port}/v1", args) for _ in range(args.runs)]
    finally:
        server.terminate()
        server.wait()
    for run in runs:
        print(json.dumps(run))
    print(f"median: {statistics.median(r['traces_per_s'] for r in runs)} traces/s, "
          f"{statistics.median(r['cpu_ms_per_trace'] for r in runs)} ms CPU per trace "
          f"({args.traces} traces, {args.in_flight} requests in flight, endpoint {args.delay * 1000:.0f} ms)")


def _child(base_url: str, args) -> dict:
    command = [sys.executable, __file__, "--one", base_url, "--traces", str(args.traces),
               "--in-flight", str(args.in_flight)]
    if args.connections_per_pool:
        command += ["--connections-per-pool", str(args.connections_per_pool)]
    out = subprocess.run(command, check=True, capture_output=True, text=True, cwd=ROOT).stdout
    return json.loads(out.strip().splitlines()[-1])


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
