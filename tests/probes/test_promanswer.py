"""Reading Prometheus's JSON answers, and the pure parts of the prometheus verdict."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest

from gonogo.probes import promjudge as pj
from gonogo.probes.promanswer import QueryFailed, decode
from gonogo.probes.promclient import prom_duration


def ok(kind: str, result: Any, **extra: Any) -> bytes:
    return json.dumps(
        {"status": "success", "data": {"resultType": kind, "result": result}, **extra}
    ).encode()


def test_vectors_matrices_scalars_and_special_values() -> None:
    vector = [
        {"metric": {"__name__": "up", "job": "api"}, "value": [10.5, "1"]},
        {"metric": {"job": "db"}, "value": [10.5, "NaN"]},
        {"metric": {"job": "inf"}, "value": [10.5, "+Inf"]},
    ]
    answer = decode(ok("vector", vector, warnings=["w1"]), 200, "P", "/q", instant=True)
    assert (answer.series[0].name, answer.series[0].points[0][1]) == ('up{job="api"}', 1.0)
    assert math.isnan(answer.series[1].points[0][1]) and answer.series[1].name == '{job="db"}'
    assert answer.series[2].points[0][1] == math.inf
    assert answer.warnings == ("w1",)
    scalar = decode(ok("scalar", [3.0, "0.25"]), 200, "P", "/q", instant=True)
    assert [(s.name, s.points) for s in scalar.series] == [("{}", ((3.0, 0.25),))]
    matrix = decode(
        ok("matrix", [{"metric": {}, "values": [[1, "2"], [2, "3"]]}]),
        200,
        "P",
        "/r",
        instant=False,
    )
    assert matrix.series[0].points == ((1.0, 2.0), (2.0, 3.0))
    histogram_only = decode(
        ok("vector", [{"metric": {}, "histogram": [1, {}]}]), 200, "P", "/q", instant=True
    )
    assert (histogram_only.series, histogram_only.skipped) == ((), 1)


@pytest.mark.parametrize(
    ("body", "status", "message", "transient"),
    [
        (
            b'{"status":"error","errorType":"bad_data","error":"parse error"}',
            400,
            "Prometheus rejected the query (bad_data, HTTP 400): parse error; fix the PromQL",
            False,
        ),
        (
            b'{"status":"error","errorType":"execution","error":"many-to-many"}',
            422,
            "Prometheus rejected the query (execution, HTTP 422): many-to-many; fix the PromQL",
            False,
        ),
        (
            b'{"status":"error","errorType":"unavailable","error":"shutting down"}',
            503,
            "Prometheus could not answer (unavailable, HTTP 503): shutting down",
            True,
        ),
        (
            b"not json",
            200,
            "P/q answered 200 with a body that is not JSON, not Prometheus's",
            False,
        ),
    ],
)
def test_failures(body: bytes, status: int, message: str, transient: bool) -> None:
    with pytest.raises(QueryFailed) as info:
        decode(body, status, "P", "/q", instant=True)
    assert info.value.message.startswith(message)
    assert info.value.transient is transient


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("< 0.01", ("<", 0.01)),
        ("<= 1%", ("<=", 0.01)),
        (">=99.9%", (">=", 0.999)),
        ("== 1", ("==", 1.0)),
    ],
)
def test_conditions(text: str, parsed: tuple[str, float]) -> None:
    op, bound = pj.parse_condition(text)
    assert op == parsed[0]
    assert bound == pytest.approx(parsed[1])


@pytest.mark.parametrize("text", ["0.01", "<", "=< 1", "< fast", "< NaN"])
def test_bad_conditions(text: str) -> None:
    with pytest.raises(ValueError, match=r"not a condition|compares with NaN"):
        pj.parse_condition(text)


@pytest.mark.parametrize(
    ("how", "value"),
    [("max", 9.0), ("min", 1.0), ("avg", 4.5), ("last", 2.0), ("p95", 9.0)],
)
def test_reductions_leave_nan_out(how: str, value: float) -> None:
    assert pj.reduce_values([4.0, math.nan, 1.0, 9.0, 6.0, 5.0, 2.0], how) == pytest.approx(value)
    assert pj.reduce_values([math.nan], how) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(2592000, "30d"), (3600, "1h"), (300, "5m"), (90, "90s"), (0.25, "250ms"), (5400, "90m")],
)
def test_durations_in_prometheus_syntax(seconds: float, text: str) -> None:
    assert prom_duration(seconds) == text


def test_direction_from_conditions() -> None:
    assert pj.direction((("<", 1.0), ("<=", 2.0))) == "lower"
    assert pj.direction(((">=", 1.0),)) == "higher"
    assert pj.direction((("<=", 1.0), (">=", 0.0))) is None
