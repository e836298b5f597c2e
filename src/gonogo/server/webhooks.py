"""Webhooks: events are written to an outbox (`gonogo_server_deliveries`) in the same
transaction as the run that raised them, then POSTed by a background sender, signed as
the orchestrator signs its escalations (`gonogo.orchestrate.webhook`: HMAC-SHA256 of
`<timestamp>.<body>`; the body carries the event id, so the signature covers it), and
retried with exponential backoff until delivered or out of attempts. A server killed
mid-way sends what was pending when it starts again.

The secret never enters the database: a webhook names the environment variable that
holds it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, select, update

from gonogo.engine.scheduler import backoff_s
from gonogo.orchestrate.webhook import sign
from gonogo.server import audit
from gonogo.server.config import EVENTS, Settings, iso
from gonogo.server.db import Row, ServerDB, rows
from gonogo.server.summary import Event
from gonogo.store import server_tables as st

EVENT_TYPE_HEADER = "X-Gonogo-Event-Type"  # the signed X-Gonogo-Event carries the event id
BATCH = 20


def add(
    conn: Connection,
    url: str,
    secret_env: str,
    events: Iterable[str],
    project: str | None,
    *,
    by: str,
    at: str,
) -> int:
    kinds = sorted(set(events) or EVENTS)
    values = {"url": url, "secret_env": secret_env, "events": json.dumps(kinds)}
    key = conn.execute(st.webhooks.insert().values(**values, project=project, created_at=at))
    detail = {"url": url, "events": kinds, "secret_env": secret_env}
    audit.record(
        conn, at=at, actor=by, action="webhook.add", target=url, project=project, detail=detail
    )
    pk = key.inserted_primary_key
    return int(pk[0]) if pk is not None else 0


def enqueue(conn: Connection, events: Iterable[Event], *, now: float) -> int:
    """One pending delivery per event and subscribed webhook; an event id already queued
    for a webhook (a waiver reported on every run) is queued once."""
    events = list(events)
    if not events:  # most runs raise none: no need to read the webhooks
        return 0
    hooks = rows(
        conn, "SELECT id, events, project FROM gonogo_server_webhooks WHERE disabled_at IS NULL"
    )
    queued = 0
    for ev in events:
        body = json.dumps(
            {
                "id": ev.event_id,
                "event": ev.kind,
                "project": ev.project,
                "at": iso(now),
                "data": dict(ev.data),
            }
        )
        for h in hooks:
            if ev.kind not in json.loads(h["events"]) or h["project"] not in (None, ev.project):
                continue
            queued += _insert_once(conn, h["id"], ev, body, now)
    return queued


def _insert_once(conn: Connection, hook_id: int, ev: Event, body: str, now: float) -> int:
    d = st.deliveries.c
    seen = select(d.id).where(d.webhook_id == hook_id, d.event_id == ev.event_id)
    if conn.execute(seen).first() is not None:
        return 0
    values = {
        "webhook_id": hook_id,
        "event_id": ev.event_id,
        "event": ev.kind,
        "project": ev.project,
    }
    values.update(body=body, state="pending", attempts=0, next_at=now, created_at=iso(now))
    conn.execute(st.deliveries.insert().values(**values))
    return 1


def deliveries(conn: Connection, limit: int = 200) -> list[Row]:
    sql = (
        "SELECT d.id, d.event_id, d.event, d.project, d.state, d.attempts, d.created_at, "
        "d.last_code, d.last_error, d.delivered_at, w.url FROM gonogo_server_deliveries d "
        "JOIN gonogo_server_webhooks w ON w.id = d.webhook_id ORDER BY d.id DESC LIMIT :limit"
    )
    return rows(conn, sql, {"limit": limit})


def listing(conn: Connection) -> list[Row]:
    return rows(
        conn,
        "SELECT id, url, secret_env, events, project, created_at, disabled_at "
        "FROM gonogo_server_webhooks ORDER BY id",
    )


class Sender:
    """Posts due deliveries; `wake()` after an ingest sends at once instead of at the
    next poll."""

    def __init__(self, db: ServerDB, settings: Settings, client: Any = None) -> None:
        self.db = db
        self.settings = settings
        self.client = client
        self._wake: asyncio.Event | None = None  # made in run(), on the serving loop

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    async def run(self) -> None:
        import httpx

        self._wake = wake = asyncio.Event()
        async with httpx.AsyncClient(timeout=self.settings.webhook_timeout_s) as client:
            self.client = client
            while True:
                await self.send_due()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), self.settings.webhook_poll_s)
                wake.clear()

    async def send_due(self) -> int:
        due = await asyncio.to_thread(self._due)
        for d in due:
            outcome = await self._post(d)
            await asyncio.to_thread(self._record, d, *outcome)
        return len(due)

    def _due(self) -> list[Row]:
        sql = (
            "SELECT d.id, d.event_id, d.event, d.body, d.attempts, w.url, w.secret_env "
            "FROM gonogo_server_deliveries d JOIN gonogo_server_webhooks w "
            "ON w.id = d.webhook_id WHERE d.state = 'pending' AND d.next_at <= :now "
            "ORDER BY d.next_at LIMIT :n"
        )
        return self.db.all(sql, {"now": self.settings.clock(), "n": BATCH})

    async def _post(self, d: Row) -> tuple[int | None, str | None]:
        secret = self.settings.environ.get(d["secret_env"])
        if not secret:
            return None, f"environment variable {d['secret_env']} is not set on the server"
        body = d["body"].encode()
        # the orchestrator's scheme: the event id is signed with the body (a replay of
        # one event is known by its id, whenever it was signed)
        headers = sign(body, secret, int(self.settings.clock()), d["event_id"])
        headers.update({"Content-Type": "application/json", EVENT_TYPE_HEADER: d["event"]})
        try:
            resp = await self.client.post(d["url"], content=body, headers=headers)
        except Exception as exc:  # any transport failure is a failed attempt, retried
            return None, f"{type(exc).__name__}: {exc}"[:300]
        return resp.status_code, None if resp.is_success else f"HTTP {resp.status_code}"

    def _record(self, d: Row, code: int | None, error: str | None) -> None:
        now = self.settings.clock()
        attempts = d["attempts"] + 1
        values: dict[str, Any] = {"attempts": attempts, "last_code": code, "last_error": error}
        if error is None:
            values.update(state="delivered", delivered_at=iso(now))
        elif attempts >= self.settings.webhook_attempts:
            values["state"] = "failed"
        else:
            values["next_at"] = now + backoff_s(attempts, *self.settings.webhook_backoff)
        with self.db.write() as conn:
            conn.execute(
                update(st.deliveries).where(st.deliveries.c.id == d["id"]).values(**values)
            )
