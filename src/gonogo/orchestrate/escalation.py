"""Escalations: persisted in the state, appended to `.gonogo/escalations.jsonl`, then
POSTed to the plan's webhook, signed (see `gonogo.orchestrate.webhook`).

Order matters for crash safety: the state records the escalation first, then the
JSONL line is written, then the webhook is tried. `recover()` on resume writes any
line that did not reach the file and retries every webhook not yet delivered.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gonogo import atomic
from gonogo.engine.breaker import Breakers
from gonogo.engine.scheduler import backoff_s
from gonogo.orchestrate.state import Escalation, StateStore
from gonogo.plan.schema import EscalationSpec

JSONL_FILE = "escalations.jsonl"
MAX_JSONL_SCAN = 64 * 1024 * 1024
DELIVERY_ATTEMPTS = 3
USER_AGENT = "gonogo-orchestrate"


def append_line(path: Path, record: Mapping[str, Any]) -> None:
    """Append one JSON line and fsync it: once this returns, the line survives a crash."""
    line = json.dumps(dict(record), sort_keys=True, separators=(",", ":")) + "\n"
    fd = atomic.open_state(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)


def logged_ids(path: Path) -> set[str]:
    """Ids of the escalations already in the JSONL file (a torn last line is ignored)."""
    data = atomic.read_state(path, MAX_JSONL_SCAN)
    if data is None:
        return set()
    ids = set()
    for raw in data.splitlines():
        try:
            ids.add(str(json.loads(raw)["id"]))
        except (ValueError, KeyError, TypeError):
            continue
    return ids


@dataclass
class Webhook:
    """Where and how to POST: URL, secret (already read from its variable), timeout."""

    url: str
    secret: str | None
    timeout_s: float
    problem: str = ""  # why it cannot be sent (e.g. the secret variable is unset)
    redact: Callable[[str], str] = field(default=lambda s: s)
    warning: str = ""  # said once per run (an unsigned webhook)


def webhook_from(spec: EscalationSpec | None, environ: Mapping[str, str]) -> Webhook | None:
    """The webhook the plan configures, with `${VAR}` in its URL expanded; None if none.

    The secret's value is never placed in a message; only the variable's name is."""
    if spec is None or not spec.webhook:
        return None
    import re

    secrets: list[str] = []
    problem = ""

    def sub(match: re.Match[str]) -> str:
        nonlocal problem
        value = environ.get(match.group(1))
        if value is None:
            problem = f"environment variable {match.group(1)} (in the webhook URL) is not set"
            return ""
        secrets.append(value)
        return value

    url = re.sub(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}", sub, spec.webhook)
    secret, warning = None, ""
    if spec.secret_env:
        secret = environ.get(spec.secret_env) or None
        if secret is None:
            problem = problem or f"environment variable {spec.secret_env} (secret_env) is not set"
        else:
            secrets.append(secret)
    elif spec.allow_unsigned:
        warning = UNSIGNED_WARNING
    else:
        problem = problem or UNSIGNED_REFUSED

    def redact(text: str) -> str:
        for s in sorted(secrets, key=len, reverse=True):
            if len(s) >= 4:
                text = text.replace(s, "***")
        return text

    return Webhook(url, secret, spec.timeout, problem, redact, warning)


UNSIGNED_REFUSED = (
    "the escalation webhook has no `secret_env`, so its deliveries would be unsigned and a "
    "receiver could not tell them from forged ones; set `secret_env` (or "
    "`allow_unsigned: true` to send them unsigned)"
)
UNSIGNED_WARNING = (
    "escalation webhooks are sent unsigned (`allow_unsigned: true`): a receiver cannot tell "
    "them from forged ones; set `secret_env` to sign them"
)

PostFn = Callable[[str, bytes, dict[str, str], float], Awaitable[int]]


async def httpx_post(url: str, body: bytes, headers: dict[str, str], timeout_s: float) -> int:
    import httpx

    async with httpx.AsyncClient(timeout=timeout_s, follow_redirects=False) as client:
        resp = await client.post(url, content=body, headers=headers)
        return resp.status_code


class Escalator:
    def __init__(
        self,
        store: StateStore,
        jsonl: Path,
        webhook: Webhook | None,
        *,
        post: PostFn = httpx_post,
        sleep: Callable[[float], Awaitable[Any]] | None = None,
        wall: Callable[[], float] = time.time,
        backoff: tuple[float, float] = (0.5, 4.0),
        breakers: Breakers | None = None,
    ) -> None:
        import asyncio

        self.store = store
        self.jsonl = jsonl
        self.webhook = webhook
        self.post = post
        self.sleep = sleep or asyncio.sleep
        self.wall = wall
        self.backoff = backoff
        # a dead receiver costs a few failed POSTs, not three per escalation
        self.breakers = breakers or Breakers()

    async def escalate(
        self, record: Mapping[str, Any], task_id: str | None = None, **task_changes: Any
    ) -> Escalation:
        """Persist (with the task's new state), log to JSONL, then deliver."""
        entry = Escalation(dict(record), webhook="pending" if self.webhook else "none")
        self.store.add_escalation(entry, task_id, **task_changes)
        append_line(self.jsonl, entry.record)
        self.store.set_escalation(entry.id, logged=True)
        if self.webhook is not None:
            await self.deliver(entry)
        return entry

    async def recover(self) -> list[str]:
        """After a crash: write missing JSONL lines, retry undelivered webhooks.
        Returns one note per action, for the terminal."""
        notes = []
        on_file = logged_ids(self.jsonl)
        for e in self.store.state.escalations:
            if e.id not in on_file:
                append_line(self.jsonl, e.record)
                notes.append(f"escalation of {e.record.get('task_id')} written to {self.jsonl}")
            if not e.logged:
                self.store.set_escalation(e.id, logged=True)
        for e in self.store.state.escalations:
            if e.webhook in ("pending", "failed") and self.webhook is not None:
                ok = await self.deliver(e)
                verb = "delivered" if ok else "still not delivered"
                notes.append(f"webhook for {e.record.get('task_id')} escalation {verb}")
        return notes

    async def deliver(self, entry: Escalation) -> bool:
        hook = self.webhook
        assert hook is not None
        if hook.problem:
            self.store.set_escalation(entry.id, webhook="failed", webhook_error=hook.problem)
            return False
        body = json.dumps(dict(entry.record), sort_keys=True, separators=(",", ":")).encode()
        error = ""
        for attempt in range(1, DELIVERY_ATTEMPTS + 1):
            if not self.breakers.allow(hook.url):
                error = error or "circuit open: the webhook failed repeatedly; retried on --resume"
                break
            error = await self._post_once(hook, body, entry.id)
            self.breakers.record(hook.url, not error)
            if not error:
                self.store.set_escalation(entry.id, webhook="sent", webhook_error="")
                return True
            if attempt < DELIVERY_ATTEMPTS:
                await self.sleep(backoff_s(attempt, *self.backoff))
        self.store.set_escalation(entry.id, webhook="failed", webhook_error=error)
        return False

    async def _post_once(self, hook: Webhook, body: bytes, event: str) -> str:
        from gonogo.orchestrate.webhook import EVENT_HEADER, TIMESTAMP_HEADER, sign

        headers = {"Content-Type": "application/json", "User-Agent": USER_AGENT}
        timestamp = int(self.wall())
        if hook.secret is not None:
            headers.update(sign(body, hook.secret, timestamp, event))
        else:  # allow_unsigned: the plan asked for it, and was warned
            headers.update({TIMESTAMP_HEADER: str(timestamp), EVENT_HEADER: event})
        try:
            status = await self.post(hook.url, body, headers, hook.timeout_s)
        except Exception as exc:  # any transport failure is retried, then recorded
            return hook.redact(f"POST failed: {type(exc).__name__}: {exc}")
        if 200 <= status < 300:
            return ""
        return f"webhook answered HTTP {status}"
