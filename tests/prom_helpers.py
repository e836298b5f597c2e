"""A real Prometheus scraping an exporter whose values the tests control.

The session's Prometheus (tests/services.py) discovers scrape targets from files; each
xdist worker runs one `Exporter` (an HTTP server in a thread serving /metrics) and lists
it there. A test sets what the exporter says, then waits on Prometheus's own API until
the samples are stored (polling with a deadline, never a bare sleep):

- `gauge(name, value)`: a sample with the scrape's own timestamp;
- `history(name, points)`: (unix time, value) points with explicit timestamps, one per
  scrape, oldest first (then the last is repeated, which Prometheus ignores) — a
  known history minutes long that is in the database after a few scrapes;
- `counter(name, step)`: grows by `step` at every scrape, for rate(); counters added in
  one `batch()` share their sample times, so ratios of their rates are exact.

Every test uses metric names of its own (`Prom.name`), so tests never see each
other's series.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

import services

WAIT_S = 60.0


@dataclass
class _Series:
    labels: dict[str, str]
    points: list[tuple[float | None, float]]  # (unix time or None, value)
    step: float = 0.0  # counters: added at every scrape
    served: int = 0

    def next_line(self, name: str) -> str:
        i = min(self.served, len(self.points) - 1)
        ts, value = self.points[i]
        if self.step:
            value = self.points[0][1] + self.step * self.served
        self.served += 1
        labels = ",".join(f'{k}="{v}"' for k, v in sorted(self.labels.items()))
        stamp = "" if ts is None else f" {round(ts * 1000)}"
        return f"{name}{{{labels}}} {_text(value)}{stamp}"


def _text(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(value)


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        body = self.server.exporter.render().encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, exporter: Exporter) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.exporter = exporter

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Prometheus hanging up mid-scrape is routine. Printed, its traceback would have
        # CPython 3.11's traceback module parse source lines (ast) in this thread while a
        # test parses in another: "AST constructor recursion depth mismatch" there.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Exporter:
    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._series: dict[tuple[str, str], _Series] = {}
        self._server = _Server(self)
        self.address = f"127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def render(self) -> str:
        with self._lock:
            lines = [s.next_line(name) for (name, _), s in self._series.items()]
        return "\n".join(lines) + "\n"

    def _put(self, name: str, labels: dict[str, str] | None, series: _Series) -> None:
        key = (name, json.dumps(labels or {}, sort_keys=True))
        with self._lock:
            self._series[key] = series

    def gauge(self, name: str, value: float, labels: dict[str, str] | None = None) -> None:
        self._put(name, labels, _Series(dict(labels or {}), [(None, value)]))

    def history(
        self, name: str, points: list[tuple[float, float]], labels: dict[str, str] | None = None
    ) -> None:
        self._put(name, labels, _Series(dict(labels or {}), list(points)))

    def counter(self, name: str, step: float, labels: dict[str, str] | None = None) -> None:
        self._put(name, labels, _Series(dict(labels or {}), [(None, 0.0)], step=step))

    def batch(self) -> threading.RLock:
        """`with exporter.batch(): ...`: series added together appear in the same scrape
        (counters whose rates are compared must share their sample times)."""
        return self._lock

    def remove(self, name: str) -> None:
        with self._lock:
            for key in [k for k in self._series if k[0] == name]:
                del self._series[key]


@dataclass
class Prom:
    """The session's Prometheus (`url`) and this worker's exporter."""

    url: str
    exporter: Exporter
    names: set[str] = field(default_factory=set)

    def name(self, stem: str) -> str:
        """A metric name no other test uses."""
        out = f"t{uuid.uuid4().hex[:10]}_{stem}"
        self.names.add(out)
        return out

    def query(self, promql: str) -> list[dict[str, Any]]:
        qs = urllib.parse.urlencode({"query": promql})
        with urllib.request.urlopen(f"{self.url}/api/v1/query?{qs}", timeout=10) as resp:
            doc = json.loads(resp.read())
        assert doc["status"] == "success", doc
        return list(doc["data"]["result"])

    def wait(self, promql: str, ok: Callable[[list[dict[str, Any]]], bool]) -> None:
        deadline = time.monotonic() + WAIT_S
        result: list[dict[str, Any]] = []
        while time.monotonic() < deadline:
            result = self.query(promql)
            if ok(result):
                return
            time.sleep(0.1)
        pytest.fail(f"Prometheus never answered {promql!r} as expected; last: {result}")

    def wait_value(self, promql: str, value: float) -> None:
        """Until the query's single series has this value."""
        self.wait(promql, lambda r: len(r) == 1 and float(r[0]["value"][1]) == value)

    def wait_points(self, name: str, n: int, window: str = "1h") -> None:
        """Until every series of `name` has `n` points in the last `window`."""
        self.wait(
            f"count_over_time({name}[{window}])",
            lambda r: bool(r) and all(int(float(s["value"][1])) == n for s in r),
        )


@pytest.fixture(scope="session")
def prometheus() -> Iterator[Prom]:
    url = services.shared(services.PROMETHEUS)
    targets = services.prometheus_targets()
    exporter = Exporter()
    listing = targets / f"gonogo-{os.getpid()}-{exporter.address.rsplit(':', 1)[1]}.json"
    tmp = listing.with_suffix(".tmp")
    tmp.write_text(json.dumps([{"targets": [exporter.address]}]))
    tmp.rename(listing)  # Prometheus reads whole files only
    prom = Prom(url, exporter)
    try:
        prom.wait(f'up{{instance="{exporter.address}"}} == 1', lambda r: len(r) == 1)
        yield prom
    finally:
        with contextlib.suppress(OSError):
            listing.unlink()
        exporter.close()
