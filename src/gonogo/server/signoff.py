"""Approvals from the server, written into the store's `gonogo_approvals` (the table
`gonogo check` reads), each with its audit entry in the same transaction. An approval
names a commit and a plan hash that one of the project's runs had, and a role that
gate asks for; it counts for that commit and plan only."""

from __future__ import annotations

import json

from sqlalchemy import Connection, select, update

from gonogo.server import audit
from gonogo.server.config import iso
from gonogo.server.db import ServerDB, rows
from gonogo.server.users import User
from gonogo.store import Approval
from gonogo.store import tables as t
from gonogo.store.sql import write_approval

_GATE = (
    "SELECT g.detail FROM gonogo_gate_results g WHERE g.gate_id = :gate AND g.run_seq = "
    '(SELECT MAX(seq) FROM gonogo_runs WHERE project = :p AND "commit" = :c AND plan_hash = :h)'
)


class SignoffError(Exception):
    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)


def _required(conn: Connection, project: str, gate: str, commit: str, plan_hash: str) -> list[str]:
    found = rows(conn, _GATE, {"gate": gate, "p": project, "c": commit, "h": plan_hash})
    if not found:
        raise SignoffError(
            404,
            f"project {project} has no run of commit {commit[:12]} with plan "
            f"{plan_hash or 'default'} that judged gate {gate!r}",
        )
    required: list[str] = json.loads(found[0]["detail"]).get("approvals", {}).get("required", [])
    return required


def _check(conn: Connection, user: User, project: str, a: Approval) -> None:
    required = _required(conn, project, a.gate_id, a.commit, a.plan_hash)
    if a.role not in required:
        asks = ", ".join(required) or "none"
        raise SignoffError(
            422, f"gate {a.gate_id} does not ask for approval by {a.role!r}; it asks for: {asks}"
        )
    if not user.may_sign(a.role):
        raise SignoffError(
            403, f"{user.name} may not sign as {a.role} (signs as: {', '.join(user.signs)})"
        )


def _active(conn: Connection, a: Approval) -> list[int]:
    c = t.approvals.c
    stmt = select(c.id).where(c.gate_id == a.gate_id, c.role == a.role, c.commit == a.commit)
    stmt = stmt.where(c.plan_hash == a.plan_hash, c.revoked_at.is_(None))
    return [int(r[0]) for r in conn.execute(stmt)]


def approve(
    db: ServerDB,
    user: User,
    project: str,
    gate: str,
    role: str,
    commit: str,
    plan_hash: str,
    *,
    note: str | None,
    now: float,
) -> tuple[Approval, bool]:
    """The approval and whether it is new (an identical active one is not repeated)."""
    at = iso(now)
    a = Approval(gate, role, user.name, commit, plan_hash, at, note=note or None)
    with db.write() as conn:
        _check(conn, user, project, a)
        if _active(conn, a):
            return a, False
        write_approval(conn, a)
        detail = {"role": role, "commit": commit, "plan_hash": plan_hash, "note": note}
        audit.record(
            conn,
            at=at,
            actor=user.name,
            action="approval.add",
            target=gate,
            project=project,
            detail=detail,
        )
    return a, True


def revoke(
    db: ServerDB,
    user: User,
    project: str,
    gate: str,
    role: str,
    commit: str,
    plan_hash: str,
    *,
    now: float,
) -> int:
    at = iso(now)
    a = Approval(gate, role, user.name, commit, plan_hash, at)
    with db.write() as conn:
        _check(conn, user, project, a)
        ids = _active(conn, a)
        if not ids:
            raise SignoffError(
                404, f"no active {role} approval of gate {gate} for commit {commit[:12]} to revoke"
            )
        c = t.approvals.c
        conn.execute(
            update(t.approvals).where(c.id.in_(ids)).values(revoked_at=at, revoked_by=user.name)
        )
        detail = {"role": role, "commit": commit, "plan_hash": plan_hash}
        audit.record(
            conn,
            at=at,
            actor=user.name,
            action="approval.revoke",
            target=gate,
            project=project,
            detail=detail,
        )
    return len(ids)
