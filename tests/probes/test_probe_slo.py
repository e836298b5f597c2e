"""The `slo` probe against a real Prometheus holding a known 40-minute request history.

The history has one point every 2 minutes, at ages 1, 3, ..., 39 minutes: 100 requests
each, 20 of them errors in the two newest points. Every window boundary is a minute away
from the nearest point, so the counts below hold while the test runs:

| window | points | errors / total | error ratio | burn rate at 95% (allows 0.05) |
|---|---|---|---|---|
| 4m  | 2  | 40 / 200  | 0.2  | 4   |
| 20m | 10 | 40 / 1000 | 0.04 | 0.8 |
| 40m | 20 | 40 / 2000 | 0.02 | 0.4 → 60% of the budget left |
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

import prom_helpers
from gonogo.fs.index import FileIndex
from gonogo.models import Measure, Outcome, Status
from gonogo.probes.base import Context
from gonogo.probes.slo import PROBE, SloParams
from prom_helpers import Prom

pytestmark = pytest.mark.services
prometheus = prom_helpers.prometheus


@dataclass(frozen=True)
class History:
    errors: str
    good: str
    total: str


FRESH_S = 40.0  # each window boundary is 60 s from the nearest point: use a history this young


def _make_history(prom: Prom) -> tuple[float, History]:
    names = History(prom.name("errors"), prom.name("good"), prom.name("total"))
    now = time.time()
    ages = [60 * (39 - 2 * i) for i in range(20)]  # oldest first
    errors = [20.0 if age <= 180 else 0.0 for age in ages]
    prom.exporter.history(names.errors, [(now - a, e) for a, e in zip(ages, errors, strict=True)])
    prom.exporter.history(
        names.good, [(now - a, 100 - e) for a, e in zip(ages, errors, strict=True)]
    )
    prom.exporter.history(names.total, [(now - a, 100.0) for a in ages])
    for name in (names.errors, names.good, names.total):
        prom.wait_points(name, 20)
    return now, names


@pytest.fixture(scope="module")
def _histories() -> list[tuple[float, History]]:
    return []


@pytest.fixture
def history(prometheus: Prom, _histories: list[tuple[float, History]]) -> History:
    """The module's history, made again when it is too old for its windows (xdist may run
    this module's tests minutes apart)."""
    if not _histories or time.time() - _histories[-1][0] > FRESH_S:
        _histories.append(_make_history(prometheus))
    return _histories[-1][1]


def run(root: Path, params: dict[str, Any]) -> Outcome:
    ctx = Context(root, FileIndex(root), {}, 10.0, "slo")
    return asyncio.run(PROBE.run(SloParams.model_validate(params), ctx))


def over(name: str) -> str:
    return f"sum(sum_over_time({name}[$window]))"


def good_total(prom: Prom, h: History, **extra: Any) -> dict[str, Any]:
    return {
        "url": prom.url,
        "objective": "95%",
        "window": "40m",
        "good": over(h.good),
        "total": over(h.total),
        **extra,
    }


def test_a_short_burst_alone_does_not_trip_a_multi_window_rule(
    prometheus: Prom, history: History, tmp_path: Path
) -> None:
    out = run(
        tmp_path, good_total(prometheus, history, burn_rates=[{"windows": ["20m", "4m"], "max": 2}])
    )
    assert (out.status, out.message) == (
        Status.PASS,
        "SLO 95% over 40m: 60% of the error budget left; burn rate 0.8× over 20m, 4× over 4m "
        "(max 2×)",
    )
    assert out.evidence["error_ratio"] == {"4m": 0.2, "20m": 0.04, "40m": 0.02}
    assert out.evidence["burn_rate"] == {"4m": 4.0, "20m": 0.8, "40m": 0.4}
    assert out.evidence["rules"] == [{"windows": ["20m", "4m"], "max": 2.0, "tripped": False}]
    assert out.measures == (Measure("budget_left", 60.0, "%", "higher", 0.0),)


def test_burning_over_every_window_of_a_rule_fails(
    prometheus: Prom, history: History, tmp_path: Path
) -> None:
    rules = [{"windows": ["20m", "4m"], "max": 0.5}, {"windows": ["40m"], "max": 1}]
    out = run(tmp_path, good_total(prometheus, history, burn_rates=rules))
    assert out.status is Status.FAIL
    burning = (
        "burning 0.8× over 20m and 4× over 4m, above 0.5×; at 0.8× the budget left lasts 30m00s"
    )
    assert out.message == f"SLO 95% over 40m: {burning}; 60% of the error budget left"
    assert [(f.rule, f.message) for f in out.findings] == [
        ("slo.burn-rate", f"SLO 95% over 40m: {burning}")
    ]
    assert [r["tripped"] for r in out.evidence["rules"]] == [True, False]


def test_too_little_budget_left_fails(prometheus: Prom, history: History, tmp_path: Path) -> None:
    params = good_total(prometheus, history, burn_rates=[{"windows": ["4m"], "max": 10}])
    out = run(tmp_path, {**params, "min_budget_left": "70%"})
    assert (out.status, out.message) == (
        Status.FAIL,
        "SLO 95% over 40m: 60% of the error budget left, below the 70% minimum",
    )
    assert [f.rule for f in out.findings] == ["slo.budget"]


def test_an_error_ratio_query_gives_the_same_answer(
    prometheus: Prom, history: History, tmp_path: Path
) -> None:
    ratio = f"{over(history.errors)} / {over(history.total)}"
    params = {
        "url": prometheus.url,
        "objective": 0.95,
        "window": "40m",
        "error_ratio": ratio,
        "burn_rates": [{"windows": ["20m", "4m"], "max": 2}],
    }
    out = run(tmp_path, params)
    assert out.status is Status.PASS
    assert out.message.startswith("SLO 95% over 40m: 60% of the error budget left;")


def test_a_budget_already_spent(prometheus: Prom, history: History, tmp_path: Path) -> None:
    params = good_total(
        prometheus, history, objective="99%", burn_rates=[{"windows": ["20m"], "max": 3}]
    )
    out = run(tmp_path, params)
    assert out.status is Status.FAIL
    assert out.message == (
        "SLO 99% over 40m: burning 4× over 20m, above 3×; the budget is spent; -100% of the "
        "error budget left, below the 0% minimum"
    )
    assert [f.rule for f in out.findings] == ["slo.burn-rate", "slo.budget"]


def test_no_data_is_an_error_by_default(prometheus: Prom, history: History, tmp_path: Path) -> None:
    missing = prometheus.name("never_exported")
    params = good_total(
        prometheus, history, total=over(missing), burn_rates=[{"windows": ["4m"], "max": 2}]
    )
    out = run(tmp_path, params)
    assert (out.status, out.transient) == (Status.ERROR, False)
    assert out.message == (
        "SLO query returned no data: total over 4m, total over 40m; set `on_no_data: fail` or "
        "`pass` if no traffic is a verdict"
    )
    failed = run(tmp_path, {**params, "on_no_data": "fail"})
    assert (failed.status, failed.findings[0].rule) == (Status.FAIL, "slo.no-data")


def test_a_query_with_many_series_must_be_aggregated(
    prometheus: Prom, history: History, tmp_path: Path
) -> None:
    params = good_total(
        prometheus,
        history,
        good=f"sum_over_time({history.good}[$window]) or vector(1)",
    )
    out = run(tmp_path, params)
    assert out.status is Status.ERROR
    assert "the `good` query returns 2 series over " in out.message
    assert out.message.endswith("; aggregate it to one, e.g. with sum(...)")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"objective": "100%", "error_ratio": "x[$window]"},
            "objective 1 is not between 0 and 100%",
        ),
        ({"objective": "99%", "good": "g[$window]"}, "`good` and `total` go together"),
        ({"objective": "99%"}, "give `good` and `total` queries, or one `error_ratio` query"),
        (
            {"objective": "99%", "error_ratio": "x[5m]"},
            "the `error_ratio` query has no $window: every window would read the same value",
        ),
    ],
)
def test_params_errors(params: dict[str, Any], expected: str) -> None:
    with pytest.raises(ValidationError) as info:
        SloParams.model_validate({"url": "http://127.0.0.1:9090", **params})
    assert expected in str(info.value)
