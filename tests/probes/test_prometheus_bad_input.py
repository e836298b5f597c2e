"""Answers that are not Prometheus's, and servers that do not answer: a clear `error`
with the reason, within the check's time and a bounded amount of memory."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import tracemalloc
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from gonogo.fs.index import FileIndex
from gonogo.models import Outcome, Status
from gonogo.probes import promclient
from gonogo.probes.base import Context
from gonogo.probes.prometheus import PROBE, PrometheusParams
from gonogo.probes.slo import PROBE as SLO
from gonogo.probes.slo import SloParams
from httpserver import Blackhole, closed_port

HUGE_MB = 50
VECTOR = {"status": "success", "data": {"resultType": "vector", "result": []}}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def _send(self, status: int, body: bytes, ctype: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        mode = self.path.split("/")[1]
        if mode == "huge":
            return self._huge()
        if mode == "echo":
            seen = {"metric": {"auth": self.headers.get("Authorization", "")}, "value": [1, "1"]}
            doc = {"status": "success", "data": {"resultType": "vector", "result": [seen]}}
            return self._send(200, json.dumps(doc).encode(), "application/json")
        status, body, ctype = {
            "html": (200, b"<!DOCTYPE html><html><body>Grafana</body></html>", "text/html"),
            "login": (401, b"<html>Sign in</html>", "text/html"),
            "nowhere": (404, b"404 page not found\n", "text/plain"),
            "json": (200, b'{"hello": "world"}', "application/json"),
            "empty": (200, b"", "application/json"),
            "gateway": (502, b"Bad Gateway", "text/plain"),
            "busy": (
                503,
                b'{"status":"error","errorType":"timeout","error":"query timed out in '
                b'expression evaluation"}',
                "application/json",
            ),
            "weird": (200, b'{"status":"success","data":{"resultType":"vector","result":7}}', "a"),
        }[mode]
        self._send(status, body, ctype)

    def _huge(self) -> None:
        """A well-formed vector answer of 50 MB, streamed."""
        item = b'{"metric":{"__name__":"x","pod":"' + b"p" * 200 + b'"},"value":[1,"1"]},'
        head = b'{"status":"success","data":{"resultType":"vector","result":['
        count = HUGE_MB * 1024 * 1024 // len(item)
        tail = b'{"metric":{},"value":[1,"1"]}]}}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(head) + count * len(item) + len(tail)))
        self.end_headers()
        with contextlib.suppress(OSError):
            self.wfile.write(head)
            for _ in range(count // 256):
                self.wfile.write(item * 256)
            self.wfile.write(item * (count % 256) + tail)


@pytest.fixture(scope="module")
def fake() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def run(
    root: Path, params: dict[str, Any], timeout: float = 5.0, env: dict[str, str] | None = None
) -> Outcome:
    ctx = Context(root, FileIndex(root), env or {}, timeout, "c1")
    return asyncio.run(PROBE.run(PrometheusParams.model_validate(params), ctx))


def api(base: str, mode: str) -> str:
    return f"Prometheus {base}/{mode}/api/v1/query"


@pytest.mark.parametrize(
    ("mode", "message", "transient"),
    [
        (
            "html",
            "answered 200 with HTML, not Prometheus's query API; point `url` at the Prometheus "
            "server (http://host:9090, or its path prefix), not a dashboard, proxy login or "
            "other page",
            False,
        ),
        (
            "json",
            "answered 200 with JSON without Prometheus's status/data envelope, not "
            "Prometheus's query API; point `url` at the Prometheus server (http://host:9090, "
            "or its path prefix), not a dashboard, proxy login or other page",
            False,
        ),
        (
            "empty",
            "answered 200 with an empty body, not Prometheus's query API; point `url` at the "
            "Prometheus server (http://host:9090, or its path prefix), not a dashboard, proxy "
            "login or other page",
            False,
        ),
        (
            "login",
            "answered 401: the server wants credentials; set `headers` (e.g. Authorization: "
            "'Bearer ${PROM_TOKEN}')",
            False,
        ),
        (
            "nowhere",
            "answered 404: no Prometheus query API there; `url` is the server's base URL "
            "(http://host:9090), not a page of its UI",
            False,
        ),
        ("gateway", "answered 502; the server is failing", True),
    ],
)
def test_answers_that_are_not_prometheus(
    fake: str, tmp_path: Path, mode: str, message: str, transient: bool
) -> None:
    out = run(tmp_path, {"url": f"{fake}/{mode}", "query": "up", "max": 1})
    assert out.status is Status.ERROR
    assert out.message == f"{api(fake, mode)} {message}"
    assert out.transient is transient


def test_a_query_timeout_inside_prometheus_is_transient(fake: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"url": f"{fake}/busy", "query": "up", "max": 1})
    assert (out.status, out.transient) == (Status.ERROR, True)
    assert out.message == (
        "Prometheus could not answer (timeout, HTTP 503): query timed out in expression evaluation"
    )


def test_an_unreadable_success_is_an_error(fake: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"url": f"{fake}/weird", "query": "up", "max": 1})
    assert out.status is Status.ERROR
    assert out.message == (
        f"Prometheus {fake}/weird answered `status: success` with a result gonogo cannot read "
        "(resultType 'vector'); is this a Prometheus-compatible API?"
    )


def test_a_50_mb_answer_is_an_error_not_an_out_of_memory(fake: str, tmp_path: Path) -> None:
    tracemalloc.start()
    try:
        out = run(tmp_path, {"url": f"{fake}/huge", "query": "up", "max": 1}, timeout=30)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (out.status, out.transient) == (Status.ERROR, False)
    assert out.message == (
        f"Prometheus {fake}/huge answered more than 8,388,608 bytes (`max_bytes`); narrow the "
        "query to fewer series (aggregate with sum/max by ...) or a coarser `step`"
    )
    assert peak < 3 * promclient.MAX_BYTES  # the buffer and one copy, not the 50 MB


def test_max_bytes_admits_a_big_answer_when_raised(fake: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"url": f"{fake}/huge", "query": "up", "max": 1, "max_bytes": 64 << 20})
    assert out.status is Status.PASS
    assert out.message.startswith("`up` x{pod=")


def test_a_server_that_never_answers_times_out(tmp_path: Path) -> None:
    with Blackhole() as hole:
        out = run(tmp_path, {"url": f"http://127.0.0.1:{hole.port}", "query": "up", "max": 1}, 1.0)
    assert out.status is Status.ERROR
    assert out.message == (
        f"Prometheus http://127.0.0.1:{hole.port}: no answer within 1.0s (timeout); the service "
        "is hung, overloaded or firewalled: check it, or raise the check's `timeout`"
    )
    assert out.evidence["failure"] == "timeout"


def test_nothing_listening_is_refused(tmp_path: Path) -> None:
    port = closed_port()
    out = run(tmp_path, {"url": f"http://127.0.0.1:{port}", "query": "up", "max": 1})
    assert (out.status, out.transient) == (Status.ERROR, True)
    assert out.message == (
        f"Prometheus http://127.0.0.1:{port}: connection refused; nothing listens on that "
        "port: start the service or fix the host/port"
    )


def test_headers_are_expanded_and_sent(fake: str, tmp_path: Path) -> None:
    params = {
        "url": f"{fake}/echo",
        "query": "up",
        "max": 1,
        "headers": {"Authorization": "Bearer ${PROM_TOKEN}"},
    }
    out = run(tmp_path, params, env={"PROM_TOKEN": "s3cr3t-token"})
    assert out.status is Status.PASS
    assert out.evidence["samples"][0]["values"] == {'{auth="Bearer s3cr3t-token"}': 1.0}


def test_an_unset_variable_is_a_plain_error(tmp_path: Path) -> None:
    out = run(tmp_path, {"url": "${NO_SUCH_PROMETHEUS}", "query": "up", "max": 1})
    assert (out.status, out.message) == (
        Status.ERROR,
        "environment variable NO_SUCH_PROMETHEUS is not set",
    )


def test_slo_over_a_wrong_url_is_one_clear_error(fake: str, tmp_path: Path) -> None:
    ctx = Context(tmp_path, FileIndex(tmp_path), {}, 5.0, "slo")
    params = SloParams.model_validate(
        {"url": f"{fake}/html", "objective": "99%", "error_ratio": "x[$window]"}
    )
    out = asyncio.run(SLO.run(params, ctx))
    assert (out.status, out.transient) == (Status.ERROR, False)
    assert out.message.startswith(f"{api(fake, 'html')} answered 200 with HTML")
