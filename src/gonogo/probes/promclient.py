"""What the `prometheus` and `slo` probes share: the server params and one bounded query
against Prometheus's HTTP API (`/api/v1/query`, `/api/v1/query_range`), read by
`promanswer` into float series.

The body is read up to `max_bytes` and no further (a bigger answer is an `error`, never
an out-of-memory), every request runs under the check's deadline, and a query the server
rejects (bad PromQL, a wrong URL answering HTML) is a non-transient error: not retried,
and not held against the server by the circuit breaker.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any, TypeVar
from urllib.parse import urlencode

from pydantic import BeforeValidator, Field, WithJsonSchema, field_validator

from gonogo.durations import DURATION_JSON, RATIO_JSON, parse_duration, parse_ratio
from gonogo.probes import http
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, Params
from gonogo.probes.promanswer import Answer, QueryFailed, decode

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")
MAX_BYTES = 8 * 1024 * 1024
HARD_MAX_BYTES = 64 * 1024 * 1024
MAX_POINTS = 11_000  # Prometheus refuses range queries with more points per series

Seconds = Annotated[
    float, BeforeValidator(parse_duration), Field(gt=0), WithJsonSchema(DURATION_JSON)
]
Fraction = Annotated[float, BeforeValidator(parse_ratio), WithJsonSchema(RATIO_JSON)]
"""A number, or a percentage written '1%' (= 0.01)."""


class ServerParams(Params):
    url: str = Field(
        description="Prometheus base URL (http://host:9090, or its path prefix); may use ${VAR}"
    )
    headers: dict[str, str] = Field(
        default_factory=dict, description="e.g. {Authorization: 'Bearer ${PROM_TOKEN}'}"
    )
    verify: bool = Field(True, description="verify the server's TLS certificate")
    ca_file: str | None = Field(None, description="CA bundle (PEM) to trust, relative to root")
    max_bytes: int = Field(
        MAX_BYTES, ge=1024, le=HARD_MAX_BYTES, description="largest answer read, in bytes"
    )

    _url = field_validator("url")(http.check_url)


@dataclass(frozen=True, slots=True)
class Server:
    base: str
    headers: dict[str, str] = field(repr=False)
    max_bytes: int = MAX_BYTES
    timeout_s: float = 30.0  # the check's timeout, for messages

    @property
    def shown(self) -> str:
        return net.safe_url(self.base)


def prepare(p: ServerParams, ctx: Context) -> Server:
    """Expand ${VAR} in url and headers; LookupError or ValueError when that fails."""
    base = ctx.expand(p.url).rstrip("/")
    if "${" in p.url:
        http.check_url(base)
    headers = {k: ctx.expand(v) for k, v in p.headers.items()}
    headers.setdefault("Accept", "application/json")
    # uncompressed: answers are small and on a fast network; compressing them costs the
    # server more than it saves (about 1.5 ms a query on loopback), and what is read is
    # then exactly what `max_bytes` bounds, with no decompressed expansion behind it
    headers.setdefault("Accept-Encoding", "identity")
    return Server(base, headers, p.max_bytes, ctx.timeout_s)


def client(p: ServerParams, ctx: Context, connections: int = 4) -> httpx.AsyncClient:
    rp = http.RequestParams(url=p.url, verify=p.verify, ca_file=p.ca_file)
    return http.make_client(rp, ctx, connections=connections)


def target(p: ServerParams, ctx: Context) -> str:
    """The circuit breaker's key: one dead Prometheus is one target."""
    return net.url_target(ctx.expand(p.url))


async def gather(*coros: Coroutine[Any, Any, T]) -> list[T]:
    """Run queries side by side; the first failure cancels the rest and is raised alone
    (no sibling left to fail unobserved once the client is closed)."""
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(c) for c in coros]
    except BaseExceptionGroup as group_error:
        raise _first(group_error) from None
    return [t.result() for t in tasks]


def _first(group: BaseExceptionGroup[BaseException]) -> BaseException:
    """The QueryFailed (else the first error) inside nested exception groups."""
    flat: list[BaseException] = []
    pending: list[BaseException] = [group]
    while pending:
        exc = pending.pop(0)
        if isinstance(exc, BaseExceptionGroup):
            pending.extend(exc.exceptions)
        else:
            flat.append(exc)
    return next((e for e in flat if isinstance(e, QueryFailed)), flat[0])


def number(value: float, unit: str = "") -> str:
    """`0.004`, `212 ms`, `99.5%`: a value as messages show it."""
    if not unit:
        return f"{value:g}"
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}"


def prom_duration(seconds: float) -> str:
    """A duration Prometheus parses: `30d`, `1h`, `5m`, `90s`, `250ms`."""
    ms = round(seconds * 1000)
    for unit, size in (("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1000)):
        if ms >= size and ms % size == 0:
            return f"{ms // size}{unit}"
    return f"{ms}ms"


async def instant(
    client: httpx.AsyncClient,
    server: Server,
    query: str,
    *,
    timeout_s: float,
    at: float | None = None,
) -> Answer:
    """Evaluate `query` now (the server's clock), or at unix time `at`."""
    params = {"query": query, "timeout": prom_duration(timeout_s)}
    if at is not None:
        params["time"] = f"{at:.3f}"
    return await _ask(client, server, "/api/v1/query", params, instant=True)


async def over_range(
    client: httpx.AsyncClient,
    server: Server,
    query: str,
    *,
    start: float,
    end: float,
    step_s: float,
    timeout_s: float,
) -> Answer:
    params = {
        "query": query,
        "start": f"{start:.3f}",
        "end": f"{end:.3f}",
        "step": prom_duration(step_s),
        "timeout": prom_duration(timeout_s),
    }
    return await _ask(client, server, "/api/v1/query_range", params, instant=False)


async def _ask(
    client: httpx.AsyncClient, server: Server, path: str, params: dict[str, str], *, instant: bool
) -> Answer:
    import httpx

    req = http.Request("GET", f"{server.base}{path}?{urlencode(params)}", server.headers, None)
    shown = f"Prometheus {server.shown}"
    try:
        got = await http.fetch(client, req, cap=server.max_bytes + 1)
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise QueryFailed(f"{shown}: invalid URL ({exc})", transient=False) from None
    except (httpx.HTTPError, OSError) as exc:
        err = net.classify(exc)
        message = net.describe(shown, err, server.timeout_s, net.url_host(server.base))
        raise QueryFailed(message, transient=True, evidence={"failure": err.kind.value}) from None
    if got.truncated:
        raise QueryFailed(
            f"{shown} answered more than {server.max_bytes:,} bytes (`max_bytes`); narrow "
            "the query to fewer series (aggregate with sum/max by ...) or a coarser `step`",
            transient=False,
        )
    return decode(got.body, got.status, shown, path, instant=instant)
