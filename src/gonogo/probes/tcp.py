"""`tcp`: a TCP connection to host:port opens within the timeout."""

from __future__ import annotations

import asyncio
import time

from pydantic import Field

from gonogo.models import Outcome, errored, failed, passed
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, Params, Probe, ProbeDoc


class TcpParams(Params):
    host: str = Field(description="host name or address; may use ${VAR}")
    port: int | str = Field(description="port number, or a ${VAR} that expands to one")
    max_ms: float | None = Field(None, gt=0, description="slowest acceptable connect, ms")


def _port(p: TcpParams, ctx: Context) -> int:
    text = ctx.expand(p.port) if isinstance(p.port, str) else str(p.port)
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise ValueError(
            f"`port` {'expands to' if isinstance(p.port, str) else 'is'} "
            f"{text!r}, not a port number (1-65535)"
        )
    return int(text)


async def _run(p: TcpParams, ctx: Context) -> Outcome:
    try:
        host, port = ctx.expand(p.host), _port(p, ctx)
    except (LookupError, ValueError) as exc:
        return errored(str(exc))
    shown = f"tcp {host}:{port}"
    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(net.deadline_s(ctx)):
            _, writer = await asyncio.open_connection(host, port)
    except (OSError, TimeoutError) as exc:
        err = net.classify(exc)
        return errored(
            net.describe(shown, err, ctx.timeout_s, host), evidence={"failure": err.kind.value}
        )
    ms = round((time.perf_counter() - t0) * 1000, 2)
    peer = writer.get_extra_info("peername")
    writer.close()
    await asyncio.gather(writer.wait_closed(), return_exceptions=True)
    evidence = {"connect_ms": ms, "address": f"{peer[0]}:{peer[1]}" if peer else None}
    if p.max_ms is not None and ms > p.max_ms:
        return failed(
            f"{shown} connected in {ms:g} ms; expected at most {p.max_ms:g} ms", evidence=evidence
        )
    return passed(f"{shown} accepts connections ({ms:g} ms)", evidence=evidence)


def _target(p: TcpParams, ctx: Context) -> str:
    host = ctx.expand(p.host).lower()
    return f"tcp://{f'[{host}]' if ':' in host else host}:{_port(p, ctx)}"


PROBE = Probe(
    "tcp",
    TcpParams,
    _run,
    ProbeDoc(
        summary="Opens a TCP connection to host:port within the timeout.",
        why="A service 'deployed' but not listening is the most common first failure after a "
        "deploy; a connect proves the port is open from where gonogo runs.",
        example="{id: db-port, kind: tcp, host: 127.0.0.1, port: 5432, timeout: 3s}",
        remediation="Start the service, check it binds the right address and port, and that no "
        "firewall drops the traffic.",
    ),
    _target,
)
