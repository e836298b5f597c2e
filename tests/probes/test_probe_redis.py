"""The `redis` probe against real servers: the shared one (own keys only) and, for
persistence that is on, servers this test starts in a temporary directory."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from pathlib import Path
from typing import Any

import pytest
import redis

import services
from gonogo.fs.index import FileIndex
from gonogo.models import Outcome, Status
from gonogo.probes import redis_probe
from gonogo.probes.base import Context
from httpserver import closed_port

pytestmark = pytest.mark.services


def run(
    tmp_path: Path,
    params: dict[str, Any],
    environ: dict[str, str] | None = None,
    check_id: str = "cache",
) -> Outcome:
    ctx = Context(tmp_path, FileIndex(tmp_path), environ or {}, 5.0, check_id)
    return asyncio.run(redis_probe.PROBE.run(redis_probe.RedisParams.model_validate(params), ctx))


def own_server(tmp_path: Path, *args: str) -> contextlib.AbstractContextManager[str]:
    """A Redis server of this test's own, with ARGS (persistence, a password)."""
    home = tmp_path / "redis"
    home.mkdir()
    return services.temporary(services.REDIS, home, *args)


def test_ping(redis_url: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"url": redis_url})
    assert out.status is Status.PASS
    assert "answers PING" in out.message
    assert out.evidence["version"]


def test_roundtrip_leaves_no_key(redis_url: str, tmp_path: Path) -> None:
    check_id = f"rt-{uuid.uuid4().hex[:8]}"
    out = run(tmp_path, {"url": redis_url, "expect": {"roundtrip": True}}, check_id=check_id)
    assert out.status is Status.PASS, out.message
    assert "a key round-trips" in out.message
    client = redis.Redis.from_url(redis_url)
    try:
        assert list(client.scan_iter(f"{redis_probe.KEY_PREFIX}{check_id}:*")) == []
    finally:
        client.close()


def test_no_persistence_fails_for_any(tmp_path: Path) -> None:
    with own_server(tmp_path, "--save", "", "--appendonly", "no") as url:
        out = run(tmp_path, {"url": url, "expect": {"persistence": "any"}})
    assert out.status is Status.FAIL
    assert "data would not survive a restart" in out.message
    assert out.evidence["persistence"]["aof"] is False


@pytest.mark.parametrize(
    ("args", "mode", "status"),
    [
        (("--appendonly", "yes", "--save", ""), "aof", Status.PASS),
        (("--appendonly", "yes", "--save", ""), "any", Status.PASS),
        (("--appendonly", "yes", "--save", ""), "rdb", Status.FAIL),
        (("--appendonly", "no", "--save", "3600 1"), "rdb", Status.PASS),
        (("--appendonly", "no", "--save", "3600 1"), "aof", Status.FAIL),
    ],
)
def test_persistence_modes(
    tmp_path: Path, args: tuple[str, ...], mode: str, status: Status
) -> None:
    with own_server(tmp_path, *args) as url:
        out = run(tmp_path, {"url": url, "expect": {"persistence": mode}})
    assert out.status is status, out.message


def test_wrong_password_is_an_auth_error(tmp_path: Path) -> None:
    with own_server(tmp_path, "--requirepass", "right-one") as url:
        bad = run(tmp_path, {"url": url.replace("//", "//:${RPW}@")}, {"RPW": "wrong-one"})
        good = run(tmp_path, {"url": url.replace("//", "//:${RPW}@")}, {"RPW": "right-one"})
    assert bad.status is Status.ERROR
    assert "authentication failed" in bad.message
    assert good.status is Status.PASS


def test_refused_and_dns(tmp_path: Path) -> None:
    refused = run(tmp_path, {"url": f"redis://127.0.0.1:{closed_port()}/0"})
    dns = run(tmp_path, {"url": "redis://cache.no-such-host.invalid:6379/0"})
    assert "connection refused" in refused.message
    assert "does not resolve (DNS)" in dns.message


def test_target_and_validation(tmp_path: Path) -> None:
    ctx = Context(tmp_path, FileIndex(tmp_path), {"P": "pw12"})
    p = redis_probe.RedisParams(url="redis://:${P}@Cache:6380/2")
    assert redis_probe.PROBE.target is not None
    assert redis_probe.PROBE.target(p, ctx) == "redis://cache:6380"
    with pytest.raises(ValueError, match="not a redis://"):
        redis_probe.RedisParams(url="http://cache:6379")
