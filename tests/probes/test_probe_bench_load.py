"""The `bench` and `load` probes against the real local HTTP server and real commands."""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gonogo.fs.index import FileIndex
from gonogo.models import Outcome, Status
from gonogo.probes import bench, load, netcommon
from gonogo.probes.base import Context, Probe
from httpserver import Served, closed_port, serve


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve() as s:
        yield s


def run(
    tmp_path: Path,
    probe: Probe[Any],
    params: dict[str, Any],
    timeout: float = 20.0,
    environ: dict[str, str] | None = None,
) -> Outcome:
    ctx = Context(tmp_path, FileIndex(tmp_path), environ or dict(os.environ), timeout, "b")
    return asyncio.run(probe.run(probe.params.model_validate(params), ctx))


def test_percentiles_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert [netcommon.percentile(values, q) for q in (50, 95, 99, 100)] == [50, 95, 99, 100]
    assert netcommon.summary_ms([0.002]) == {
        "min_ms": 2.0,
        "p50_ms": 2.0,
        "p95_ms": 2.0,
        "p99_ms": 2.0,
        "max_ms": 2.0,
    }


def test_bench_url_reports_percentiles(server: Served, tmp_path: Path) -> None:
    out = run(
        tmp_path,
        bench.PROBE,
        {"url": server.url("/ok"), "repeat": 15, "warmup": 2, "expect": {"p95_ms": 5000}},
    )
    assert out.status is Status.PASS, out.message
    assert out.evidence["repeat"] == 15
    assert out.evidence["min_ms"] <= out.evidence["p50_ms"] <= out.evidence["max_ms"]


def test_bench_url_over_target_fails(server: Served, tmp_path: Path) -> None:
    out = run(
        tmp_path,
        bench.PROBE,
        {"url": server.url("/slow?ms=60"), "repeat": 3, "warmup": 0, "expect": {"p50_ms": 20}},
    )
    assert out.status is Status.FAIL
    assert "p50" in out.message
    assert "> 20 ms" in out.message


def test_bench_url_error_status_fails(server: Served, tmp_path: Path) -> None:
    out = run(tmp_path, bench.PROBE, {"url": server.url("/500"), "repeat": 3})
    assert out.status is Status.FAIL
    assert "returned 500 on run 1" in out.message


def test_bench_command(tmp_path: Path) -> None:
    out = run(
        tmp_path, bench.PROBE, {"run": [sys.executable, "-c", "pass"], "repeat": 3, "warmup": 0}
    )
    assert out.status is Status.PASS, out.message
    bad = run(tmp_path, bench.PROBE, {"run": [sys.executable, "-c", "raise SystemExit(3)"]})
    assert bad.status is Status.FAIL
    assert "exited 3 on run 1" in bad.message


def test_bench_out_of_time_is_an_error(server: Served, tmp_path: Path) -> None:
    out = run(
        tmp_path,
        bench.PROBE,
        {"url": server.url("/slow?ms=200"), "repeat": 50, "warmup": 0},
        timeout=1.0,
    )
    assert out.status is Status.ERROR
    assert "timed runs finished within 1s" in out.message


def test_bench_needs_one_subject() -> None:
    with pytest.raises(ValueError, match="exactly one"):
        bench.BenchParams.model_validate({"run": ["true"], "url": "http://127.0.0.1/"})


def test_load_counts_requests_and_samples_a_process(server: Served, tmp_path: Path) -> None:
    out = run(
        tmp_path,
        load.PROBE,
        {
            "url": server.url("/ok"),
            "concurrency": 4,
            "requests": 60,
            "pid": os.getpid(),
            "expect": {"error_rate": "0%", "p95_ms": 5000},
        },
    )
    assert out.status is Status.PASS, out.message
    ev = out.evidence
    assert ev["requests"] == 60
    assert ev["errors"] == 0
    assert ev["rps"] > 0
    assert ev["statuses"] == {"200": 60}
    proc = ev["process"]
    assert proc["pid"] == os.getpid()
    assert proc["fds_before"] > 0
    assert "rss_kb_growth" in proc
    assert "fd_growth" in proc


def test_load_error_rate(server: Served, tmp_path: Path) -> None:
    out = run(
        tmp_path,
        load.PROBE,
        {
            "url": server.url("/flaky?key=load-test&fail=10"),
            "concurrency": 2,
            "requests": 40,
            "expect": {"error_rate": 0.1},
        },
    )
    assert out.status is Status.FAIL
    assert out.evidence["errors"] == 10
    assert "error rate 25.00% > 10.00%" in out.message


def test_load_for_a_duration(server: Served, tmp_path: Path) -> None:
    out = run(
        tmp_path, load.PROBE, {"url": server.url("/ok"), "concurrency": 2, "duration": "300ms"}
    )
    assert out.status is Status.PASS
    assert 0.25 < out.evidence["wall_s"] < 3


def test_load_against_a_dead_port_is_an_error(tmp_path: Path) -> None:
    out = run(
        tmp_path,
        load.PROBE,
        {"url": f"http://127.0.0.1:{closed_port()}/", "requests": 5, "concurrency": 1},
    )
    assert out.status is Status.ERROR
    assert "connection refused" in out.message


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"url": "https://example.com/"}, "load refuses host 'example.com'"),
        ({"url": "http://127.0.0.1/", "requests": 10, "duration": "1s"}, "not both"),
        ({"url": "http://127.0.0.1/", "requests": 10_000_000}, "less than or equal"),
        ({"url": "http://127.0.0.1/", "concurrency": 5000}, "less than or equal"),
        ({"url": "http://stage.shop.test/", "allow_hosts": ["${H}"]}, "literal"),
    ],
)
def test_load_refusals_at_plan_load(params: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        load.LoadParams.model_validate(params)


def test_allowed_host_and_expanded_url_check(tmp_path: Path) -> None:
    load.LoadParams.model_validate(
        {"url": "http://stage.shop.test/", "allow_hosts": ["stage.shop.test"]}
    )
    out = run(
        tmp_path,
        load.PROBE,
        {"url": "${TARGET_URL}"},
        environ={"TARGET_URL": "https://example.com/"},
    )
    assert out.status is Status.ERROR
    assert "load refuses host 'example.com'" in out.message
