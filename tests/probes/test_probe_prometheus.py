"""The `prometheus` probe against a real Prometheus scraping an exporter the tests drive."""

from __future__ import annotations

import asyncio
import json
import math
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest

import prom_helpers
from gonogo.fs.index import FileIndex
from gonogo.models import Measure, Outcome, Status
from gonogo.probes.base import Context
from gonogo.probes.prometheus import PROBE, PrometheusParams
from prom_helpers import Prom

pytestmark = pytest.mark.services
prometheus = prom_helpers.prometheus


def run(
    root: Path,
    params: dict[str, Any],
    *,
    timeout: float = 10.0,
    environ: dict[str, str] | None = None,
) -> Outcome:
    ctx = Context(root, FileIndex(root), environ or {}, timeout, "c1")
    return asyncio.run(PROBE.run(PrometheusParams.model_validate(params), ctx))


def gauge(prom: Prom, stem: str, value: float) -> str:
    name = prom.name(stem)
    prom.exporter.gauge(name, value)
    prom.wait(f"sum({name})", lambda r: len(r) == 1 and _same(float(r[0]["value"][1]), value))
    return name


def _same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


@pytest.mark.parametrize(
    ("value", "condition", "status", "message"),
    [
        (0.004, {"expect": "< 1%"}, Status.PASS, "is 0.004 (< 0.01)"),
        (0.02, {"expect": "< 1%"}, Status.FAIL, "is 0.02; expected < 0.01"),
        (0.01, {"max": 0.01}, Status.PASS, "is 0.01 (<= 0.01)"),
        (0.9995, {"min": "99.9%"}, Status.PASS, "is 0.9995 (>= 0.999)"),
        (0.998, {"min": "99.9%"}, Status.FAIL, "is 0.998; expected >= 0.999"),
        (212, {"max": 500, "unit": "ms"}, Status.PASS, "is 212 ms (<= 500 ms)"),
        (3, {"min": 1, "max": 2}, Status.FAIL, "is 3; expected <= 2 and >= 1"),
        (1, {"expect": "== 1"}, Status.PASS, "is 1 (== 1)"),
    ],
)
def test_instant_verdicts(
    prometheus: Prom,
    tmp_path: Path,
    value: float,
    condition: dict[str, Any],
    status: Status,
    message: str,
) -> None:
    name = gauge(prometheus, "kpi", value)
    out = run(tmp_path, {"url": prometheus.url, "query": f"sum({name})", **condition})
    assert (out.status, out.message) == (status, f"`sum({name})` {message}")
    assert out.evidence["samples"][0]["values"] == {"{}": value}
    assert out.evidence["mode"] == "instant" and "time" in out.evidence["window"]


def test_fail_names_the_series_that_miss_and_reports_the_worst(
    prometheus: Prom, tmp_path: Path
) -> None:
    name = prometheus.name("latency")
    for route, value in (("/a", 0.1), ("/b", 0.7), ("/c", 0.9)):
        prometheus.exporter.gauge(name, value, {"route": route})
    prometheus.wait(f"count({name})", lambda r: bool(r) and r[0]["value"][1] == "3")
    out = run(tmp_path, {"url": prometheus.url, "query": f"max by (route) ({name})", "max": 0.5})
    assert out.status is Status.FAIL
    assert out.message == f'`max by (route) ({name})` {{route="/c"}} is 0.9; expected <= 0.5'
    assert [f.message for f in out.findings] == [
        '{route="/b"} is 0.7; expected <= 0.5',
        '{route="/c"} is 0.9; expected <= 0.5',
    ]
    assert {f.rule for f in out.findings} == {"prometheus.condition"}
    assert out.measures == (Measure("value", 0.9, "", "lower", 0.5),)


@pytest.mark.parametrize(
    ("on_no_data", "status"),
    [("error", Status.ERROR), ("fail", Status.FAIL), ("pass", Status.PASS)],
)
def test_no_data_is_what_on_no_data_says(
    prometheus: Prom, tmp_path: Path, on_no_data: str, status: Status
) -> None:
    missing = prometheus.name("never_exported")
    params = {"url": prometheus.url, "query": f"sum({missing})", "max": 1}
    out = run(tmp_path, {**params, "on_no_data": on_no_data})
    why = (
        "no series matched (a misspelt metric or label, a target not scraped, or nothing "
        "in the window)"
    )
    expected = {
        "error": f"`sum({missing})` returned no data: {why}; set `on_no_data: fail` or "
        "`pass` if an empty answer is a verdict",
        "fail": f"`sum({missing})` returned no data ({why}); on_no_data: fail",
        "pass": f"`sum({missing})` returned no data ({why}); on_no_data: pass",
    }[on_no_data]
    assert (out.status, out.message) == (status, expected)
    assert out.measures == ()
    assert out.transient is (on_no_data != "error")


def test_error_is_the_default_for_no_data_and_nan(prometheus: Prom, tmp_path: Path) -> None:
    name = gauge(prometheus, "ratio", math.nan)
    out = run(tmp_path, {"url": prometheus.url, "query": f"sum({name})", "max": 1})
    assert out.status is Status.ERROR
    assert out.message.startswith(
        f"`sum({name})` returned no data: every value is NaN (a 0/0 ratio: no traffic in the "
        "window?)"
    )


def test_range_reductions(prometheus: Prom, tmp_path: Path) -> None:
    """A known history, minutes long: max and min are its extremes, last its newest point,
    avg and p95 what the server's own range answer gives for the window the check used."""
    name = prometheus.name("p95_seconds")
    now = time.time()
    values = [4.0, 1.0, 9.0, 3.0, 2.0, 8.0, 5.0, 6.0]
    points = [(now - 60 * (len(values) - i) + 30, v) for i, v in enumerate(values)]
    prometheus.exporter.history(name, points)
    prometheus.wait_points(name, len(values), "20m")
    base = {"url": prometheus.url, "query": f"sum({name})", "range": "15m", "step": "30s"}
    got = {}
    for how in ("max", "min", "last", "avg", "p95"):
        out = run(tmp_path, {**base, "reduce": how, "max": 100})
        assert out.status is Status.PASS, out.message
        [value] = out.evidence["samples"][0]["values"].values()
        got[how] = value
        assert out.evidence["mode"] == "range" and out.evidence["reduce"] == how
        assert out.evidence["window"]["step"] == "30s"
        assert out.message == f"`sum({name})` ({how} over 15m) is {value:g} (<= 100)"
    assert (got["max"], got["min"], got["last"]) == (9.0, 1.0, 6.0)
    seen = server_range(prometheus, f"sum({name})", out.evidence["window"])
    assert got["avg"] == pytest.approx(sum(seen) / len(seen), rel=1e-12)
    assert got["p95"] == sorted(seen)[math.ceil(0.95 * len(seen)) - 1]


def server_range(prom: Prom, query: str, window: dict[str, str]) -> list[float]:
    """The same range query asked of the server directly (the reference answer)."""
    from datetime import datetime

    def unix(stamp: str) -> str:
        return str(datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp())

    args = {"query": query, "start": unix(window["start"]), "end": unix(window["end"])}
    qs = urllib.parse.urlencode({**args, "step": window["step"]})
    with urllib.request.urlopen(f"{prom.url}/api/v1/query_range?{qs}", timeout=10) as resp:
        [series] = json.loads(resp.read())["data"]["result"]
    return [float(v) for _, v in series["values"]]


def test_range_reduce_fails_on_the_reduced_value(prometheus: Prom, tmp_path: Path) -> None:
    name = prometheus.name("errors")
    now = time.time()
    points = [(now - 240 + 60 * i, v) for i, v in enumerate((0.001, 0.03, 0.002))]
    prometheus.exporter.history(name, points)
    prometheus.wait_points(name, 3, "10m")
    params = {"url": prometheus.url, "query": f"sum({name})", "range": "10m", "expect": "< 1%"}
    worst = run(tmp_path, {**params, "reduce": "max"})
    assert (worst.status, worst.message) == (
        Status.FAIL,
        f"`sum({name})` (max over 10m) is 0.03; expected < 0.01",
    )
    assert run(tmp_path, {**params, "reduce": "last"}).status is Status.PASS


def test_sampling_stops_once_failure_limit_is_exceeded(prometheus: Prom, tmp_path: Path) -> None:
    name = gauge(prometheus, "err_rate", 0.05)
    params = {"url": prometheus.url, "query": f"sum({name})", "max": 0.01}
    sampled = {**params, "count": 4, "interval": "200ms", "failure_limit": 1}
    out = run(tmp_path, sampled)
    assert out.status is Status.FAIL
    assert out.message == (
        f"`sum({name})` is 0.05; expected <= 0.01 (2 of 2 sample(s) failed; failure_limit 1, "
        "count 4)"
    )
    assert (out.evidence["taken"], out.evidence["count"]) == (2, 4)
    ok = gauge(prometheus, "err_rate_ok", 0.001)
    out = run(tmp_path, {**sampled, "query": f"sum({ok})"})
    assert out.status is Status.PASS
    assert out.message.endswith("(0 of 4 sample(s) failed; failure_limit 1, count 4)")
    assert [s["failed"] for s in out.evidence["samples"]] == [False] * 4


def test_sampling_must_fit_the_timeout(prometheus: Prom, tmp_path: Path) -> None:
    params = {"url": prometheus.url, "query": "vector(1)", "max": 2, "count": 5, "interval": "1s"}
    out = run(tmp_path, params, timeout=3)
    assert out.status is Status.ERROR
    assert out.message == (
        "5 samples 1.0s apart take 4.0s, more than the check's timeout 3.0s; raise `timeout`"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        (
            "sum(",
            "`sum(`: Prometheus rejected the query (bad_data, HTTP 400): invalid parameter "
            '"query": 1:5: parse error: unclosed left parenthesis; fix the PromQL',
        ),
        (
            "up[5m]",
            "`up[5m]`: returns a range vector (as `metric[5m]` does); give the check `range:` "
            "and an instant-vector query, or wrap it in a function such as max_over_time()",
        ),
        ('"text"', '`"text"`: returns a string, not a number'),
    ],
)
def test_bad_queries_are_errors_that_name_the_query(
    prometheus: Prom, tmp_path: Path, query: str, message: str
) -> None:
    out = run(tmp_path, {"url": prometheus.url, "query": query, "max": 1})
    assert (out.status, out.message, out.transient) == (Status.ERROR, message, False)


def test_scalar_results_and_env_vars(prometheus: Prom, tmp_path: Path) -> None:
    name = gauge(prometheus, "uptime_ratio", 0.9999)
    env = {"PROM": prometheus.url, "METRIC": name}
    params = {"url": "${PROM}", "query": "scalar(sum(${METRIC}))", "min": "99.9%"}
    out = run(tmp_path, params, environ=env)
    # the message shows the query with variables redacted (it is shortened, so the probe
    # redacts first); the evidence holds it whole, for the engine to redact
    assert (out.status, out.message) == (Status.PASS, "`scalar(sum(***))` is 0.9999 (>= 0.999)")
    assert out.evidence["query"] == f"scalar(sum({name}))"
