"""Bearer tokens: `ingest` tokens write one project's runs, `user` tokens act as a user
(approvals from scripts). Only a SHA-256 of each token is stored: tokens are 256 random
bits, so a fast hash is enough, and a stolen database holds nothing to replay."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import Connection, select, update

from gonogo.server import audit
from gonogo.server.db import Row, driver_rows, rows
from gonogo.store import server_tables as st

PREFIX = "ggo_"
KINDS = ("ingest", "user")


@dataclass(frozen=True, slots=True)
class Bearer:
    kind: str
    subject: str  # the project (ingest) or the user name (user)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogateescape")).hexdigest()


def add(conn: Connection, kind: str, subject: str, *, by: str, at: str) -> str:
    """A new token (returned once, never stored) for `subject`."""
    token = PREFIX + secrets.token_urlsafe(32)
    values = {"kind": kind, "subject": subject, "token_hash": token_hash(token)}
    values.update(hint=token[:10], created_at=at, created_by=by)
    conn.execute(st.tokens.insert().values(**values))
    audit.record(
        conn,
        at=at,
        actor=by,
        action=f"token.{kind}.add",
        target=f"{subject} {token[:10]}…",
        project=subject if kind == "ingest" else None,
    )
    return token


def revoke(conn: Connection, ref: str, *, by: str, at: str) -> list[Row]:
    """Revoke the active token with this id, or this token itself; the rows revoked."""
    t = st.tokens.c
    where = t.id == int(ref) if ref.isdigit() else t.token_hash == token_hash(ref)
    found = [
        dict(r)
        for r in conn.execute(select(st.tokens).where(where, t.revoked_at.is_(None))).mappings()
    ]
    for r in found:
        conn.execute(update(st.tokens).where(t.id == r["id"]).values(revoked_at=at))
        audit.record(
            conn,
            at=at,
            actor=by,
            action=f"token.{r['kind']}.revoke",
            target=f"{r['subject']} {r['hint']}…",
            project=r["subject"] if r["kind"] == "ingest" else None,
        )
    return found


# every request with a token asks this (on the driver's cursor: `driver_rows`)
_ACTIVE = (
    f"SELECT kind, subject FROM {st.tokens.name} "  # noqa: S608
    "WHERE token_hash = ? AND revoked_at IS NULL"
)


def lookup(conn: Connection, token: str) -> Bearer | None:
    """The active token's kind and subject; None for an unknown or revoked token."""
    if not token.startswith(PREFIX) or len(token) > 100:
        return None
    found = driver_rows(conn, _ACTIVE, (token_hash(token),))
    return Bearer(str(found[0]["kind"]), str(found[0]["subject"])) if found else None


def listing(conn: Connection) -> list[Row]:
    sql = (
        "SELECT id, kind, subject, hint, created_at, created_by, revoked_at "
        "FROM gonogo_server_tokens ORDER BY id"
    )
    return rows(conn, sql)
