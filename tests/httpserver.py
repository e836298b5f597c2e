"""A real local HTTP server for the network probes' tests (and benchmarks), in a thread.

Endpoints: /ok, /slow?ms=N, /flaky?key=K&fail=N (first N calls per key answer 503),
/500, /large?mb=N, /redirect (to /ok), /loop (redirects to itself), /json, /echo
(method, headers and body back as JSON). `Blackhole` is a socket that accepts
connections and never answers.
"""

from __future__ import annotations

import contextlib
import json
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

JSON_DOC = {"status": "ok", "db": {"ok": True, "pool": 5}, "items": [{"name": "a"}, {"name": "b"}]}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        route = getattr(self, "_" + parts.path.strip("/").replace("-", "_"), None)
        if route is None:
            self._send(404, b"not found")
        else:
            route(query)

    do_POST = do_PUT = do_DELETE = do_HEAD = do_GET

    def _send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/plain",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _ok(self, q: dict[str, str]) -> None:
        self._send(200, b"ok")

    def _slow(self, q: dict[str, str]) -> None:
        time.sleep(int(q.get("ms", "1000")) / 1000)
        self._send(200, b"slow ok")

    def _flaky(self, q: dict[str, str]) -> None:
        key, fail = q.get("key", ""), int(q.get("fail", "1"))
        with self.server.lock:
            n = self.server.counts[key] = self.server.counts.get(key, 0) + 1
        if n <= fail:
            self._send(503, b"try again")
        else:
            self._send(200, b"recovered")

    def _500(self, q: dict[str, str]) -> None:
        self._send(500, b"internal error")

    def _large(self, q: dict[str, str]) -> None:
        size = int(float(q.get("mb", "5")) * 1024 * 1024)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(size))
        self.end_headers()
        chunk = b"x" * 65536
        with contextlib.suppress(OSError):
            for start in range(0, size, len(chunk)):
                self.wfile.write(chunk[: size - start])

    def _redirect(self, q: dict[str, str]) -> None:
        self._send(302, b"", headers={"Location": "/ok"})

    def _loop(self, q: dict[str, str]) -> None:
        self._send(302, b"", headers={"Location": "/loop"})

    def _json(self, q: dict[str, str]) -> None:
        self._send(200, json.dumps(JSON_DOC).encode(), "application/json")

    def _echo(self, q: dict[str, str]) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        doc = {"method": self.command, "headers": dict(self.headers.items()), "body": body}
        self._send(200, json.dumps(doc).encode(), "application/json")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.counts: dict[str, int] = {}


@dataclass
class Served:
    base: str
    port: int
    server: _Server = field(repr=False)

    def url(self, path: str) -> str:
        return self.base + path


@contextlib.contextmanager
def serve(tls_dir: Path | None = None) -> Iterator[Served]:
    """Serve in a daemon thread; with `tls_dir`, over HTTPS with a fresh self-signed cert."""
    server = _Server()
    scheme = "http"
    if tls_dir is not None:
        cert, key = self_signed(tls_dir)
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(cert, key)
        server.socket = tls.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    port = server.server_address[1]
    try:
        yield Served(f"{scheme}://127.0.0.1:{port}", int(port), server)
    finally:
        server.shutdown()
        server.server_close()


def self_signed(directory: Path) -> tuple[str, str]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return str(cert), str(key)


class Blackhole:
    """Accepts TCP connections and never sends a byte."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(512)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        self.sock.settimeout(0.05)
        while not self._stop.is_set():
            with contextlib.suppress(TimeoutError, OSError):
                conn, _ = self.sock.accept()
                self.held.append(conn)

    def close(self) -> None:
        self._stop.set()
        self.thread.join(2)
        for conn in self.held:
            conn.close()
        self.sock.close()

    def __enter__(self) -> Blackhole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def closed_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
