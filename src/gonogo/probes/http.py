"""`http`: one request, judged on status, body, JSON values and latency (httpx, async).

`Request`, `make_client` and `fetch` are shared with the `bench` and `load` probes."""

from __future__ import annotations

import asyncio
import functools
import json
import re
import ssl
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field, field_validator

from gonogo import patterns
from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, Regex
from gonogo.rules import Rule

if TYPE_CHECKING:
    import httpx

BODY_CAP = 1024 * 1024
Method = Literal["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


def check_url(value: str) -> str:
    """A literal URL must be http(s); one built from ${VAR} is checked after expansion."""
    if "${" not in value and not re.match(r"(?i)^https?://[^/]", value):
        raise ValueError(f"{value!r} is not an http:// or https:// URL")
    return value


class HttpExpect(Params):
    status: int | list[int] | None = Field(
        None, description="status code(s) that count as success; default any 2xx"
    )
    body: Regex | None = Field(None, description="regex searched in the body (first 1 MiB)")
    json_values: dict[str, Any] = Field(
        default_factory=dict,
        alias="json",
        description="dotted path → expected value, e.g. {db.ok: true, items.0.name: a}",
    )
    max_ms: float | None = Field(None, gt=0, description="slowest acceptable response, ms")


class RequestParams(Params):
    url: str = Field(description="http(s) URL; may use ${VAR}")
    method: Method = "GET"
    headers: dict[str, str] = Field(default_factory=dict, description="may use ${VAR}")
    body: str | dict[str, Any] | list[Any] | None = Field(
        None, description="request body: a string, or a mapping/list sent as JSON"
    )
    verify: bool = Field(True, description="verify the server's TLS certificate")
    ca_file: str | None = Field(None, description="CA bundle (PEM) to trust, relative to root")

    _url = field_validator("url")(check_url)


class HttpParams(RequestParams):
    follow_redirects: bool = True
    max_redirects: int = Field(5, ge=0, le=30, description="more than this is a failure")
    expect: HttpExpect = HttpExpect()


@dataclass(frozen=True, slots=True)
class Request:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None

    @property
    def shown(self) -> str:
        return f"{self.method} {net.safe_url(self.url)}"


@dataclass(frozen=True, slots=True)
class Fetched:
    status: int
    final_url: str
    body: bytes
    truncated: bool
    elapsed_s: float
    redirects: int


def prepare(p: RequestParams, ctx: Context) -> Request:
    """Expand ${VAR} in url, headers and body; refuse a non-http(s) result."""
    url = ctx.expand(p.url)
    if not re.match(r"(?i)^https?://[^/]", url):
        raise ValueError("`url` does not expand to an http:// or https:// URL")
    headers = {k: ctx.expand(v) for k, v in p.headers.items()}
    content: bytes | None = None
    if isinstance(p.body, str):
        content = ctx.expand(p.body).encode()
    elif p.body is not None:
        content = json.dumps(p.body).encode()
        headers.setdefault("Content-Type", "application/json")
    return Request(p.method, url, headers, content)


@functools.cache
def tls_context(cafile: str | None) -> ssl.SSLContext:
    """A verifying TLS context, built once per CA bundle: loading a bundle costs tens of
    milliseconds of CPU, too much to pay per check and per retry. Contexts are shareable."""
    if cafile is None:
        import certifi

        cafile = certifi.where()
    return ssl.create_default_context(cafile=cafile)


def make_client(
    p: RequestParams,
    ctx: Context,
    *,
    follow: bool = False,
    max_redirects: int = 0,
    connections: int = 10,
) -> httpx.AsyncClient:
    import httpx

    verify: bool | ssl.SSLContext = False
    if p.verify:
        verify = tls_context(str(ctx.path(p.ca_file)) if p.ca_file else None)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    return httpx.AsyncClient(
        verify=verify,
        follow_redirects=follow,
        max_redirects=max_redirects,
        trust_env=False,
        limits=limits,
        timeout=httpx.Timeout(net.deadline_s(ctx)),
    )


async def fetch(client: httpx.AsyncClient, req: Request, cap: int = BODY_CAP) -> Fetched:
    """Send `req`; read at most `cap` bytes of the body. httpx errors propagate."""
    t0 = time.perf_counter()
    async with client.stream(req.method, req.url, headers=req.headers, content=req.content) as resp:
        buf = bytearray()
        truncated = False
        async for chunk in resp.aiter_bytes():
            buf += chunk[: cap - len(buf)]
            if len(buf) >= cap:
                truncated = True
                break
        elapsed = time.perf_counter() - t0
        return Fetched(
            resp.status_code, str(resp.url), bytes(buf), truncated, elapsed, len(resp.history)
        )


def transport_error(req: Request, exc: Exception, ctx: Context) -> Outcome:
    """An `error` outcome for an exception raised by `fetch` (or a total deadline)."""
    import httpx

    if isinstance(exc, httpx.InvalidURL | httpx.UnsupportedProtocol):
        return errored(f"{req.shown}: invalid URL ({exc})")
    err = net.classify(exc)
    return errored(
        net.describe(req.shown, err, ctx.timeout_s, net.url_host(req.url)),
        evidence={"failure": err.kind.value},
    )


async def _run(p: HttpParams, ctx: Context) -> Outcome:
    import httpx

    try:
        req = prepare(p, ctx)
    except (LookupError, ValueError) as exc:
        return errored(str(exc))
    try:
        async with (
            asyncio.timeout(net.deadline_s(ctx)),
            make_client(p, ctx, follow=p.follow_redirects, max_redirects=p.max_redirects) as client,
        ):
            got = await fetch(client, req)
    except httpx.TooManyRedirects:
        return failed(
            f"{req.shown} redirected more than {p.max_redirects} times (a redirect "
            "loop?); fix the Location headers or raise `max_redirects`",
            findings=(Finding("http.redirects", "too many redirects"),),
        )
    except (httpx.HTTPError, OSError, TimeoutError) as exc:
        return transport_error(req, exc, ctx)
    return judge(p, req, got)


def _want_status(p: HttpParams) -> list[int] | None:
    s = p.expect.status
    return None if s is None else ([s] if isinstance(s, int) else list(s))


def judge(p: HttpParams, req: Request, got: Fetched) -> Outcome:
    ms = round(got.elapsed_s * 1000, 1)
    evidence: dict[str, Any] = {
        "status": got.status,
        "latency_ms": ms,
        "final_url": net.safe_url(got.final_url),
        "bytes": len(got.body),
        "redirects": got.redirects,
    }
    if got.truncated:
        evidence["truncated"] = f"body read up to {BODY_CAP} bytes"
    problems = list(_problems(p, got, ms))
    if not problems:
        return passed(f"{req.shown} returned {got.status} in {ms:g} ms", evidence=evidence)
    findings = tuple(Finding(rule, f"{req.shown}: {text}") for rule, text in problems)
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return failed(f"{req.shown}: {problems[0][1]}{more}", evidence=evidence, findings=findings)


def _problems(p: HttpParams, got: Fetched, ms: float) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    want = _want_status(p)
    if (want is None and not 200 <= got.status < 300) or (want and got.status not in want):
        shown = "2xx" if want is None else (want[0] if len(want) == 1 else want)
        out.append(("http.status", f"returned {got.status}; expected {shown}"))
    text = got.body.decode("utf-8", errors="replace")
    if p.expect.body is not None and not patterns.compiled(p.expect.body, multiline=True).search(
        text
    ):
        out.append(("http.body", f"body does not match /{p.expect.body}/"))
    if p.expect.json_values:
        out.extend(_json_problems(text, p.expect.json_values))
    if p.expect.max_ms is not None and ms > p.expect.max_ms:
        out.append(("http.latency", f"took {ms:g} ms; expected at most {p.expect.max_ms:g} ms"))
    return out


def _json_problems(text: str, want: dict[str, Any]) -> list[tuple[str, str]]:
    try:
        doc = json.loads(text)
    except (ValueError, RecursionError):  # RecursionError: nesting too deep
        return [("http.json", "body is not JSON (or is longer than 1 MiB)")]
    out = []
    for path, expected in want.items():
        found, actual = lookup(doc, path)
        if not found:
            out.append(("http.json", f"JSON has no {path}; expected {expected!r}"))
        elif actual != expected:
            out.append(("http.json", f"JSON {path} is {actual!r}; expected {expected!r}"))
    return out


def lookup(doc: Any, path: str) -> tuple[bool, Any]:
    """Follow a dotted path (`a.b.0.c`, optional leading `$.`) through dicts and lists."""
    cur = doc
    for part in path.removeprefix("$.").split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif (
            isinstance(cur, list)
            and part.lstrip("-").isdigit()
            and -len(cur) <= int(part) < len(cur)
        ):
            cur = cur[int(part)]
        else:
            return False, None
    return True, cur


def target(p: RequestParams, ctx: Context) -> str:
    return net.url_target(ctx.expand(p.url))


PROBE = Probe(
    "http",
    HttpParams,
    _run,
    ProbeDoc(
        summary="Sends one HTTP request and checks status, body, JSON values and latency.",
        why="'The API is healthy' is a claim; a 200 with the right JSON in under 500 ms is "
        "evidence.",
        example="{id: health, kind: http, url: 'http://127.0.0.1:8069/web/health', "
        "expect: {status: 200, json: {status: ok}, max_ms: 500}}",
        remediation="Open the URL yourself; for connection errors start the service or fix the "
        "URL, for TLS errors fix the certificate, for slowness profile the endpoint.",
    ),
    target,
    rules=(
        Rule(
            "http.status",
            "An endpoint answered with an unexpected status",
            remediation=("Read the service's logs for the request; fix the handler or the URL."),
        ),
        Rule(
            "http.body",
            "A response body does not match the expected pattern",
            remediation=("Check what the endpoint returns now against what the plan expects."),
        ),
        Rule(
            "http.json",
            "A JSON response lacks an expected value",
            remediation=("Check the JSON the endpoint returns against the paths in `expect.json`."),
        ),
        Rule(
            "http.latency",
            "An endpoint answered slower than allowed",
            remediation=(
                "Profile the endpoint, or raise `expect.max_ms` if the new figure is intended."
            ),
        ),
        Rule(
            "http.redirects",
            "An endpoint redirects too many times",
            remediation="Fix the redirect loop, or point the check at the final URL.",
        ),
    ),
)
