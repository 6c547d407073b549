"""Small real HTTP(S) servers on loopback for the guarded client's tests."""
from __future__ import annotations

import ssl
from concurrent.futures import ThreadPoolExecutor
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio

CERTS = Path(__file__).parent / "certs"


class Recorder(BaseHTTPRequestHandler):
    """Answers every request with the server's ``reply`` (status, headers, body); records paths."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append((self.command, self.path, self.headers.get("Host")))
        status, headers, body = self.server.reply
        self.send_response(status)
        for key, value in headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args) -> None:  # quiet tests
        pass


@contextmanager
def serve(status: int = 200, headers: dict | None = None, body: bytes = b"internal secret", tls=False):
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.daemon_threads = True
    server.seen, server.reply = [], (status, headers or {}, body)
    if tls:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(CERTS / "webhook.test.pem", CERTS / "webhook.test.key")
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def client_tls_context() -> ssl.SSLContext:
    """A client context that trusts only the test certificate (issued to webhook.test)."""
    return ssl.create_default_context(cafile=str(CERTS / "webhook.test.pem"))


class ScriptedResolver:
    """A resolver answering each lookup with the next scripted list of addresses."""

    def __init__(self, *answers: list[str]) -> None:
        self.answers, self.calls = list(answers), []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def run_async(function, *args):
    """``anyio.run(function, *args)`` in a fresh thread: an earlier test in the same process
    (a browser test) may leave an event loop marked running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(anyio.run, function, *args).result()
