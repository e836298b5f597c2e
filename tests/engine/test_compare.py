"""Thresholds relative to history: measures, the compare verdict, baselines from a real
store, plan errors, and two real `gonogo check` runs of coverage and junit checks."""

from __future__ import annotations

import json
import math
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gonogo.engine.compare import compared, measures_of, regression
from gonogo.errors import GonogoError
from gonogo.models import Baseline, Measure, NoBaseline, Outcome, Status
from gonogo.plan.loader import parse_plan
from gonogo.plan.schema import CompareSpec
from gonogo.probes.base import MeasureSpec
from gonogo.probes.bench import BenchParams
from gonogo.probes.registry import BUILTIN
from gonogo.store import open_store
from gonogo.store.baselines import HistoryBaselines
from repo_helpers import git, write
from store_helpers import make_report

RUN = "1a2b3c4d5e6f708192a3b4c5d6e7f809"
IN_RUN = "100 ms in run 1a2b3c4d (last_passing)"


def spec(**kw: Any) -> CompareSpec:
    return CompareSpec.model_validate({"max_regression": "10%", **kw})


def base(value: float, unit: str = "ms", better: str = "lower") -> Baseline:
    return Baseline(RUN, "2026-03-01T10:00:00Z", Status.PASS, (Measure("m", value, unit, better),))


def measured(value: float, *, status: Status = Status.PASS, limit: float | None = None, **kw: Any):
    m = Measure("m", value, kw.get("unit", "ms"), kw.get("better", "lower"), limit)
    return Outcome(status, "probe said so", {"k": 1}, measures=(m,))


@pytest.mark.parametrize(
    ("now", "then", "better", "status", "tail"),
    [
        (115, 100, "lower", Status.FAIL, None),
        (110, 100, "lower", Status.PASS, f"; m 10% worse than {IN_RUN}, within 10%"),
        (95, 100, "lower", Status.PASS, f"; m 5% better than {IN_RUN}"),
        (100, 100, "lower", Status.PASS, f"; m same as {IN_RUN}"),
        (88, 100, "higher", Status.FAIL, None),
        (91, 100, "higher", Status.PASS, f"; m 9% worse than {IN_RUN}, within 10%"),
    ],
)
def test_regression_verdicts(
    now: float, then: float, better: str, status: Status, tail: str | None
) -> None:
    out = compared(measured(now, better=better), spec(), base(then, better=better), "m")
    assert out.status is status
    if tail is not None:
        assert out.message == "probe said so" + tail
        assert out.findings == ()
    else:
        pct = round(abs(now - then) / then * 100, 2)
        text = (
            f"m {now:g} ms is {pct:g}% worse than 100 ms in run 1a2b3c4d (last_passing); "
            "at most 10% allowed"
        )
        assert out.message == f"{text}; probe said so"
        assert [(f.rule, f.message) for f in out.findings] == [("compare.regression", text)]
    assert out.evidence["compare"]["baseline"] == then
    assert out.evidence["compare"]["run_id"] == RUN


def test_a_failing_probe_stays_failed_and_gains_the_comparison() -> None:
    out = compared(measured(50, status=Status.FAIL), spec(), base(100), "m")
    assert out.status is Status.FAIL
    assert out.message == "probe said so; m 50% better than 100 ms in run 1a2b3c4d (last_passing)"


def test_from_zero_any_worsening_fails() -> None:
    out = compared(measured(0.001, unit=""), spec(), base(0.0, unit=""), "m")
    assert out.status is Status.FAIL
    assert out.message.startswith("m 0.001 is worse than 0 in run 1a2b3c4d (last_passing);")
    assert out.evidence["compare"]["regression"] is None
    assert regression(0.0, 0.0, "lower") == 0.0
    assert regression(5.0, 0.0, "higher") == -math.inf


def test_no_baseline_falls_back_to_the_absolute_threshold() -> None:
    out = compared(measured(120, limit=200), spec(), NoBaseline("nothing recorded yet"), "m")
    assert (out.status, out.message) == (
        Status.PASS,
        "probe said so; no baseline (nothing recorded yet): judged by its absolute threshold only",
    )
    assert out.evidence["compare"]["reason"] == "nothing recorded yet"


def test_no_baseline_and_no_threshold_is_an_error() -> None:
    out = compared(measured(120), spec(), None, "m")
    assert (out.status, out.transient) == (Status.ERROR, False)
    assert out.message == (
        "m 120 ms has no baseline to compare with (no history store to read) and the check sets "
        "no absolute threshold to fall back on: give it one, or compare `with: last` (the "
        "newest run that measured it)"
    )
    assert out.measures == measured(120).measures  # still recorded: a later `last` finds it


def test_errors_are_not_compared() -> None:
    out = Outcome(Status.ERROR, "could not run")
    assert compared(out, spec(), base(1), "m") is out


def test_measures_come_from_evidence_with_the_params_limit() -> None:
    specs = (MeasureSpec("p95_ms", "ms", limit="expect.p95_ms"), MeasureSpec("p50_ms", "ms"))
    params = BenchParams.model_validate({"run": ["true"], "expect": {"p95_ms": 300}})
    out = Outcome(Status.PASS, "ok", {"p95_ms": 212.5, "p50_ms": 101, "flag": True})
    assert measures_of(specs, params, out) == (
        Measure("p95_ms", 212.5, "ms", "lower", 300.0),
        Measure("p50_ms", 101.0, "ms", "lower", None),
    )
    assert measures_of(specs, params, Outcome(Status.ERROR, "x", {"p95_ms": 1})) == ()
    assert measures_of(specs, params, Outcome(Status.PASS, "x", {"p95_ms": "fast"})) == ()


def test_baselines_from_a_real_store(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path}/history.db")

    def record(status: Status, value: float | None, n: int) -> str:
        report = make_report({"api": status}, n=n)
        measures = () if value is None else (Measure("p95_ms", value, "ms"),)
        report = replace(report, checks=tuple(replace(c, measures=measures) for c in report.checks))
        store.record(report)
        return report.run_id

    first = record(Status.PASS, 100.0, 1)
    failing = record(Status.FAIL, 140.0, 2)
    record(Status.ERROR, None, 3)
    found = HistoryBaselines(store).lookup(
        "shop", [("api", "last_passing"), ("other", "last"), ("gone", f"run:{first[:8]}")]
    )
    then = (Measure("p95_ms", 100.0, "ms"),)
    assert found["api"] == Baseline(first, "2026-01-01T00:00:01Z", Status.PASS, then)
    assert found["other"] == NoBaseline("none of the last 3 run(s) measured other")
    assert found["gone"] == NoBaseline(f"run {first[:8]} has no check gone")
    last = HistoryBaselines(store).lookup("shop", [("api", "last")])["api"]
    assert isinstance(last, Baseline) and last.run_id == failing and last.status is Status.FAIL
    assert HistoryBaselines(store).lookup("other-project", [("api", "last")]) == {
        "api": NoBaseline("the history has no earlier run of project 'other-project'")
    }
    unknown = HistoryBaselines(store).lookup("shop", [("api", "run:ffff0000")])["api"]
    assert isinstance(unknown, NoBaseline) and unknown.reason.startswith("run ffff0000: ")
    store.close()


@pytest.mark.parametrize(
    ("check", "expected"),
    [
        (
            "{id: readme, kind: file.exists, path: README.md, compare: {max_regression: 5%}}",
            "gonogo.yaml:4:58: gates[0].checks[0].compare: check kind 'file.exists' reports no "
            "measure, so there is nothing to `compare` (`gonogo explain KIND` lists a kind's "
            "measures)",
        ),
        (
            "{id: b, kind: bench, run: [date], compare: {measure: p90_ms, max_regression: 5%}}",
            "gonogo.yaml:4:43: gates[0].checks[0].compare: check kind 'bench' reports no measure "
            "'p90_ms' (p95_ms, p50_ms, p99_ms)",
        ),
        (
            "{id: c, kind: coverage, file: c.xml, min_percent: 60, compare: {with: yesterday, "
            "max_regression: 1%}}",
            "`with: yesterday` is not a baseline: write last_passing, last or run:ID",
        ),
        (
            "{id: c, kind: coverage, file: c.xml, min_percent: 60, compare: {with: last}}",
            "gates[0].checks[0].compare.max_regression: required key is missing",
        ),
    ],
)
def test_compare_plan_errors(check: str, expected: str) -> None:
    text = f"gates:\n  - id: g\n    checks:\n      - {check}\n"
    with pytest.raises(GonogoError) as info:
        parse_plan(text, BUILTIN, source="gonogo.yaml")
    assert expected in str(info.value)


COVERAGE = '{{"totals": {{"num_statements": 200, "covered_lines": {covered}}}}}'
JUNIT = "<testsuite>{cases}</testsuite>"


def _junit(passed: int, failed: int) -> str:
    ok = "".join(f'<testcase classname="t" name="ok{i}"/>' for i in range(passed))
    bad = "".join(
        f'<testcase classname="t" name="bad{i}"><failure message="no"/></testcase>'
        for i in range(failed)
    )
    return JUNIT.format(cases=ok + bad)


PLAN = """\
project: relative
gates:
  - id: quality
    checks:
      - {id: cov, kind: coverage, file: coverage.json, min_percent: 50,
         compare: {with: last_passing, max_regression: 10%}}
      - {id: tests, kind: junit, files: junit.xml, min_pass_rate: 80,
         compare: {with: last, max_regression: 5%}}
"""


def test_two_real_runs_compare_with_the_history(make_repo, cli) -> None:
    root = make_repo(
        {
            "gonogo.yaml": PLAN,
            "coverage.json": COVERAGE.format(covered=160),
            "junit.xml": _junit(19, 1),
        }
    )
    first = cli("check", str(root), "--format", "json")
    assert first.code == 0, first.stderr
    checks = {c["id"]: c for c in json.loads(first.stdout)["checks"]}
    assert checks["cov"]["message"] == (
        "coverage.json: line coverage 80% ≥ 50%; no baseline (the history has no earlier run "
        "of project 'relative'): judged by its absolute threshold only"
    )
    assert checks["cov"]["measures"] == [
        {"name": "percent", "value": 80.0, "unit": "%", "better": "higher", "limit": 50.0}
    ]
    first_id = json.loads(first.stdout)["run_id"]
    write(root, {"coverage.json": COVERAGE.format(covered=140), "junit.xml": _junit(17, 3)})
    git(root, "commit", "-qam", "less coverage, more failures")
    second = cli("check", str(root), "--format", "json")
    assert second.code == 1, second.stderr
    checks = {c["id"]: c for c in json.loads(second.stdout)["checks"]}
    assert checks["cov"]["status"] == "fail"
    assert checks["cov"]["message"] == (
        f"percent 70% is 12.5% worse than 80% in run {first_id[:8]} (last_passing); at most 10% "
        "allowed; coverage.json: line coverage 70% ≥ 50%"
    )
    assert checks["cov"]["findings"][0]["rule"] == "compare.regression"
    assert checks["tests"]["status"] == "fail"
    assert checks["tests"]["message"].startswith(
        f"pass_rate 85% is 10.53% worse than 95% in run {first_id[:8]} (last); at most 5% allowed"
    )
    assert checks["tests"]["evidence"]["compare"]["regression"] == pytest.approx(10 / 95, abs=1e-6)
