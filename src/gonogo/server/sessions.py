"""Logging in and out, shared by the login form and the API: rate-limited per name and
client address, every outcome audited except a plain logout."""

from __future__ import annotations

from fastapi import HTTPException, Request

from gonogo.server import audit, auth, users
from gonogo.server.config import iso
from gonogo.server.context import Context


def _key(request: Request, name: str) -> str:
    host = request.client.host if request.client is not None else "?"
    return f"{name.lower()}|{host}"


def begin(c: Context, request: Request, name: str, password: str) -> tuple[str, str, users.User]:
    """(cookie value, CSRF token, user), or 401 / 429."""
    key = _key(request, name)
    wait = c.limiter.retry_after(key)
    if wait > 0:
        raise HTTPException(
            429,
            f"too many failed logins for {name}; try again in {wait:.0f}s",
            headers={"Retry-After": str(int(wait) + 1)},
        )
    now = c.now()
    with c.db.read() as conn:  # argon2 takes tens of ms: not inside the write lock
        user = users.check_password(conn, name, password)
    with c.db.write() as conn:
        if user is None:
            host = key.split("|", 1)[1]
            audit.record(conn, at=iso(now), actor=name[:255], action="login.failed", target=host)
        else:
            token, csrf = users.open_session(conn, user, now=now, hours=c.settings.session_hours)
    if user is None:
        c.limiter.failed(key)
        raise HTTPException(401, "wrong name or password")
    c.limiter.succeeded(key)
    return token, csrf, user


def end(c: Context, request: Request) -> None:
    cookie = request.cookies.get(auth.SESSION_COOKIE)
    if cookie:
        with c.db.write() as conn:
            users.close_session(conn, cookie)
