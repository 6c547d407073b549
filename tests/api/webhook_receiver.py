"""A real HTTP receiver on loopback that checks signatures the way a trainer's would."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Answers with ``statuses`` in turn (200 once they run out) and keeps what it got."""

    secret: str
    url: str = ""  # set once serving
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)

    def signature_ok(self, hit: Received) -> bool:
        expected = "sha256=" + hmac.new(self.secret.encode(), hit.body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, hit.headers.get("X-Stepwise-Signature", ""))

    def serve(self) -> tuple[ThreadingHTTPServer, str]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(Received(dict(self.headers), body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"try later")

            def log_message(self, *args) -> None:  # keep the test output quiet
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/hook"
