"""The server's settings: one frozen value handed to every part (no globals)."""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

MAX_BODY = 8 * 1024 * 1024
# here, not beside the code that uses them, so that the CLI can list them without
# importing the database layer
ROLES = ("viewer", "maintainer", "approver", "admin")
EVENTS = ("verdict.flip", "blocker.p0", "waiver.expiring")


@dataclass(frozen=True)
class Settings:
    store_url: str
    max_body: int = MAX_BODY  # bytes of one pushed report; larger is 413
    public_read: bool = False  # pages and read API without logging in
    secure_cookies: bool = True
    stale_days: float = 7.0  # a project with no run for longer is flagged stale
    session_hours: float = 12.0
    login_attempts: int = 5  # failed logins per name and address ...
    login_window_s: float = 300.0  # ... within this window, then 429
    webhook_poll_s: float = 1.0
    webhook_attempts: int = 8
    webhook_backoff: tuple[float, float] = (2.0, 600.0)  # base and cap, seconds
    webhook_timeout_s: float = 10.0
    waiver_warn_days: int = 7
    ingest_process: bool = False  # prepare and store pushed runs in a child process
    environ: Mapping[str, str] = field(default_factory=lambda: os.environ)
    clock: Callable[[], float] = time.time


def iso(ts: float) -> str:
    """Epoch seconds as `2026-01-31T12:00:00Z`."""
    moment = dt.datetime.fromtimestamp(ts, dt.UTC)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")
