"""`slo`: an availability objective over a window, judged by its error budget and by
multi-window burn rates (as in the SRE workbook's alerting on SLOs).

The error ratio over a window comes from a `good` and a `total` query, or from one
`error_ratio` query; `$window` in a query is replaced by each window in Prometheus
syntax (`5m`, `1h`, `30d`). Every query of a check is evaluated at one instant, a second
ago, so both queries and all windows read the same samples (a scrape landing between
two queries cannot skew a ratio). The burn rate over a window is its error ratio divided by
the ratio the objective allows (1 - objective). A burn-rate rule trips when the burn
rate is above its `max` over every one of its windows (a long window for significance,
a short one so it stops firing soon after recovery); the check fails when a rule trips
or less than `min_budget_left` of the window's budget is left.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from gonogo.durations import format_duration
from gonogo.models import Finding, Measure, Outcome, Status
from gonogo.probes import netcommon as net
from gonogo.probes import promanswer as pa
from gonogo.probes import promclient as prom
from gonogo.probes import promjudge as pj
from gonogo.probes.base import Context, MeasureSpec, Params, Probe, ProbeDoc
from gonogo.rules import Rule

WINDOW = "$window"
SETTLE_S = 1.0  # evaluate this far in the past: samples scraped before it are all stored


class BurnRate(Params):
    windows: tuple[prom.Seconds, ...] = Field(
        min_length=1, max_length=3, description="e.g. [1h, 5m]: every one must burn too fast"
    )
    max: float = Field(gt=0, description="highest acceptable burn rate, e.g. 14.4")


DEFAULT_BURN_RATES = (
    BurnRate(windows=(3600.0, 300.0), max=14.4),  # 2% of a 30-day budget in an hour
    BurnRate(windows=(21600.0, 1800.0), max=6.0),  # 5% of it in six hours
)


class SloParams(prom.ServerParams):
    objective: prom.Fraction = Field(description="share of good events: '99.9%' or 0.999")
    window: prom.Seconds = Field(30 * 86400.0, description="the objective's window")
    good: str | None = Field(None, description="PromQL count/rate of good events over $window")
    total: str | None = Field(None, description="PromQL count/rate of all events over $window")
    error_ratio: str | None = Field(None, description="PromQL bad/total ratio over $window")
    burn_rates: tuple[BurnRate, ...] = Field(
        DEFAULT_BURN_RATES, description="rules; default 14.4 over [1h, 5m] and 6 over [6h, 30m]"
    )
    min_budget_left: prom.Fraction = Field(
        0.0, ge=0, le=1, description="fail below this share of the budget left: '25%'"
    )
    on_no_data: Literal["error", "fail", "pass"] = Field(
        "error", description="the verdict when a window has no data (no traffic)"
    )

    @model_validator(mode="after")
    def _coherent(self) -> SloParams:
        if not 0 < self.objective < 1:
            raise ValueError(f"objective {self.objective:g} is not between 0 and 100%")
        if (self.error_ratio is None) == (self.good is None and self.total is None):
            raise ValueError("give `good` and `total` queries, or one `error_ratio` query")
        if self.error_ratio is None and (self.good is None or self.total is None):
            raise ValueError("`good` and `total` go together")
        for name, query in self.queries().items():
            if WINDOW not in query:
                raise ValueError(
                    f"the `{name}` query has no {WINDOW}: every window would read the same "
                    f"value; write e.g. rate(http_requests_total[{WINDOW}])"
                )
        return self

    def queries(self) -> dict[str, str]:
        out = {"good": self.good, "total": self.total, "error_ratio": self.error_ratio}
        return {k: v for k, v in out.items() if v is not None}

    def windows(self) -> list[float]:
        return sorted({self.window, *(w for r in self.burn_rates for w in r.windows)})


@dataclass(frozen=True, slots=True)
class _Ratio:
    value: float | None  # the error ratio; None: no data
    why: str = ""


async def _run(p: SloParams, ctx: Context) -> Outcome:
    try:
        server = prom.prepare(p, ctx)
        queries = {k: ctx.expand(v) for k, v in p.queries().items()}
    except (LookupError, ValueError) as exc:
        return Outcome(Status.ERROR, str(exc), transient=False)
    at = time.time() - SETTLE_S
    base: dict[str, Any] = {"url": server.shown, "queries": queries, "time": pj.iso(at)}
    try:
        async with asyncio.timeout(net.deadline_s(ctx)), prom.client(p, ctx) as client:
            asked = _Asked(client, server, queries, at, ctx)
            found = await prom.gather(*(_ratio(asked, w) for w in p.windows()))
    except pa.QueryFailed as exc:
        return Outcome(Status.ERROR, exc.message, {**base, **exc.evidence}, transient=exc.transient)
    except TimeoutError:
        err = net.NetError(net.Failure.TIMEOUT, "timeout")
        text = net.describe(f"Prometheus {server.shown}", err, ctx.timeout_s)
        return Outcome(Status.ERROR, text, {**base, "failure": "timeout"})
    return judge(p, dict(zip(p.windows(), found, strict=True)), base)


@dataclass(frozen=True, slots=True)
class _Asked:
    """What every query of one check shares: the client, the server, the instant."""

    client: Any
    server: prom.Server
    queries: dict[str, str]
    at: float
    ctx: Context


async def _ratio(asked: _Asked, w: float) -> _Ratio:
    dur = prom.prom_duration(w)
    queries, server = asked.queries, asked.server

    async def value(name: str) -> float | None:
        text = queries[name].replace(WINDOW, dur)
        try:
            answer = await prom.instant(
                asked.client, server, text, timeout_s=server.timeout_s, at=asked.at
            )
        except pa.QueryFailed as exc:
            if exc.bad_query:
                exc.message = f"the `{name}` query {exc.about(asked.ctx.redact(text))}"
            raise
        if len(answer.series) > 1:
            raise pa.QueryFailed(
                f"the `{name}` query returns {len(answer.series)} series over {dur}; "
                "aggregate it to one, e.g. with sum(...)",
                transient=False,
            )
        v = answer.series[0].points[-1][1] if answer.series else None
        return None if v is None or math.isnan(v) else v

    if "error_ratio" in queries:
        ratio = await value("error_ratio")
        return _Ratio(ratio) if ratio is not None else _Ratio(None, f"error_ratio over {dur}")
    good, total = await prom.gather(value("good"), value("total"))
    if good is None or not total:
        what = "total" if not total else "good"
        return _Ratio(None, f"{what} over {dur}" + (" (no traffic?)" if total == 0 else ""))
    return _Ratio(min(1.0, max(0.0, 1.0 - good / total)))


def judge(p: SloParams, ratios: Mapping[float, _Ratio], base: dict[str, Any]) -> Outcome:
    missing = [r.why for r in ratios.values() if r.value is None]
    if missing and p.on_no_data != "pass":
        text = f"SLO query returned no data: {', '.join(missing)}"
        if p.on_no_data == "error":
            hint = "; set `on_no_data: fail` or `pass` if no traffic is a verdict"
            return Outcome(Status.ERROR, text + hint, base, transient=False)
        return Outcome(Status.FAIL, text, base, (Finding("slo.no-data", text),))
    allowed = 1.0 - p.objective
    burn = {w: (r.value or 0.0) / allowed for w, r in ratios.items()}
    left = 1.0 - burn[p.window]
    tripped = [r for r in p.burn_rates if all(burn[w] > r.max for w in r.windows)]
    head = f"SLO {_pct(p.objective)} over {prom.prom_duration(p.window)}"
    budget = f"{_pct(left)} of the error budget left"
    evidence = {**base, **_evidence(p, ratios, burn, left, tripped)}
    measures = (
        Measure("budget_left", round(left * 100, 4), "%", "higher", p.min_budget_left * 100),
    )
    problems = [("slo.burn-rate", _burning(r, burn, left, p.window)) for r in tripped]
    low = left < p.min_budget_left
    if low:
        problems.append(("slo.budget", f"{budget}, below the {_pct(p.min_budget_left)} minimum"))
    if problems:
        findings = tuple(Finding(rule, f"{head}: {text}") for rule, text in problems)
        shown = "; ".join(text for _, text in problems) + ("" if low else f"; {budget}")
        return Outcome(Status.FAIL, f"{head}: {shown}", evidence, findings, measures)
    rates = "; ".join(_rates(r, burn) for r in p.burn_rates)
    return Outcome(Status.PASS, f"{head}: {budget}; burn rate {rates}", evidence, measures=measures)


def _burning(rule: BurnRate, burn: Mapping[float, float], left: float, window: float) -> str:
    over = " and ".join(f"{_x(burn[w])} over {prom.prom_duration(w)}" for w in rule.windows)
    text = f"burning {over}, above {_x(rule.max)}"
    rate = burn[rule.windows[0]]
    if left <= 0:
        return f"{text}; the budget is spent"
    return f"{text}; at {_x(rate)} the budget left lasts {format_duration(left * window / rate)}"


def _rates(rule: BurnRate, burn: Mapping[float, float]) -> str:
    each = ", ".join(f"{_x(burn[w])} over {prom.prom_duration(w)}" for w in rule.windows)
    return f"{each} (max {_x(rule.max)})"


def _evidence(
    p: SloParams,
    ratios: Mapping[float, _Ratio],
    burn: Mapping[float, float],
    left: float,
    tripped: list[BurnRate],
) -> dict[str, Any]:
    def dur(w: float) -> str:
        return prom.prom_duration(w)

    return {
        "objective": p.objective,
        "window": dur(p.window),
        "budget_left": round(left, 6),
        "error_ratio": {
            dur(w): None if r.value is None else round(r.value, 9) for w, r in ratios.items()
        },
        "burn_rate": {dur(w): round(b, 6) for w, b in burn.items()},
        "rules": [
            {"windows": [dur(w) for w in r.windows], "max": r.max, "tripped": r in tripped}
            for r in p.burn_rates
        ],
    }


def _pct(fraction: float) -> str:
    return f"{round(fraction * 100, 4):g}%"


def _x(rate: float) -> str:
    return f"{rate:.3g}×"


PROBE = Probe(
    "slo",
    SloParams,
    _run,
    ProbeDoc(
        summary="An objective (99.9% over 30d) judged from Prometheus by its error budget "
        "and multi-window burn rates (default: 14.4× over 1h and 5m, 6× over 6h and 30m).",
        why="'Uptime > 99.9%' is a target until the error budget says how much of it is "
        "left and how fast it is burning right now.",
        example="{id: availability, kind: slo, url: '${PROMETHEUS_URL:-http://127.0.0.1:9090}', "
        "objective: 99.9%, window: 30d, "
        "good: 'sum(rate(http_requests_total{code!~\"5..\"}[$window]))', "
        "total: 'sum(rate(http_requests_total[$window]))'}",
        remediation="Find what burns the budget (the windows in the evidence say since "
        "when); hold the release until the burn rate is back under the rules' limits.",
    ),
    prom.target,
    measures=(MeasureSpec("budget_left", "%", "higher"),),
    rules=(
        Rule(
            "slo.burn-rate",
            "The error budget burns faster than a burn-rate rule allows",
            remediation=(
                "Find what burns the budget (the windows say since when); hold "
                "the release until it recovers."
            ),
        ),
        Rule(
            "slo.budget",
            "Less error budget is left than the minimum",
            remediation=(
                "Hold risky releases until the budget recovers, or revisit the objective."
            ),
        ),
        Rule(
            "slo.no-data",
            "An SLO query returned no data",
            remediation=(
                "Check the query and the metric's labels in Prometheus; no data is never a pass."
            ),
        ),
    ),
)
