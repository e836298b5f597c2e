"""What the network probes share: one-line actionable messages for the ways a connection
fails, target names for the circuit breaker, URL redaction, deadlines and percentiles."""

from __future__ import annotations

import enum
import ipaddress
import math
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from gonogo.durations import format_duration
from gonogo.models import Finding, Outcome, failed
from gonogo.probes.base import Context

DEFAULT_PORTS = {
    "http": 80,
    "https": 443,
    "redis": 6379,
    "rediss": 6379,
    "postgresql": 5432,
    "postgres": 5432,
    "tcp": 0,
}


LATENCIES = ("p95_ms", "p50_ms", "p99_ms")  # the measures of bench and load, p95 first


class Failure(enum.StrEnum):
    REFUSED = "refused"
    DNS = "dns"
    TLS = "tls"
    TIMEOUT = "timeout"
    RESET = "reset"
    AUTH = "auth"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class NetError:
    kind: Failure
    detail: str


# Lower-case fragments of driver messages that carry no exception chain (libpq, redis).
_TEXT_HINTS: tuple[tuple[str, Failure], ...] = (
    ("connection refused", Failure.REFUSED),
    ("failed to resolve host", Failure.DNS),
    ("could not translate host name", Failure.DNS),
    ("name or service not known", Failure.DNS),
    ("temporary failure in name resolution", Failure.DNS),
    ("nodename nor servname", Failure.DNS),
    ("timeout expired", Failure.TIMEOUT),
    ("timed out", Failure.TIMEOUT),
    ("ssl", Failure.TLS),
    ("certificate", Failure.TLS),
    ("password authentication failed", Failure.AUTH),
    ("authentication failed", Failure.AUTH),
    ("invalid password", Failure.AUTH),
    ("invalid username-password", Failure.AUTH),
    ("noauth", Failure.AUTH),
    ("connection reset", Failure.RESET),
    ("server closed the connection", Failure.RESET),
)


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and cur not in seen and len(seen) < 10:
        seen.append(cur)
        cur = cur.__cause__ or cur.__context__
    return seen


def _by_type(exc: BaseException) -> Failure | None:
    if isinstance(exc, socket.gaierror):
        return Failure.DNS
    if isinstance(exc, ssl.SSLError | ssl.CertificateError) and not isinstance(
        exc, ssl.SSLWantReadError | ssl.SSLWantWriteError
    ):
        return Failure.TLS
    if isinstance(exc, ConnectionRefusedError):
        return Failure.REFUSED
    if isinstance(exc, ConnectionResetError | BrokenPipeError | ConnectionAbortedError):
        return Failure.RESET
    if isinstance(exc, TimeoutError) or type(exc).__name__.endswith("Timeout"):
        return Failure.TIMEOUT
    return None


def classify(exc: BaseException) -> NetError:
    """Name the way a connection failed, from the exception chain or the driver's text."""
    chain = _chain(exc)
    for link in chain:
        kind = _by_type(link)
        if kind is not None:
            return NetError(kind, _detail(link))
    text = " ".join(str(link) for link in chain).lower()
    for fragment, kind in _TEXT_HINTS:
        if fragment in text:
            return NetError(kind, _detail(exc))
    return NetError(Failure.OTHER, _detail(exc))


def _detail(exc: BaseException) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError) and exc.verify_message:
        return str(exc.verify_message).rstrip(".")
    if isinstance(exc, ssl.SSLError) and exc.reason:
        return str(exc.reason).lower().replace("_", " ")
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__


def describe(what: str, err: NetError, timeout_s: float, host: str = "") -> str:
    """One line that says what happened to `what` and what the user can do about it."""
    if err.kind is Failure.REFUSED:
        return (
            f"{what}: connection refused; nothing listens on that port: start the service "
            "or fix the host/port"
        )
    if err.kind is Failure.DNS:
        name = f"host name {host!r}" if host else "the host name"
        return (
            f"{what}: {name} does not resolve (DNS); check its spelling, /etc/hosts or the resolver"
        )
    if err.kind is Failure.TLS:
        return (
            f"{what}: TLS failed ({err.detail}); fix or renew the certificate, trust its "
            "CA, or set `verify: false` for a test host only"
        )
    if err.kind is Failure.TIMEOUT:
        return (
            f"{what}: no answer within {format_duration(timeout_s)} (timeout); the service "
            "is hung, overloaded or firewalled: check it, or raise the check's `timeout`"
        )
    if err.kind is Failure.RESET:
        return f"{what}: the server closed the connection ({err.detail}); read its logs"
    if err.kind is Failure.AUTH:
        return (
            f"{what}: authentication failed; check the user and password given in the "
            "check (through its ${VAR})"
        )
    return f"{what}: connection failed: {err.detail}"


def deadline_s(ctx: Context) -> float:
    """The probe's own I/O deadline: a little under the engine's, so the probe says which
    step timed out instead of the engine's generic message."""
    margin = min(0.25, ctx.timeout_s * 0.1)
    return max(0.05, ctx.timeout_s - margin)


def url_target(url: str) -> str:
    """scheme://host:port of a URL: the circuit breaker's key (no user, path or query)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    port = port or DEFAULT_PORTS.get(scheme, 0)
    shown = f"[{host}]" if ":" in host else host
    return f"{scheme}://{shown}:{port}"


def safe_url(url: str) -> str:
    """The URL with any password in its user part replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def url_host(url: str) -> str:
    return urlsplit(url).hostname or ""


def is_loopback(host: str) -> bool:
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def percentile(sorted_values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile of an already sorted, non-empty sequence."""
    rank = max(1, math.ceil(pct / 100 * len(sorted_values)))
    return sorted_values[min(rank, len(sorted_values)) - 1]


def summary_ms(samples_s: Sequence[float]) -> dict[str, float]:
    """min/p50/p95/p99/max in milliseconds, rounded to 0.01 ms."""
    values = sorted(s * 1000 for s in samples_s)
    out = {
        "min_ms": values[0],
        "p50_ms": percentile(values, 50),
        "p95_ms": percentile(values, 95),
        "p99_ms": percentile(values, 99),
        "max_ms": values[-1],
    }
    return {k: round(v, 2) for k, v in out.items()}


def over_targets(stats: dict[str, float], targets: dict[str, float | None]) -> list[str]:
    """Each `name` whose measured value exceeds its target, as 'p95 812 ms > 500 ms'."""
    out = []
    for key, limit in targets.items():
        if limit is not None and stats[key] > limit:
            out.append(f"{key.removesuffix('_ms')} {stats[key]:g} ms > {limit:g} ms")
    return out


def failed_first(shown: str, problems: list[Finding], evidence: dict[str, object]) -> Outcome:
    """`fail` naming the first problem and counting the rest; every one is a finding."""
    more = f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""
    return failed(
        f"{shown}: {problems[0].message}{more}", evidence=evidence, findings=tuple(problems)
    )
