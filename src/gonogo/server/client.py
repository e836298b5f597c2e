"""Pushing a run to a team server (`gonogo push`, `gonogo check --push`): only httpx,
no server code. Connection failures and 5xx answers are retried with backoff; a 4xx is
the server's final word and its message is shown as it is."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from gonogo.errors import GonogoError

TOKEN_ENV = "GONOGO_TOKEN"  # noqa: S105 - the variable's name, not a token
SERVER_ENV = "GONOGO_SERVER"
ATTEMPTS = 4


class PushError(GonogoError):
    """The run could not be pushed; the message says what the server or network said."""


@dataclass(frozen=True, slots=True)
class Pushed:
    run_id: str
    created: bool
    url: str


def push(
    server: str,
    project: str,
    body: bytes,
    token: str,
    *,
    timeout_s: float = 30.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Pushed:
    import httpx

    from gonogo.engine.scheduler import backoff_s

    base = server.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise PushError(f"--server {server}: expected an http:// or https:// URL")
    url = f"{base}/api/v1/projects/{quote(project, safe='')}/runs"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    problem = ""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            resp = httpx.post(url, content=body, headers=headers, timeout=timeout_s)
        except httpx.HTTPError as exc:
            problem = f"cannot reach {base}: {type(exc).__name__}: {exc}"
        else:
            if resp.status_code < 500:
                return _answer(resp, base)
            problem = f"{base} answered {resp.status_code}: {_detail(resp)}"
        if attempt < ATTEMPTS:
            sleep(backoff_s(attempt, 0.5, 4.0))
    raise PushError(f"{problem} (after {ATTEMPTS} attempts)")


def _answer(resp: Any, base: str) -> Pushed:
    if resp.status_code not in (200, 201):
        raise PushError(f"{base} refused the run ({resp.status_code}): {_detail(resp)}")
    data = resp.json()
    return Pushed(str(data["run_id"]), bool(data["created"]), base + str(data["url"]))


def _detail(resp: Any) -> str:
    try:
        detail = resp.json().get("detail")
    except ValueError:
        detail = None
    text = str(detail) if detail is not None else resp.text
    return " ".join(text.split())[:500]
