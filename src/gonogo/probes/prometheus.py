"""`prometheus`: a PromQL query's value meets a condition, now or over a time range.

An instant query is judged as it stands; with `range:` a range query's points are
reduced per series (max, min, avg, last or p95). Every series must meet the condition.
With `count` > 1 the query is sampled `interval` apart, as canary analysis tools do,
and up to `failure_limit` failing samples are tolerated. An empty answer is an `error`
unless `on_no_data` says otherwise: "could not tell" is never a pass.
"""

from __future__ import annotations

import asyncio
import time
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator

from gonogo.durations import format_duration
from gonogo.models import Outcome, Status
from gonogo.probes import netcommon as net
from gonogo.probes import promanswer as pa
from gonogo.probes import promclient as prom
from gonogo.probes import promjudge as pj
from gonogo.probes.base import Context, MeasureSpec, Probe, ProbeDoc
from gonogo.rules import Rule


def _condition(text: str) -> str:
    pj.parse_condition(text)
    return text


class PrometheusParams(prom.ServerParams):
    query: str = Field(min_length=1, description="PromQL; may use ${VAR}")
    range: prom.Seconds | None = Field(None, description="judge this much history: 1h, 30m")
    step: prom.Seconds | None = Field(None, description="with `range`: resolution, default 1/100")
    reduce: Literal["max", "min", "avg", "last", "p95"] | None = Field(
        None, description="with `range`: how each series' points become one value"
    )
    max: prom.Fraction | None = Field(None, description="highest acceptable value (≤)")
    min: prom.Fraction | None = Field(None, description="lowest acceptable value (≥)")
    expect: Annotated[str, AfterValidator(_condition)] | None = Field(
        None, description="a condition such as '< 0.01' or '>= 99.9%'"
    )
    unit: str = Field("", description="shown after values in messages: s, ms, %, req/s")
    count: int = Field(1, ge=1, le=1000, description="samples to take")
    interval: prom.Seconds = Field(10.0, description="time between samples")
    failure_limit: int = Field(0, ge=0, description="failing samples tolerated")
    on_no_data: Literal["error", "fail", "pass"] = Field(
        "error", description="the verdict for an empty answer"
    )

    @model_validator(mode="after")
    def _coherent(self) -> PrometheusParams:
        if self.max is None and self.min is None and self.expect is None:
            raise ValueError("give a condition: `max`, `min` or `expect` (e.g. '< 0.01')")
        if (self.range is None) != (self.reduce is None):
            raise ValueError("`range` and `reduce` go together (reduce: max|min|avg|last|p95)")
        if self.step is not None and self.range is None:
            raise ValueError("`step` needs `range`")
        if self.failure_limit >= self.count:
            raise ValueError(
                f"failure_limit {self.failure_limit} tolerates every one of {self.count} "
                "sample(s): the check could never fail; lower it or raise `count`"
            )
        if self.range is not None and self.range / self.step_s > prom.MAX_POINTS:
            raise ValueError(
                f"range {format_duration(self.range)} at step {format_duration(self.step_s)} "
                f"is more than the {prom.MAX_POINTS:,} points per series Prometheus answers; "
                "raise `step`"
            )
        return self

    @property
    def step_s(self) -> float:
        return self.step if self.step is not None else max(1.0, (self.range or 0) / 100)

    def rules(self) -> pj.Rules:
        conds = [] if self.max is None else [("<=", self.max)]
        conds += [] if self.min is None else [(">=", self.min)]
        conds += [pj.parse_condition(self.expect)] if self.expect else []
        return pj.Rules(
            tuple(conds),
            self.unit,
            self.reduce,
            self.range,
            self.count,
            self.failure_limit,
            self.on_no_data,
        )


async def _run(p: PrometheusParams, ctx: Context) -> Outcome:
    try:
        server = prom.prepare(p, ctx)
        query = ctx.expand(p.query)
    except (LookupError, ValueError) as exc:
        return Outcome(Status.ERROR, str(exc), transient=False)
    base = {"url": server.shown, "query": query}
    needed = (p.count - 1) * p.interval
    if needed >= net.deadline_s(ctx):
        return Outcome(
            Status.ERROR,
            f"{p.count} samples {format_duration(p.interval)} apart take "
            f"{format_duration(needed)}, more than the check's timeout "
            f"{format_duration(ctx.timeout_s)}; raise `timeout`",
            base,
            transient=False,
        )
    rules = p.rules()
    samples: list[pj.Sample] = []
    try:
        async with asyncio.timeout(net.deadline_s(ctx)), prom.client(p, ctx) as client:
            for i in range(p.count):
                if i:
                    await asyncio.sleep(p.interval)
                samples.append(await _sample(p, rules, client, server, query))
                if rules.settled(samples):
                    break
    except pa.QueryFailed as exc:
        return Outcome(
            Status.ERROR, exc.about(query), {**base, **exc.evidence}, transient=exc.transient
        )
    except TimeoutError:
        done = f" after {len(samples)} of {p.count} samples" if samples else ""
        err = net.NetError(net.Failure.TIMEOUT, "timeout")
        text = net.describe(f"Prometheus {server.shown}{done}", err, ctx.timeout_s)
        return Outcome(Status.ERROR, text, {**base, "failure": "timeout"})
    return pj.judge(rules, ctx.redact(query), samples, base)  # shortened: redact first


async def _sample(
    p: PrometheusParams, rules: pj.Rules, client: Any, server: prom.Server, query: str
) -> pj.Sample:
    now = time.time()
    if p.range is None:
        answer = await prom.instant(client, server, query, timeout_s=server.timeout_s)
        at = answer.series[0].points[-1][0] if answer.series else now
        return pj.sample(answer, rules, at, {"time": pj.iso(at)})
    start = now - p.range
    answer = await prom.over_range(
        client, server, query, start=start, end=now, step_s=p.step_s, timeout_s=server.timeout_s
    )
    window = {"start": pj.iso(start), "end": pj.iso(now), "step": prom.prom_duration(p.step_s)}
    return pj.sample(answer, rules, now, window)


PROBE = Probe(
    "prometheus",
    PrometheusParams,
    _run,
    ProbeDoc(
        summary="Runs a PromQL query (instant, or over a `range` reduced per series) and "
        "checks every series against `max`, `min` or `expect`; optional sampling with a "
        "failure limit; an empty answer is an error unless `on_no_data` says otherwise.",
        why="'Error rate < 1%' and 'p95 < 500 ms' are measured in production, not in files; "
        "the metrics server is the evidence.",
        example="{id: error-rate, kind: prometheus, "
        "url: '${PROMETHEUS_URL:-http://127.0.0.1:9090}', "
        'query: \'sum(rate(http_requests_total{code=~"5.."}[5m])) / '
        "sum(rate(http_requests_total[5m]))', expect: '< 1%'}",
        remediation="Run the query in the Prometheus UI; for no data, check the metric and "
        "label names and that the target is scraped; for a failing value, look at what "
        "changed (deploys, traffic) in the query's window.",
    ),
    prom.target,
    measures=(MeasureSpec("value", better="lower"),),
    rules=(
        Rule(
            "prometheus.condition",
            "A Prometheus series misses its condition",
            remediation=(
                "Read the series in Prometheus over the check's window; fix the "
                "cause or the condition."
            ),
        ),
        Rule(
            "prometheus.no-data",
            "A Prometheus query returned no data",
            remediation=(
                "Check the query and the metric's labels; `on_no_data` says how a"
                " missing answer counts."
            ),
        ),
    ),
)
