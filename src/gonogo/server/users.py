"""Local accounts (argon2id password hashes), roles, and login sessions.

Roles are ordered: a viewer reads; a maintainer also edits project settings; an approver
also signs gates off; an admin also sees the audit and delivery logs. A session cookie
holds 256 random bits; the database keeps only their SHA-256, beside the session's CSRF
token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Connection, delete, select, update

from gonogo.server import audit
from gonogo.server.config import ROLES
from gonogo.server.db import Row, rows
from gonogo.store import server_tables as st

NAME_MAX = 64


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str
    signs: tuple[str, ...] = ()  # approval roles this user may sign as; () = any

    def can(self, role: str) -> bool:
        return ROLES.index(self.role) >= ROLES.index(role)

    def may_sign(self, approval_role: str) -> bool:
        return self.can("approver") and (not self.signs or approval_role in self.signs)


@dataclass(frozen=True, slots=True)
class Session:
    user: User
    csrf: str


@cache
def _hasher() -> Any:
    from argon2 import PasswordHasher

    return PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the name is unknown, so both cases take as long."""
    return str(_hasher().hash(secrets.token_hex(16)))


def valid_name(name: str) -> bool:
    return 0 < len(name) <= NAME_MAX and all(ch.isalnum() or ch in "._-@" for ch in name)


def add(
    conn: Connection,
    name: str,
    role: str,
    password: str,
    *,
    signs: tuple[str, ...],
    by: str,
    at: str,
    hasher: Any = None,
) -> None:
    """`hasher` is an argon2 `PasswordHasher` (default: argon2-cffi's recommended cost);
    the hash records its parameters, so verifying needs no setting."""
    values = {"name": name, "role": role, "signs": json.dumps(list(signs))}
    values.update(password_hash=(hasher or _hasher()).hash(password), created_at=at)
    conn.execute(st.users.insert().values(**values))
    detail = {"role": role, "signs": list(signs)}
    audit.record(conn, at=at, actor=by, action="user.add", target=name, detail=detail)


def set_password(conn: Connection, name: str, password: str, *, by: str, at: str) -> bool:
    u = st.users.c
    done = conn.execute(
        update(st.users).where(u.name == name).values(password_hash=_hasher().hash(password))
    )
    if done.rowcount:
        conn.execute(delete(st.sessions).where(st.sessions.c.user == name))
        audit.record(conn, at=at, actor=by, action="user.password", target=name)
    return bool(done.rowcount)


def disable(conn: Connection, name: str, *, by: str, at: str) -> bool:
    u = st.users.c
    stmt = update(st.users).where(u.name == name, u.disabled_at.is_(None)).values(disabled_at=at)
    done = conn.execute(stmt)
    if done.rowcount:
        conn.execute(delete(st.sessions).where(st.sessions.c.user == name))
        audit.record(conn, at=at, actor=by, action="user.disable", target=name)
    return bool(done.rowcount)


def get(conn: Connection, name: str) -> User | None:
    u = st.users.c
    stmt = select(u.name, u.role, u.signs).where(u.name == name, u.disabled_at.is_(None))
    row = conn.execute(stmt).first()
    return None if row is None else User(row[0], row[1], tuple(json.loads(row[2])))


def check_password(conn: Connection, name: str, password: str) -> User | None:
    """The user when `password` is theirs; None otherwise (in the same time either way)."""
    from argon2.exceptions import InvalidHashError, VerificationError

    u = st.users.c
    stmt = select(u.password_hash).where(u.name == name, u.disabled_at.is_(None))
    row = conn.execute(stmt).first()
    stored = str(row[0]) if row is not None else _dummy_hash()
    try:
        _hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return get(conn, name) if row is not None else None


def listing(conn: Connection) -> list[Row]:
    return rows(
        conn,
        "SELECT name, role, signs, created_at, disabled_at FROM gonogo_server_users ORDER BY name",
    )


# -- sessions ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def open_session(conn: Connection, user: User, *, now: float, hours: float) -> tuple[str, str]:
    """A new session for `user`: (cookie value, CSRF token)."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    s = st.sessions
    conn.execute(delete(s).where(s.c.expires_at < now))
    values = {"id_hash": _hash(token), "user": user.name, "csrf": csrf}
    conn.execute(s.insert().values(**values, expires_at=now + hours * 3600))
    return token, csrf


def session(conn: Connection, token: str, *, now: float) -> Session | None:
    if not token or len(token) > 100:
        return None
    s = st.sessions.c
    stmt = select(s.user, s.csrf).where(s.id_hash == _hash(token), s.expires_at > now)
    row = conn.execute(stmt).first()
    if row is None:
        return None
    user = get(conn, row[0])
    return None if user is None else Session(user, str(row[1]))


def close_session(conn: Connection, token: str) -> None:
    conn.execute(delete(st.sessions).where(st.sessions.c.id_hash == _hash(token)))
