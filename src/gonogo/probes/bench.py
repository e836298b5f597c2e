"""`bench`: repeat a command or an HTTP request and compare min/p50/p95/p99/max with targets."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import Field, field_validator, model_validator

from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes import http
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, MeasureSpec, Params, Probe, ProbeDoc, RelPath
from gonogo.probes.command import argv_of, clean_env
from gonogo.proc import run_process
from gonogo.rules import Rule


class Targets(Params):
    min_ms: float | None = Field(None, gt=0)
    p50_ms: float | None = Field(None, gt=0)
    p95_ms: float | None = Field(None, gt=0)
    p99_ms: float | None = Field(None, gt=0)
    max_ms: float | None = Field(None, gt=0)


class BenchParams(Params):
    run: list[str] | None = Field(None, min_length=1, description="argv to time")
    cwd: RelPath | None = Field(None, description="with `run`: working directory under the root")
    env: dict[str, str] = Field(default_factory=dict, description="with `run`: variables")
    url: str | None = Field(None, description="http(s) URL to time (keep-alive connection)")
    method: http.Method = "GET"
    headers: dict[str, str] = Field(default_factory=dict)
    verify: bool = True
    warmup: int = Field(1, ge=0, le=100, description="untimed runs first")
    repeat: int = Field(10, ge=1, le=10_000, description="timed runs")
    expect: Targets = Targets()

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        return None if value is None else http.check_url(value)

    @model_validator(mode="after")
    def _one_subject(self) -> BenchParams:
        if (self.run is None) == (self.url is None):
            raise ValueError("give exactly one of `run` (a command) or `url`")
        return self


Step = Callable[[], Awaitable[str | None]]
"""One timed repetition: None when it went well, else why it did not."""


async def _run(p: BenchParams, ctx: Context) -> Outcome:
    if p.url is not None:
        return await _bench_url(p, ctx)
    cwd = (ctx.root / (p.cwd or ".")).resolve()
    if not cwd.is_relative_to(ctx.root.resolve()):
        return errored(f"cwd {p.cwd} is outside the project root")
    assert p.run is not None
    shown = " ".join(p.run)  # as written: no values
    try:
        argv = argv_of(ctx, p.run)
        env = clean_env(ctx, p.env, [])
    except LookupError as exc:
        return errored(str(exc))

    async def step() -> str | None:
        done = await run_process(argv, cwd=str(cwd), env=env)
        return None if done.exit_code == 0 else f"exited {done.exit_code}"

    try:
        return await _measure(p, ctx, f"`{shown}`", step)
    except FileNotFoundError:
        return errored(f"`{shown}`: program {argv[0]!r} not found on PATH")
    except OSError as exc:
        return errored(f"`{shown}` could not start: {exc.strerror or exc}")


async def _bench_url(p: BenchParams, ctx: Context) -> Outcome:
    import httpx

    assert p.url is not None
    rp = http.RequestParams(url=p.url, method=p.method, headers=p.headers, verify=p.verify)
    try:
        req = http.prepare(rp, ctx)
    except (LookupError, ValueError) as exc:
        return errored(str(exc))
    async with http.make_client(rp, ctx, connections=1) as client:

        async def step() -> str | None:
            got = await http.fetch(client, req, cap=64 * 1024)
            return None if got.status < 400 else f"returned {got.status}"

        try:
            return await _measure(p, ctx, req.shown, step)
        except (httpx.HTTPError, OSError) as exc:
            return http.transport_error(req, exc, ctx)


async def _measure(p: BenchParams, ctx: Context, shown: str, step: Step) -> Outcome:
    samples: list[float] = []
    total = p.warmup + p.repeat
    try:
        async with asyncio.timeout(net.deadline_s(ctx)):
            for i in range(total):
                t0 = time.perf_counter()
                problem = await step()
                if problem is not None:
                    return failed(f"{shown} {problem} on run {i + 1} of {total}")
                if i >= p.warmup:
                    samples.append(time.perf_counter() - t0)
    except TimeoutError:
        return errored(
            f"{shown}: only {len(samples)} of {p.repeat} timed runs finished within "
            f"{ctx.timeout_s:g}s; lower `repeat` or raise the check's `timeout`"
        )
    return judge(shown, samples, p.expect, {"warmup": p.warmup, "repeat": p.repeat})


def judge(shown: str, samples: list[float], targets: Targets, extra: dict[str, Any]) -> Outcome:
    stats = net.summary_ms(samples)
    evidence = {**stats, **extra, "targets": targets.model_dump(exclude_none=True)}
    over = net.over_targets(stats, targets.model_dump())
    line = f"p50 {stats['p50_ms']:g} ms, p95 {stats['p95_ms']:g} ms over {len(samples)} runs"
    if over:
        findings = tuple(Finding("bench.target", f"{shown}: {o}") for o in over)
        return failed(f"{shown}: {', '.join(over)} ({line})", evidence=evidence, findings=findings)
    return passed(f"{shown}: {line}", evidence=evidence)


def _target(p: BenchParams, ctx: Context) -> str | None:
    return None if p.url is None else net.url_target(ctx.expand(p.url))


PROBE = Probe(
    "bench",
    BenchParams,
    _run,
    ProbeDoc(
        summary="Times a command or an HTTP request over repeated runs and compares "
        "min/p50/p95/p99/max with targets.",
        why="'Responses are under 200 ms' is a claim; percentiles over repeated runs are evidence.",
        example="{id: home-latency, kind: bench, url: 'http://127.0.0.1:8069/', warmup: 2, "
        "repeat: 20, expect: {p95_ms: 300}}",
        remediation="Profile the slow path; compare with the previous run's percentiles in the "
        "report history.",
    ),
    _target,
    measures=tuple(MeasureSpec(k, "ms", limit=f"expect.{k}") for k in net.LATENCIES),
    rules=(
        Rule(
            "bench.target",
            "A benchmark figure misses its target",
            remediation=(
                "Profile the slow path, or change the target in the plan if the "
                "new figure is intended."
            ),
            docs=("A target in the plan is a promise; the benchmark file is the evidence."),
        ),
    ),
)
