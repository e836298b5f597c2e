"""The `prometheus` probe's verdict: conditions, reductions and samples, as pure functions.

`sample` turns one query answer into a `Sample` (one value per series, the ones that
miss the conditions, or why there is nothing to judge); `judge` turns the samples
taken into an outcome with evidence, findings and a measure for `compare`.
"""

from __future__ import annotations

import datetime as dt
import math
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gonogo.models import Finding, Measure, Outcome, Status
from gonogo.probes import netcommon as net
from gonogo.probes import promanswer as pa
from gonogo.probes import promclient as prom

Condition = tuple[str, float]
OPS: dict[str, Callable[[float, float], bool]] = {
    "<=": operator.le,
    ">=": operator.ge,
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    ">": operator.gt,
}
_CONDITION = re.compile(r"^\s*(<=|>=|==|!=|<|>)\s*(\S+?)\s*(%?)\s*$")
_SHOWN = 10


def parse_condition(text: str) -> Condition:
    """`"< 0.01"` → ("<", 0.01); `"<= 1%"` → ("<=", 0.01). ValueError when malformed."""
    match = _CONDITION.match(text)
    try:
        if match is None:
            raise ValueError
        bound = float(match.group(2)) / (100 if match.group(3) else 1)
    except ValueError:
        raise ValueError(
            f"{text!r} is not a condition: write an operator and a number, e.g. '< 0.01', "
            "'>= 99.9%', '== 1'"
        ) from None
    if math.isnan(bound):
        raise ValueError(f"{text!r} compares with NaN, which nothing equals")
    return match.group(1), bound


@dataclass(frozen=True, slots=True)
class Rules:
    """What the samples are judged by (from the check's params)."""

    conds: tuple[Condition, ...]
    unit: str = ""
    reduce: str | None = None
    range_s: float | None = None
    count: int = 1
    failure_limit: int = 0
    on_no_data: str = "error"

    def failing(self, s: Sample) -> bool:
        return bool(s.bad) or (bool(s.nodata) and self.on_no_data == "fail")

    def settled(self, samples: list[Sample]) -> bool:
        """True when more samples cannot change the verdict."""
        if samples and samples[-1].nodata and self.on_no_data == "error":
            return True
        return sum(self.failing(s) for s in samples) > self.failure_limit


@dataclass(frozen=True, slots=True)
class Sample:
    at: float
    values: dict[str, float]  # series name → its (reduced) value
    bad: dict[str, float]  # the series that miss a condition
    nodata: str  # why there is nothing to judge, or ""
    window: dict[str, Any]


def reduce_values(values: list[float], how: str) -> float | None:
    """One number for a series: NaN points are left out; None when nothing is left."""
    xs = [v for v in values if not math.isnan(v)]
    if not xs:
        return None
    if how == "max":
        return max(xs)
    if how == "min":
        return min(xs)
    if how == "avg":
        return sum(xs) / len(xs)
    if how == "p95":
        return net.percentile(sorted(xs), 95)
    return xs[-1]


def direction(conds: tuple[Condition, ...]) -> str | None:
    """ "lower" when only upper bounds are set, "higher" for only lower bounds, else None."""
    ops = {op for op, _ in conds}
    if ops <= {"<", "<="}:
        return "lower"
    if ops <= {">", ">="}:
        return "higher"
    return None


def sample(answer: pa.Answer, rules: Rules, at: float, window: dict[str, Any]) -> Sample:
    values = {}
    for s in answer.series:
        value = reduce_values([v for _, v in s.points], rules.reduce or "last")
        if value is not None:
            values[s.name] = value
    bad = {k: v for k, v in values.items() if not all(OPS[op](v, b) for op, b in rules.conds)}
    return Sample(at, values, bad, "" if values else _why_empty(answer), window)


def _why_empty(answer: pa.Answer) -> str:
    if answer.series:
        return "every value is NaN (a 0/0 ratio: no traffic in the window?)"
    if answer.skipped:
        return "only native histograms, which have no single value; use histogram_quantile()"
    return (
        "no series matched (a misspelt metric or label, a target not scraped, or nothing "
        "in the window)"
    )


def iso(unix: float) -> str:
    stamp = dt.datetime.fromtimestamp(unix, dt.UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def judge(rules: Rules, query: str, samples: list[Sample], base: dict[str, Any]) -> Outcome:
    want = " and ".join(f"{op} {prom.number(b, rules.unit)}" for op, b in rules.conds)
    what = f"`{short(query)}`"
    if rules.range_s is not None:
        what += f" ({rules.reduce} over {prom.prom_duration(rules.range_s)})"
    evidence = {**base, **_evidence(rules, samples, want)}
    empty = next((s for s in samples if s.nodata), None)
    if empty is not None and rules.on_no_data == "error":
        message = (
            f"{what} returned no data: {empty.nodata}; set `on_no_data: fail` or `pass` "
            "if an empty answer is a verdict"
        )
        return Outcome(Status.ERROR, message, evidence, transient=False)
    better = direction(rules.conds)
    measures = _measures(samples, better, rules)
    failing = [s for s in samples if rules.failing(s)]
    tally = _tally(rules, samples, failing)
    if len(failing) > rules.failure_limit:
        text, findings = _failure(failing[0], what, want, better, rules.unit)
        return Outcome(Status.FAIL, text + tally, evidence, findings, measures)
    values = {k: v for s in samples for k, v in s.values.items()}
    if not values:
        text = f"{what} returned no data ({samples[-1].nodata}); on_no_data: pass"
        return Outcome(Status.PASS, text + tally, evidence)
    name, value = _worst(values, better)
    text = f"{what}{_label(name)} is {prom.number(value, rules.unit)} ({want})"
    return Outcome(Status.PASS, text + tally, evidence, measures=measures)


def _failure(
    first: Sample, what: str, want: str, better: str | None, unit: str
) -> tuple[str, tuple[Finding, ...]]:
    if not first.bad:
        text = f"{what} returned no data ({first.nodata}); on_no_data: fail"
        return text, (Finding("prometheus.no-data", text),)
    name, value = _worst(first.bad, better)
    text = f"{what}{_label(name)} is {prom.number(value, unit)}; expected {want}"
    findings = tuple(
        Finding("prometheus.condition", f"{n} is {prom.number(v, unit)}; expected {want}")
        for n, v in list(first.bad.items())[:_SHOWN]
    )
    return text, findings


def _label(name: str) -> str:
    return "" if name in ("{}", "") else f" {name}"


def _worst(values: dict[str, float], better: str | None) -> tuple[str, float]:
    if better == "higher":
        return min(values.items(), key=lambda kv: kv[1])
    if better == "lower":
        return max(values.items(), key=lambda kv: kv[1])
    return next(iter(values.items()))


def _tally(rules: Rules, samples: list[Sample], failing: list[Sample]) -> str:
    if rules.count == 1:
        return ""
    return (
        f" ({len(failing)} of {len(samples)} sample(s) failed; failure_limit "
        f"{rules.failure_limit}, count {rules.count})"
    )


def _measures(samples: list[Sample], better: str | None, rules: Rules) -> tuple[Measure, ...]:
    values = {f"{i}{k}": v for i, s in enumerate(samples) for k, v in s.values.items()}
    if better is None or not values:
        return ()
    _, worst = _worst(values, better)
    bounds = [b for _, b in rules.conds]
    limit = min(bounds) if better == "lower" else max(bounds)
    return (Measure("value", worst, rules.unit, better, limit),)


def _evidence(rules: Rules, samples: list[Sample], want: str) -> dict[str, Any]:
    out: dict[str, Any] = {"mode": "instant" if rules.range_s is None else "range"}
    out["condition"] = want
    if rules.reduce:
        out["reduce"] = rules.reduce
    if samples:
        out["window"] = samples[-1].window
    out["samples"] = [_shown_sample(rules, s) for s in samples[:_SHOWN]]
    out.update(count=rules.count, taken=len(samples), on_no_data=rules.on_no_data)
    return out


def _shown_sample(rules: Rules, s: Sample) -> dict[str, Any]:
    out: dict[str, Any] = {"at": iso(s.at), "values": dict(list(s.values.items())[:_SHOWN])}
    out["failed"] = rules.failing(s)
    if s.nodata:
        out["no_data"] = s.nodata
    return out


def short(query: str, limit: int = 80) -> str:
    text = " ".join(query.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
