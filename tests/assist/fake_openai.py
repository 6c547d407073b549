"""A fake OpenAI-compatible server on loopback: a real HTTP server in a thread.

Answers ``POST /v1/chat/completions`` (and ``GET /v1/models``) with scripted, deterministic
replies: ``script`` replies are used in order, then ``responder(request_body)`` decides. A
``Reply`` can wait (``delay``), fail (``status``, e.g. 429 with ``Retry-After``), send a broken
body (``raw``) or several choices. Every request body and header is recorded.

Run alone for benchmarks: ``python tests/assist/fake_openai.py --port 8765 --delay 0.05``
answers every critic prompt with ``\\boxed{-1}`` after 50 ms.
"""
from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Reply:
    contents: list[str] = field(default_factory=lambda: ["OK"])
    status: int = 200
    delay: float = 0.0
    headers: dict = field(default_factory=dict)
    finish_reason: str = "stop"
    raw: bytes | None = None
    prompt_tokens: int = 10
    completion_tokens: int = 5


def text(*contents: str, **kwargs) -> Reply:
    return Reply(list(contents), **kwargs)


def completion_body(request: dict, reply: Reply) -> bytes:
    n = request.get("n", 1) if isinstance(request.get("n", 1), int) else 1
    contents = reply.contents if len(reply.contents) != 1 else reply.contents * max(1, n)
    choices = [
        {"index": i, "message": {"role": "assistant", "content": c}, "finish_reason": reply.finish_reason}
        for i, c in enumerate(contents)
    ]
    usage = {"prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens * len(choices)}
    return json.dumps({"id": "fake", "object": "chat.completion", "model": request.get("model"),
                       "choices": choices, "usage": usage}).encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # (read when listening: must be set on the class)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed ACK

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        try:
            request = json.loads(body)
        except ValueError:
            request = {}
        reply = self.server.fake.next_reply(request, dict(self.headers))
        if reply.delay:
            time.sleep(reply.delay)
        payload = reply.raw if reply.raw is not None else (
            completion_body(request, reply) if reply.status == 200 else b'{"error": "scripted"}'
        )
        self._send(reply.status, payload, reply.headers)

    def do_GET(self) -> None:
        self._send(200, json.dumps({"data": [{"id": "fake-model"}]}).encode(), {})

    def _send(self, status: int, payload: bytes, headers: dict) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


class FakeOpenAI:
    """Start with ``with FakeOpenAI(...) as fake:``; ``fake.base_url`` ends in ``/v1``."""

    def __init__(self, script: list[Reply] | None = None,
                 responder: Callable[[dict], Reply] | None = None, port: int = 0) -> None:
        self.script = list(script or [])
        self.responder = responder or (lambda request: Reply())
        self.requests: list[dict] = []
        self.headers: list[dict] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.fake = self

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/v1"

    def next_reply(self, request: dict, headers: dict) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.headers.append(headers)
            if self.script:
                return self.script.pop(0)
        return self.responder(request)

    def __enter__(self) -> FakeOpenAI:
        threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True).start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._server.shutdown()
        self._server.server_close()


def _main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--delay", type=float, default=0.05)
    args = parser.parse_args()
    fake = FakeOpenAI(
        responder=lambda request: Reply(["No error found. \\boxed{-1}"], delay=args.delay), port=args.port
    )
    fake.requests = _Discarding()
    fake.headers = _Discarding()
    print(f"serving {fake.base_url}", flush=True)
    fake._server.serve_forever()


class _Discarding(list):
    """Keeps nothing: a benchmark's server must not grow with the job."""

    def append(self, value) -> None:
        pass


if __name__ == "__main__":
    _main()
