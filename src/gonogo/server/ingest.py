"""One pushed run into the store, in one transaction: the run with its gates and checks
(the history's own `write_run`), the project and branch summaries, and the webhook
deliveries its events call for. A run id already stored is answered, not stored twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, text, update

from gonogo.models import RunReport
from gonogo.server import audit, summary, webhooks
from gonogo.server.config import iso
from gonogo.server.db import ServerDB, rows, upsert
from gonogo.store import server_tables as st
from gonogo.store import tables as t
from gonogo.store.sql import write_run


class RunConflict(Exception):
    """The run id is already stored for another project."""


@dataclass(frozen=True, slots=True)
class Stored:
    created: bool
    run_id: str
    events: tuple[summary.Event, ...] = ()


def existing(conn: Connection, run_id: str) -> str | None:
    """The project a stored run belongs to; None when it is not stored."""
    row = conn.execute(select(t.runs.c.project).where(t.runs.c.run_id == run_id)).first()
    return None if row is None else str(row[0])


def _serialise(conn: Connection, project: str) -> None:
    """PostgreSQL: one ingest per project at a time, so the branch summary (read, then
    written) never loses a concurrent run. SQLite writers are serial already."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(project.encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})


def store_run(db: ServerDB, report: RunReport, *, now: float, warn_days: int) -> Stored:
    with db.write() as conn:
        return record_run(conn, report, now=now, warn_days=warn_days)


def record_run(conn: Connection, report: RunReport, *, now: float, warn_days: int) -> Stored:
    """`store_run` on a transaction the caller owns (the fleet runner writes its own
    records in the same one)."""
    _serialise(conn, report.project)
    owner = existing(conn, report.run_id)
    if owner is not None and owner != report.project:
        raise RunConflict(f"run {report.run_id} is already stored for project {owner!r}")
    if owner is None:
        write_run(conn, report)
    seq_of = select(t.runs.c.seq).where(t.runs.c.run_id == report.run_id)
    seq = conn.execute(seq_of).scalar_one()
    found = _branch(conn, report)
    if owner is not None and found is not None and found["run_seq"] >= seq:
        return Stored(False, report.run_id)
    # a run that `gonogo check --store` recorded in this same store is summarised when
    # it is pushed, though not stored again
    _project(conn, report.project, iso(now))
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    events = summary.events(found, report, today, warn_days)
    runs = (found["runs"] if found else 0) + 1
    if found is None or report.started_at >= found["started_at"]:
        upsert(conn, st.branches, summary.branch_row(report, seq, now, runs), ("project", "branch"))
    else:  # an older run pushed late: history, not the branch's current state
        b = st.branches.c
        where = (b.project == report.project, b.branch == (report.git.branch or ""))
        conn.execute(update(st.branches).where(*where).values(runs=runs))
    webhooks.enqueue(conn, events, now=now)
    return Stored(owner is None, report.run_id, tuple(events))


def _project(conn: Connection, project: str, at: str) -> None:
    p = st.projects.c
    if conn.execute(select(p.project).where(p.project == project)).first() is not None:
        return
    conn.execute(st.projects.insert().values(project=project, tags="[]", created_at=at))
    audit.record(conn, at=at, actor="ingest", action="project.add", target=project, project=project)


def _branch(conn: Connection, report: RunReport) -> dict[str, Any] | None:
    sql = "SELECT * FROM gonogo_server_branches WHERE project = :p AND branch = :b"
    found = rows(conn, sql, {"p": report.project, "b": report.git.branch or ""})
    return found[0] if found else None
