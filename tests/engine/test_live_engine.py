"""Live checks through the engine: one dead Prometheus is one error, rejected queries are
neither retried nor held against the server, values are judged against the history
(real Prometheus, real SQLite store), and ${VAR} values stay out of the report."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

import prom_helpers
from gonogo.engine.compare import Found
from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.models import Baseline, GitInfo, Measure, RunReport, Status
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN
from gonogo.store import open_store
from gonogo.store.baselines import HistoryBaselines
from httpserver import Blackhole, serve
from prom_helpers import Prom

prometheus = prom_helpers.prometheus


def run(
    text: str,
    root: Path,
    *,
    baselines: object | None = None,
    environ: dict[str, str] | None = None,
    jobs: int = 4,
) -> RunReport:
    plan = parse_plan(text, BUILTIN, source="plan.yaml")
    opts = RunOptions(jobs=jobs, environ=environ or {}, git=GitInfo(), baselines=baselines)
    return asyncio.run(run_plan(plan, root, BUILTIN, opts))


def plan_of(checks: list[str], defaults: str = "{timeout: 5s}") -> str:
    lines = "\n".join(f"      - {c}" for c in checks)
    return f"project: live\ndefaults: {defaults}\ngates:\n  - id: live\n    checks:\n{lines}\n"


def test_one_dead_prometheus_is_one_error_not_n_timeouts(tmp_path: Path) -> None:
    with Blackhole() as hole:
        url = f"http://127.0.0.1:{hole.port}"
        checks = [
            f"{{id: q{i}, kind: prometheus, url: '{url}', query: up, max: 1}}" for i in range(5)
        ]
        defaults = "{timeout: 1s, retries: 0, breaker: {threshold: 2, cooldown: 10m}}"
        report = run(plan_of(checks, defaults), tmp_path, jobs=1)
    timeout = (
        f"Prometheus {url}: no answer within 1.0s (timeout); the service is hung, overloaded "
        "or firewalled: check it, or raise the check's `timeout`"
    )
    assert [(c.status, c.message) for c in report.checks] == [
        (Status.ERROR, timeout),
        (Status.ERROR, timeout),
        (Status.ERROR, "circuit open"),
        (Status.ERROR, "circuit open"),
        (Status.ERROR, "circuit open"),
    ]
    assert report.checks[2].evidence == {
        "target": f"http://127.0.0.1:{hole.port}",
        "circuit": "open",
    }


@pytest.mark.services
def test_rejected_queries_are_not_retried_and_keep_the_circuit_closed(
    prometheus: Prom, tmp_path: Path
) -> None:
    url = prometheus.url
    bad = [
        f"{{id: bad{i}, kind: prometheus, url: '{url}', query: 'sum(', max: 1}}" for i in range(3)
    ]
    good = f"{{id: good, kind: prometheus, url: '{url}', query: 'vector(1)', max: 1}}"
    defaults = "{timeout: 5s, retries: 2, backoff: 10ms, breaker: {threshold: 2}}"
    report = run(plan_of([*bad, good], defaults), tmp_path, jobs=1)
    assert [(c.check_id, c.status, c.attempts) for c in report.checks] == [
        ("bad0", Status.ERROR, 1),
        ("bad1", Status.ERROR, 1),
        ("bad2", Status.ERROR, 1),
        ("good", Status.PASS, 1),
    ]
    assert report.check("good").message == "`vector(1)` is 1 (<= 1)"


@pytest.mark.services
def test_prometheus_values_relative_to_history(prometheus: Prom, tmp_path: Path) -> None:
    name = prometheus.name("p95_seconds")
    url = prometheus.url
    common = f"kind: prometheus, url: '{url}', query: 'sum({name})', max: 0.5, unit: s"
    text = plan_of(
        [
            f"{{id: lp, {common}, compare: {{with: last_passing, max_regression: 10%}}}}",
            f"{{id: ls, {common}, compare: {{with: last, max_regression: 10%}}}}",
        ]
    )
    store = open_store(f"sqlite:///{tmp_path}/history.db")
    shown = f"`sum({name})`"

    def check(value: float) -> RunReport:
        prometheus.exporter.gauge(name, value)
        prometheus.wait_value(f"sum({name})", value)
        report = run(text, tmp_path, baselines=HistoryBaselines(store))
        store.record(report)
        return report

    first = check(0.2)
    assert first.check("lp").message == (
        f"{shown} is 0.2 s (<= 0.5 s); no baseline (the history has no earlier run of project "
        "'live'): judged by its absolute threshold only"
    )
    second = check(0.23)
    for cid, ref in (("lp", "last_passing"), ("ls", "last")):
        result = second.check(cid)
        assert result is not None and result.status is Status.FAIL
        assert result.message == (
            f"value 0.23 s is 15% worse than 0.2 s in run {first.run_id[:8]} ({ref}); at most "
            f"10% allowed; {shown} is 0.23 s (<= 0.5 s)"
        )
        assert result.measures == (Measure("value", 0.23, "s", "lower", 0.5),)
    third = check(0.21)
    assert [(c.check_id, c.status, c.message) for c in third.checks] == [
        (
            "lp",
            Status.PASS,
            f"{shown} is 0.21 s (<= 0.5 s); value 5% worse than 0.2 s in run "
            f"{first.run_id[:8]} (last_passing), within 10%",
        ),
        (
            "ls",
            Status.PASS,
            f"{shown} is 0.21 s (<= 0.5 s); value 8.7% better than 0.23 s in run "
            f"{second.run_id[:8]} (last)",
        ),
    ]
    assert third.check("lp").evidence["compare"] == {
        "with": "last_passing",
        "measure": "value",
        "value": 0.21,
        "baseline": 0.2,
        "run_id": first.run_id,
        "started_at": first.started_at,
        "regression": 0.05,
        "max_regression": 0.1,
    }
    store.close()


@pytest.mark.services
def test_variables_stay_out_of_the_report(prometheus: Prom, tmp_path: Path) -> None:
    name = prometheus.name("secret_metric")
    prometheus.exporter.gauge(name, 0.5)
    prometheus.wait_value(f"sum({name})", 0.5)
    check = "{id: q, kind: prometheus, url: '${PROM}', query: 'sum(${METRIC})', max: 1}"
    report = run(plan_of([check]), tmp_path, environ={"PROM": prometheus.url, "METRIC": name})
    [result] = report.checks
    assert (result.status, result.message) == (Status.PASS, "`sum(***)` is 0.5 (<= 1)")
    assert result.evidence["url"] == "***" and result.evidence["query"] == "sum(***)"
    assert name not in str(result.to_dict())


class FixedBaselines:
    """A BaselineReader with one recorded run for every check."""

    def __init__(self, *measures: Measure) -> None:
        self.measures = measures

    def lookup(self, project: str, wanted: Sequence[tuple[str, str]]) -> Mapping[str, Found]:
        run = Baseline("feedc0de" * 4, "2026-05-01T00:00:00Z", Status.PASS, self.measures)
        return {cid: run for cid, _ in wanted}


def test_load_error_rate_relative_to_history(tmp_path: Path) -> None:
    with serve() as server:
        checks = [
            f"{{id: ok, kind: load, url: '{server.url('/ok')}', requests: 20, concurrency: 2, "
            "compare: {measure: error_rate, max_regression: 0%}}",
            f"{{id: broken, kind: load, url: '{server.url('/500')}', requests: 20, "
            "concurrency: 2, compare: {measure: error_rate, max_regression: 0%}}",
        ]
        report = run(
            plan_of(checks), tmp_path, baselines=FixedBaselines(Measure("error_rate", 0.0))
        )
    ok, broken = report.checks
    assert ok.status is Status.PASS
    assert ok.message.endswith("; error_rate same as 0 in run feedc0de (last_passing)")
    assert broken.status is Status.FAIL
    assert broken.message.startswith(
        "error_rate 1 is worse than 0 in run feedc0de (last_passing); at most 0% allowed; "
    )


def test_bench_without_history_or_threshold_is_an_error(tmp_path: Path) -> None:
    check = (
        "{id: b, kind: bench, run: [python3, -c, pass], repeat: 2, compare: {max_regression: 20%}}"
    )
    [result] = run(plan_of([check]), tmp_path, baselines=None).checks
    assert result.status is Status.ERROR
    assert result.message.startswith("p95_ms ")
    assert result.message.endswith(
        "has no baseline to compare with (no history store to read) and the check sets no "
        "absolute threshold to fall back on: give it one, or compare `with: last` (the newest "
        "run that measured it)"
    )
    assert [m.name for m in result.measures] == ["p95_ms", "p50_ms", "p99_ms"]
