"""`load`: N concurrent workers send a bounded number of requests (or for a bounded time) to
a loopback (or explicitly allowed) host; latency percentiles, error rate, throughput, and,
with `pid`, the growth of that process's RSS and open file descriptors (leak hints)."""

from __future__ import annotations

import asyncio
import os
import ssl
import time
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator, model_validator

from gonogo.durations import DURATION_JSON, parse_duration
from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes import http
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, MeasureSpec, Params, Probe, ProbeDoc
from gonogo.rules import Rule

MAX_REQUESTS = 100_000
LOAD = (
    MeasureSpec("error_rate", limit="expect.error_rate"),
    MeasureSpec("rps", "req/s", "higher", limit="expect.min_rps"),
)
MAX_DURATION_S = 600.0
Seconds = Annotated[
    float,
    BeforeValidator(parse_duration),
    Field(gt=0, le=MAX_DURATION_S),
    WithJsonSchema(DURATION_JSON),
]
RATE_JSON = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 1},
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"},
    ]
}


def _rate(value: Any) -> Any:
    if isinstance(value, str) and value.strip().endswith("%"):
        return float(value.strip()[:-1]) / 100
    return value


class LoadExpect(Params):
    p50_ms: float | None = Field(None, gt=0)
    p95_ms: float | None = Field(None, gt=0)
    p99_ms: float | None = Field(None, gt=0)
    error_rate: (
        Annotated[float, BeforeValidator(_rate), Field(ge=0, le=1), WithJsonSchema(RATE_JSON)]
        | None
    ) = Field(None, description="highest acceptable share of failed requests: 0.01 or '1%'")
    min_rps: float | None = Field(None, gt=0, description="lowest acceptable throughput")
    max_rss_growth_mb: float | None = Field(None, ge=0, description="with `pid`")
    max_fd_growth: int | None = Field(None, ge=0, description="with `pid`")


class LoadParams(http.RequestParams):
    concurrency: int = Field(10, ge=1, le=256)
    requests: int | None = Field(None, ge=1, le=MAX_REQUESTS, description="default 200")
    duration: Seconds | None = Field(None, description="run for this long instead")
    allow_hosts: list[str] = Field(
        default_factory=list, description="non-loopback hosts this plan may load (literal)"
    )
    pid: int | str | None = Field(None, description="process to sample (RSS, open FDs)")
    expect: LoadExpect = LoadExpect()

    @field_validator("allow_hosts")
    @classmethod
    def _literal_hosts(cls, hosts: list[str]) -> list[str]:
        if any("${" in h for h in hosts):
            raise ValueError("`allow_hosts` must be literal host names, not ${VAR}")
        return [h.lower() for h in hosts]

    @model_validator(mode="after")
    def _bounded_and_local(self) -> LoadParams:
        if self.requests is not None and self.duration is not None:
            raise ValueError("give `requests` or `duration`, not both")
        if "${" not in self.url:
            refusal = refused_host(net.url_host(self.url), self.allow_hosts)
            if refusal:
                raise ValueError(refusal)
        return self


def refused_host(host: str, allowed: list[str]) -> str | None:
    if net.is_loopback(host) or host.lower() in allowed:
        return None
    return (
        f"load refuses host {host!r}: only loopback or a host listed in this check's "
        "`allow_hosts` may be loaded"
    )


class BodyTooLarge(Exception):
    """A response body past `http.BODY_CAP`: `load` stops reading it and counts an error."""


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    first_error: Exception | None = None


async def _run(p: LoadParams, ctx: Context) -> Outcome:
    try:
        req = http.prepare(p, ctx)
        pid = _pid(p, ctx)
    except (LookupError, ValueError) as exc:
        return errored(str(exc))
    refusal = refused_host(net.url_host(req.url), p.allow_hosts)
    if refusal:
        return errored(f"{refusal} (after expanding `url`)")
    if p.duration is not None and p.duration >= net.deadline_s(ctx):
        return errored(
            f"duration {p.duration:g}s does not fit in the check's timeout "
            f"{ctx.timeout_s:g}s; raise `timeout`"
        )
    before = sample(pid)
    tally, wall = await _drive(p, ctx, req)
    after = sample(pid)
    done = len(tally.latencies) + tally.errors
    if not tally.latencies and isinstance(tally.first_error, BodyTooLarge):
        return errored(
            f"{req.shown}: the response body is larger than {http.BODY_CAP // 1048576} MiB; "
            "`load` measures requests with small answers: point it at one"
        )
    if not tally.latencies and tally.first_error is not None:
        return http.transport_error(req, tally.first_error, ctx)
    if done == 0:
        return errored(f"{req.shown}: no request finished within {ctx.timeout_s:g}s")
    return _judge(p, req, tally, wall, growth(pid, before, after))


def _pid(p: LoadParams, ctx: Context) -> int | None:
    if p.pid is None:
        return None
    text = ctx.expand(p.pid) if isinstance(p.pid, str) else str(p.pid)
    if not text.isdigit():
        raise ValueError(f"`pid` is {text!r}, not a process id")
    return int(text)


async def _drive(p: LoadParams, ctx: Context, req: http.Request) -> tuple[_Tally, float]:
    tally = _Tally()
    budget = p.requests if p.requests is not None or p.duration is not None else 200
    issued = 0
    t0 = time.perf_counter()
    stop_at = t0 + (p.duration if p.duration is not None else net.deadline_s(ctx))
    tls = _tls(p, ctx) if req.url.lower().startswith("https:") else None

    async def worker() -> None:
        nonlocal issued
        conn = _Conn(req, tls, net.deadline_s(ctx))
        try:
            while time.perf_counter() < stop_at and (budget is None or issued < budget):
                issued += 1
                await _one(conn, tally)
        finally:
            conn.close()

    workers = [asyncio.create_task(worker()) for _ in range(p.concurrency)]
    _, pending = await asyncio.wait(workers, timeout=net.deadline_s(ctx))
    for task in pending:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    return tally, time.perf_counter() - t0


def _tls(p: LoadParams, ctx: Context) -> ssl.SSLContext:
    if not p.verify:
        tls = ssl.create_default_context()
        tls.check_hostname = False
        tls.verify_mode = ssl.CERT_NONE
        return tls
    return ssl.create_default_context(cafile=str(ctx.path(p.ca_file)) if p.ca_file else None)


class _Conn:
    """One keep-alive HTTP/1.1 connection driven by h11: a lean client, so that gonogo's own
    CPU per request (~10x less than a general client) does not cap the measured rate."""

    def __init__(self, req: http.Request, tls: ssl.SSLContext | None, timeout_s: float) -> None:
        import h11

        parts = urlsplit(req.url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or (443 if tls else 80)
        self.tls = tls
        self.timeout_s = timeout_s
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        headers = {
            "Host": parts.netloc.rsplit("@", 1)[-1],
            "User-Agent": "gonogo-load",
            **req.headers,
        }
        if req.content is not None:
            headers["Content-Length"] = str(len(req.content))
        self.request = h11.Request(method=req.method, target=target, headers=list(headers.items()))
        self.body = req.content
        self.h11: h11.Connection | None = None
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self) -> int:
        """One request; returns the status. Reconnects when the server closed the line."""
        import h11

        if self.h11 is None or self.h11.our_state is not h11.IDLE:
            self.close()
            self.reader, self.writer = await asyncio.open_connection(
                self.host, self.port, ssl=self.tls, server_hostname=self.host if self.tls else None
            )
            self.h11 = h11.Connection(h11.CLIENT)
        assert self.writer is not None
        assert self.reader is not None
        out = self.h11.send(self.request) or b""
        if self.body:
            out += self.h11.send(h11.Data(data=self.body)) or b""
        self.writer.write(out + (self.h11.send(h11.EndOfMessage()) or b""))
        status = 0
        body = 0
        while True:
            event = self.h11.next_event()
            if event is h11.NEED_DATA:
                data = await asyncio.wait_for(self.reader.read(65536), self.timeout_s)
                self.h11.receive_data(data)
            elif isinstance(event, h11.Data):
                body += len(event.data)
                if body > http.BODY_CAP:  # an endless body must not hold the worker
                    raise BodyTooLarge(f"response body larger than {http.BODY_CAP} bytes")
            elif isinstance(event, h11.Response):
                status = event.status_code
            elif isinstance(event, h11.EndOfMessage):
                break
            elif isinstance(event, h11.ConnectionClosed):
                raise ConnectionResetError("the server closed the connection mid-response")
        if self.h11.our_state is h11.DONE and self.h11.their_state is h11.DONE:
            self.h11.start_next_cycle()
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.writer = self.reader = None
        self.h11 = None


async def _one(conn: _Conn, tally: _Tally) -> None:
    t0 = time.perf_counter()
    try:
        status = await conn.send()
    except Exception as exc:  # every failed request is counted, none stops the run
        conn.close()
        tally.errors += 1
        tally.statuses["transport"] = tally.statuses.get("transport", 0) + 1
        tally.first_error = tally.first_error or exc
        return
    key = str(status)
    tally.statuses[key] = tally.statuses.get(key, 0) + 1
    if status >= 400:
        tally.errors += 1
    else:
        tally.latencies.append(time.perf_counter() - t0)


def sample(pid: int | None) -> dict[str, int] | None:
    """RSS (KiB) and open FD count of `pid` from /proc; None when it cannot be read."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status") as fh:
            rss = next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        fds = len(os.listdir(f"/proc/{pid}/fd"))
    except (OSError, StopIteration, ValueError):
        return None
    return {"rss_kb": rss, "fds": fds}


def growth(
    pid: int | None, before: dict[str, int] | None, after: dict[str, int] | None
) -> dict[str, Any] | None:
    if pid is None:
        return None
    if before is None or after is None:
        return {
            "pid": pid,
            "unavailable": "cannot read /proc for this pid (gone, not Linux, "
            "or another user's process)",
        }
    return {
        "pid": pid,
        "rss_kb_before": before["rss_kb"],
        "rss_kb_after": after["rss_kb"],
        "rss_kb_growth": after["rss_kb"] - before["rss_kb"],
        "fds_before": before["fds"],
        "fds_after": after["fds"],
        "fd_growth": after["fds"] - before["fds"],
    }


def _judge(
    p: LoadParams, req: http.Request, tally: _Tally, wall: float, proc: dict[str, Any] | None
) -> Outcome:
    done = len(tally.latencies) + tally.errors
    rate = tally.errors / done
    rps = done / wall if wall > 0 else 0.0
    stats = net.summary_ms(tally.latencies) if tally.latencies else {}
    evidence: dict[str, Any] = {
        "requests": done,
        "errors": tally.errors,
        "error_rate": round(rate, 4),
        "rps": round(rps, 1),
        "concurrency": p.concurrency,
        "wall_s": round(wall, 3),
        "statuses": tally.statuses,
        **stats,
    }
    if proc is not None:
        evidence["process"] = proc
    problems = _problems(p, stats, rate, rps, proc)
    line = (
        f"{done} requests, {rps:.0f}/s, p50 {stats.get('p50_ms', 0):g} ms, "
        f"p95 {stats.get('p95_ms', 0):g} ms, errors {rate:.1%}"
    )
    if problems:
        findings = tuple(Finding(rule, f"{req.shown}: {text}") for rule, text in problems)
        return failed(
            f"{req.shown}: {problems[0][1]} ({line})", evidence=evidence, findings=findings
        )
    return passed(f"{req.shown}: {line}", evidence=evidence)


def _problems(
    p: LoadParams, stats: dict[str, float], rate: float, rps: float, proc: dict[str, Any] | None
) -> list[tuple[str, str]]:
    e = p.expect
    out = (
        [
            ("load.latency", o)
            for o in net.over_targets(
                stats, {"p50_ms": e.p50_ms, "p95_ms": e.p95_ms, "p99_ms": e.p99_ms}
            )
        ]
        if stats
        else []
    )
    if e.error_rate is not None and rate > e.error_rate:
        out.append(("load.errors", f"error rate {rate:.2%} > {e.error_rate:.2%}"))
    if e.min_rps is not None and rps < e.min_rps:
        out.append(("load.throughput", f"{rps:.0f} requests/s < {e.min_rps:g}"))
    if proc is not None and "rss_kb_growth" in proc:
        mb = proc["rss_kb_growth"] / 1024
        if e.max_rss_growth_mb is not None and mb > e.max_rss_growth_mb:
            out.append(
                (
                    "load.rss-growth",
                    f"pid {proc['pid']} RSS grew {mb:.1f} MiB > "
                    f"{e.max_rss_growth_mb:g} MiB (a leak?)",
                )
            )
        if e.max_fd_growth is not None and proc["fd_growth"] > e.max_fd_growth:
            out.append(
                (
                    "load.fd-growth",
                    f"pid {proc['pid']} open FDs grew by "
                    f"{proc['fd_growth']} > {e.max_fd_growth} (a leak?)",
                )
            )
    return out


PROBE = Probe(
    "load",
    LoadParams,
    _run,
    ProbeDoc(
        summary="Sends bounded concurrent load to a local endpoint: latency percentiles, error "
        "rate, throughput, and RSS/FD growth of a process (leak hints).",
        why="'Handles 100 concurrent users' is a claim; percentiles and error rate under that "
        "load, with memory and descriptors before and after, are evidence.",
        example="{id: api-load, kind: load, url: 'http://127.0.0.1:8069/web/health', "
        "concurrency: 20, requests: 2000, expect: {p95_ms: 250, error_rate: '1%'}}",
        remediation="Profile the endpoint under load; if RSS or FDs grow with every run, look "
        "for unclosed connections, files or caches without bounds.",
    ),
    http.target,
    measures=(*(MeasureSpec(k, "ms", limit=f"expect.{k}") for k in net.LATENCIES), *LOAD),
    rules=(
        Rule(
            "load.latency",
            "A latency percentile under load misses its target",
            remediation=(
                "Profile the endpoint under the same concurrency; look at the "
                "slowest requests first."
            ),
        ),
        Rule(
            "load.errors",
            "The error rate under load is above the limit",
            remediation="Read the service's logs for the failing requests during the run.",
        ),
        Rule(
            "load.throughput",
            "Throughput under load is below the minimum",
            remediation=(
                "Profile the endpoint; check the pool sizes and the concurrency the service allows."
            ),
        ),
        Rule(
            "load.rss-growth",
            "The service's memory grew during the load run",
            remediation=("Look for a leak: caches without bounds, objects kept per request."),
        ),
        Rule(
            "load.fd-growth",
            "The service's open file descriptors grew during the load run",
            remediation=("Look for connections or files opened per request and never closed."),
        ),
    ),
)
