"""The `tcp` probe against real sockets."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from gonogo.fs.index import FileIndex
from gonogo.models import Outcome, Status
from gonogo.probes import tcp
from gonogo.probes.base import Context
from httpserver import Blackhole, closed_port


def run(
    tmp_path: Path,
    params: dict[str, Any],
    environ: dict[str, str] | None = None,
    timeout: float = 3.0,
) -> Outcome:
    ctx = Context(tmp_path, FileIndex(tmp_path), environ or {}, timeout, "t")
    return asyncio.run(tcp.PROBE.run(tcp.TcpParams.model_validate(params), ctx))


def test_open_port_passes(tmp_path: Path) -> None:
    with Blackhole() as hole:
        out = run(tmp_path, {"host": "127.0.0.1", "port": hole.port})
    assert out.status is Status.PASS
    assert out.evidence["address"] == f"127.0.0.1:{hole.port}"


def test_port_from_variable(tmp_path: Path) -> None:
    with Blackhole() as hole:
        out = run(
            tmp_path,
            {"host": "${DB_HOST:-127.0.0.1}", "port": "${DB_PORT}"},
            {"DB_PORT": str(hole.port)},
        )
    assert out.status is Status.PASS, out.message


def test_closed_port_is_refused(tmp_path: Path) -> None:
    out = run(tmp_path, {"host": "127.0.0.1", "port": closed_port()})
    assert out.status is Status.ERROR
    assert "connection refused" in out.message


def test_unknown_host_is_a_dns_error(tmp_path: Path) -> None:
    out = run(tmp_path, {"host": "db.no-such-host.invalid", "port": 5432})
    assert out.status is Status.ERROR
    assert "does not resolve (DNS)" in out.message


def test_bad_port_variable(tmp_path: Path) -> None:
    out = run(tmp_path, {"host": "127.0.0.1", "port": "${P}"}, {"P": "http"})
    assert out.status is Status.ERROR
    assert "not a port number" in out.message


def test_target_names_host_and_port(tmp_path: Path) -> None:
    ctx = Context(tmp_path, FileIndex(tmp_path), {}, 1.0)
    assert tcp.PROBE.target is not None
    assert tcp.PROBE.target(tcp.TcpParams(host="DB.local", port=5432), ctx) == "tcp://db.local:5432"


def test_unknown_key_is_rejected() -> None:
    with pytest.raises(ValueError, match="hots"):
        tcp.TcpParams.model_validate({"hots": "x", "host": "x", "port": 1})
