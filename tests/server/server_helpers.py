"""The team server in tests: a real `gonogo serve` process on a free port, or the app in
process through Starlette's TestClient (httpx against the ASGI app, lifespan included)
where a socket adds nothing. Reports are built as CI would push them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
from argon2 import PasswordHasher

from gonogo.models import CheckResult, GateReport, GitInfo, RunReport, Status, Verdict
from gonogo.server import tokens, users
from gonogo.server.config import ROLES, Settings
from gonogo.server.db import ServerDB

BASE = "https://testserver"  # https: the Secure session cookie travels in tests too
PASSWORD = "correct horse battery"
AT = "2026-01-01T00:00:00Z"
# argon2 at its lowest cost: the tests log in often, and the cost is not what they test
CHEAP = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


class Clock:
    """A fake clock: tests move it, nothing sleeps."""

    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def run(
    statuses: Mapping[str, Status],
    *,
    project: str = "shop",
    commit: str | None = "c0ffee0000000000000000000000000000000001",
    branch: str | None = "main",
    n: int = 0,
    gate: str = "infra",
    priorities: Mapping[str, str] | None = None,
    owners: Mapping[str, str] | None = None,
    approvals: tuple[str, ...] = (),
    given: tuple[str, ...] = (),
    threshold: float = 100.0,
    waivers: Mapping[str, Mapping[str, Any]] | None = None,
    plan_hash: str = "planhash0001",
    dirty: bool = False,
) -> RunReport:
    """One run of one gate whose checks have the given statuses."""
    pri, own, waive = priorities or {}, owners or {}, waivers or {}
    checks = tuple(
        CheckResult(
            check_id=cid,
            gate=gate,
            kind="file.exists",
            priority=pri.get(cid, "P2"),
            status=st,
            message=f"{cid} is {st.value}",
            owner=own.get(cid),
            waiver=waive.get(cid),
        )
        for cid, st in statuses.items()
    )
    passed = sum(c.status is Status.PASS for c in checks)
    counted = sum(c.status not in (Status.SKIP, Status.WAIVED) for c in checks)
    rate = round(100 * passed / counted, 1) if counted else None
    ok = rate is not None and rate >= threshold and set(approvals) <= set(given)
    verdict = (
        Verdict.GO
        if ok
        and not any(c.priority == "P0" and c.status in (Status.FAIL, Status.ERROR) for c in checks)
        else Verdict.NO_GO
    )
    g = GateReport(
        gate,
        gate.title(),
        verdict,
        rate,
        passed,
        len(checks),
        0,
        0,
        threshold,
        (),
        (),
        approvals,
        given,
    )
    return RunReport(
        project=project,
        run_id=uuid.uuid4().hex,
        started_at=f"2026-01-01T{n // 3600:02d}:{n // 60 % 60:02d}:{n % 60:02d}Z",
        duration_s=0.5,
        git=GitInfo(commit, branch, dirty),
        verdict=verdict,
        pass_rate=rate,
        gates=(g,),
        checks=checks,
        plan_hash=plan_hash,
        plan_source="gonogo.yaml",
        root="/tmp/x",
    )


def body(report: RunReport) -> bytes:
    return json.dumps(report.to_dict()).encode()


def renamed(report: RunReport, **changes: Any) -> RunReport:
    return replace(report, **changes)


@dataclass
class Seeded:
    """A store with a token per project and one user per role."""

    url: str
    tokens: dict[str, str] = field(default_factory=dict)
    user_tokens: dict[str, str] = field(default_factory=dict)


def seed(url: str, projects: tuple[str, ...] = ("shop", "billing")) -> Seeded:
    db = ServerDB.open(url)
    out = Seeded(url)
    try:
        with db.write() as conn:
            for p in projects:
                out.tokens[p] = tokens.add(conn, "ingest", p, by="test", at=AT)
            for role in ROLES:
                users.add(conn, role, role, PASSWORD, signs=(), by="test", at=AT, hasher=CHEAP)
                out.user_tokens[role] = tokens.add(conn, "user", role, by="test", at=AT)
    finally:
        db.close()
    return out


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@contextlib.contextmanager
def app_client(settings: Settings) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    from gonogo.server.app import create_app

    with TestClient(create_app(settings), base_url=BASE) as client:
        yield client


def login(client: Any, name: str) -> str:
    """Log in through the API; returns the session's CSRF token (the cookie is kept)."""
    resp = client.post("/api/v1/session", json={"name": name, "password": PASSWORD})
    assert resp.status_code == 200, resp.text
    return str(resp.json()["csrf"])


# -- a real server process ----------------------------------------------------------------


@dataclass
class ServerProcess:
    url: str
    proc: subprocess.Popen[bytes]
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    store: str, log: Path, *extra: str, env: Mapping[str, str] | None = None
) -> ServerProcess:
    port = free_port()
    cmd = [sys.executable, "-m", "gonogo", "serve", "--store", store, "--port", str(port), *extra]
    with log.open("ab") as out:
        proc = subprocess.Popen(
            cmd, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})}
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gonogo serve exited {proc.returncode}: {log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/healthz", timeout=1).status_code == 200:
                return ServerProcess(url, proc, log)
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"gonogo serve did not answer on {url}: {log.read_text()[-2000:]}")


@contextlib.contextmanager
def server(
    store: str, tmp_path: Path, *extra: str, env: Mapping[str, str] | None = None
) -> Iterator[ServerProcess]:
    s = start_server(store, tmp_path / "serve.log", *extra, env=env)
    try:
        yield s
    finally:
        s.stop()


def wait_for(predicate: Callable[[], bool], timeout_s: float = 10.0) -> None:
    """Poll `predicate` until true (a real server's background work), failing at the end."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError("condition not met in time")


def kill(proc: ServerProcess) -> None:
    proc.stop(signal.SIGKILL)
