"""`redis`: ping; optionally write, read back and delete a namespaced key with a short TTL;
optionally check that data would survive a restart (AOF and/or RDB configured and healthy)."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, Params, Probe, ProbeDoc
from gonogo.rules import Rule

if TYPE_CHECKING:
    import redis.asyncio as aioredis

KEY_PREFIX = "gonogo:roundtrip:"
KEY_TTL_S = 30


class RedisExpect(Params):
    roundtrip: bool = Field(False, description="SET, GET and DEL a key under gonogo:roundtrip:")
    persistence: Literal["aof", "rdb", "any"] | None = Field(
        None, description="fail when data would not survive a restart"
    )


class RedisParams(Params):
    url: str = Field(description="redis://[:${PASSWORD}@]host:port/db, rediss:// or unix://")
    expect: RedisExpect = RedisExpect()

    @field_validator("url")
    @classmethod
    def _scheme(cls, value: str) -> str:
        if "${" not in value and urlsplit(value).scheme not in ("redis", "rediss", "unix"):
            raise ValueError(f"{net.safe_url(value)!r} is not a redis://, rediss:// or unix:// URL")
        return value


def _shown(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return f"redis {parts.path}"
    db = parts.path.strip("/") or "0"
    return f"redis {parts.hostname or '127.0.0.1'}:{parts.port or 6379}/{db}"


async def _run(p: RedisParams, ctx: Context) -> Outcome:
    try:
        url = ctx.expand(p.url)
    except LookupError as exc:
        return errored(str(exc))
    import redis.asyncio as aioredis
    from redis import exceptions as rex
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    shown = _shown(url)
    deadline = net.deadline_s(ctx)
    client = aioredis.Redis.from_url(
        url, socket_timeout=deadline, retry=Retry(NoBackoff(), 0), socket_connect_timeout=deadline
    )
    try:
        async with asyncio.timeout(deadline):
            return await _checks(p, ctx, client, shown)
    except rex.ReadOnlyError:
        return failed(
            f"{shown}: the server is a read-only replica; the roundtrip needs a writable primary"
        )
    except (rex.RedisError, OSError, TimeoutError) as exc:
        err = net.classify(exc)
        return errored(
            net.describe(shown, err, ctx.timeout_s, urlsplit(url).hostname or ""),
            evidence={"failure": err.kind.value},
        )
    finally:
        await asyncio.gather(client.aclose(), return_exceptions=True)


async def _checks(p: RedisParams, ctx: Context, client: aioredis.Redis, shown: str) -> Outcome:
    t0 = time.perf_counter()
    await client.ping()
    evidence: dict[str, Any] = {"ping_ms": round((time.perf_counter() - t0) * 1000, 2)}
    server = await client.info("server")
    evidence["version"] = server.get("redis_version")
    problems: list[Finding] = []
    if p.expect.roundtrip:
        problems += await _roundtrip(ctx, client, evidence)
    if p.expect.persistence is not None:
        problems += await _persistence(p.expect.persistence, client, evidence)
    if problems:
        return net.failed_first(shown, problems, evidence)
    done = ["answers PING"]
    if p.expect.roundtrip:
        done.append("a key round-trips")
    if p.expect.persistence is not None:
        done.append(f"persistence {evidence['persistence']}")
    return passed(f"{shown}: {', '.join(done)} ({evidence['ping_ms']:g} ms)", evidence=evidence)


async def _roundtrip(
    ctx: Context, client: aioredis.Redis, evidence: dict[str, Any]
) -> list[Finding]:
    key = f"{KEY_PREFIX}{ctx.check_id or 'check'}:{uuid.uuid4().hex}"
    value = uuid.uuid4().hex
    t0 = time.perf_counter()
    try:
        await client.set(key, value, ex=KEY_TTL_S)
        got = await client.get(key)
    finally:
        await client.delete(key)
    evidence["roundtrip_ms"] = round((time.perf_counter() - t0) * 1000, 2)
    text = got.decode() if isinstance(got, bytes) else got
    if text != value:
        return [
            Finding(
                "redis.roundtrip",
                f"wrote a key and read back {text!r}; expected the "
                "value written (eviction or a proxy in between?)",
            )
        ]
    return []


async def _config(client: aioredis.Redis) -> dict[str, str | None]:
    """appendonly and save from CONFIG GET; None where CONFIG is disabled (managed Redis)."""
    from redis import exceptions as rex

    try:
        cfg = await client.config_get("appendonly")
        cfg.update(await client.config_get("save"))
    except rex.ResponseError:
        return {"appendonly": None, "save": None}
    return {str(k): (v.decode() if isinstance(v, bytes) else str(v)) for k, v in cfg.items()}


async def _persistence(
    mode: str, client: aioredis.Redis, evidence: dict[str, Any]
) -> list[Finding]:
    cfg = await _config(client)
    info = await client.info("persistence")
    aof_on = (
        cfg["appendonly"] == "yes"
        if cfg["appendonly"] is not None
        else bool(info.get("aof_enabled"))
    )
    aof_ok = aof_on and info.get("aof_last_write_status", "ok") == "ok"
    rdb_on = bool(cfg["save"]) if cfg["save"] is not None else None
    rdb_ok = bool(rdb_on) and info.get("rdb_last_bgsave_status", "ok") == "ok"
    evidence["persistence"] = {
        "aof": aof_on,
        "rdb": rdb_on,
        "save": cfg["save"],
        "aof_last_write_status": info.get("aof_last_write_status"),
        "rdb_last_bgsave_status": info.get("rdb_last_bgsave_status"),
    }
    ok = {"aof": aof_ok, "rdb": rdb_ok, "any": aof_ok or rdb_ok}[mode]
    if ok:
        evidence["persistence"] = {"aof": "AOF", "rdb": "RDB"}.get(
            mode, "AOF" if aof_ok else "RDB"
        ) + " on"
        return []
    return [Finding("redis.persistence", _why_not(mode, aof_on, rdb_on, info))]


def _why_not(mode: str, aof_on: bool, rdb_on: bool | None, info: dict[str, Any]) -> str:
    if aof_on and mode != "rdb":
        return "AOF is on but its last write failed; check the disk and the server log"
    if rdb_on and mode != "aof":
        return "RDB snapshots are configured but the last one failed; check the disk"
    if rdb_on is None and mode != "aof":
        return (
            "CONFIG is disabled, so the RDB save policy cannot be read, and AOF is off; "
            "data would not survive a restart as far as gonogo can tell"
        )
    wanted = {
        "aof": "appendonly yes",
        "rdb": "a `save` policy",
        "any": "appendonly yes or a `save` policy",
    }[mode]
    return (
        f"data would not survive a restart: appendonly is {'yes' if aof_on else 'no'} and "
        f"{'RDB snapshots are on' if rdb_on else 'save is empty (no RDB snapshots)'}; "
        f"configure {wanted}"
    )


def _target(p: RedisParams, ctx: Context) -> str:
    url = ctx.expand(p.url)
    if urlsplit(url).scheme == "unix":
        return f"unix://{urlsplit(url).path}"
    return net.url_target(url)


PROBE = Probe(
    "redis",
    RedisParams,
    _run,
    ProbeDoc(
        summary="Pings Redis; optionally round-trips a key and checks that data survives a "
        "restart.",
        why="A cache or queue that answers PING but loses everything on restart is not ready "
        "for production.",
        example="{id: cache, kind: redis, url: 'redis://127.0.0.1:6379/0', "
        "expect: {roundtrip: true, persistence: any}}",
        remediation="Connection errors: start Redis or fix the URL. Persistence: set "
        "`appendonly yes` (or a `save` policy) in redis.conf and check the data "
        "directory is writable.",
    ),
    _target,
    rules=(
        Rule(
            "redis.roundtrip",
            "A write and read back through Redis failed",
            remediation=(
                "Check the server's memory policy, ACLs and whether it is a read-only replica."
            ),
        ),
        Rule(
            "redis.persistence",
            "Redis persistence is off or failing",
            remediation=("Enable RDB or AOF persistence and check the data directory is writable."),
        ),
    ),
)
