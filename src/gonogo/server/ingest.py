"""One pushed run into the store, on the caller's transaction (the run writer's group
commit, or the fleet's own): the run with its gates and checks (the history's own
`write_run`), the project and branch summaries, and the webhook deliveries its events
call for. A run id already stored is answered, not stored twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select, text, update

from gonogo.models import RunReport
from gonogo.server import audit, summary, webhooks
from gonogo.server.config import iso
from gonogo.server.db import upsert
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


_STORED = select(t.runs.c.seq, t.runs.c.project).where(t.runs.c.run_id == bindparam("run_id"))
_PROJECT = select(st.projects.c.project).where(st.projects.c.project == bindparam("p"))
_BRANCH = select(st.branches).where(
    st.branches.c.project == bindparam("p"), st.branches.c.branch == bindparam("b")
)


_COUNT_LATE = (
    update(st.branches)
    .where(st.branches.c.project == bindparam("p"), st.branches.c.branch == bindparam("b"))
    .values(runs=bindparam("n"))
)
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def existing(conn: Connection, run_id: str) -> str | None:
    """The project a stored run belongs to; None when it is not stored."""
    row = conn.execute(_STORED, {"run_id": run_id}).first()
    return None if row is None else str(row[1])


def _serialise(conn: Connection, project: str) -> None:
    """PostgreSQL: one ingest per project at a time, so the branch summary (read, then
    written) never loses a concurrent run. SQLite writers are serial already."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(project.encode()).digest()[:8], "big", signed=True)
        conn.execute(_ADVISORY_LOCK, {"k": key})


def record_run(conn: Connection, report: RunReport, *, now: float, warn_days: int) -> Stored:
    """Store one pushed run on a transaction the caller owns: the server's run writer
    (a group commit) or the fleet runner (its own records in the same transaction).

    `RunConflict` is raised before anything is written, so the transaction may go on
    without this run; any other error may leave part of it written."""
    _serialise(conn, report.project)
    stored = conn.execute(_STORED, {"run_id": report.run_id}).first()
    owner = None if stored is None else str(stored[1])
    if owner is not None and owner != report.project:
        raise RunConflict(f"run {report.run_id} is already stored for project {owner!r}")
    seq = write_run(conn, report) if stored is None else int(stored[0])
    found = _branch(conn, report)
    if owner is not None and found is not None and _summarised(found, report, seq):
        return Stored(False, report.run_id)
    # a run that `gonogo check --store` recorded in this same store is summarised when
    # it is pushed, though not stored again
    if found is None:  # a branch row is only ever written after its project's row
        _project(conn, report.project, iso(now))
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    events = summary.events(found, report, today, warn_days)
    runs = (found["runs"] if found else 0) + 1
    if found is None or report.started_at >= found["started_at"]:
        upsert(conn, st.branches, summary.branch_row(report, seq, now, runs), ("project", "branch"))
    else:  # an older run pushed late: history, not the branch's current state
        conn.execute(_COUNT_LATE, {"p": report.project, "b": report.git.branch or "", "n": runs})
    webhooks.enqueue(conn, events, now=now)
    return Stored(owner is None, report.run_id, tuple(events))


def _summarised(found: dict[str, Any], report: RunReport, seq: int) -> bool:
    """Whether pushing this stored run again leaves its branch as it is: it is the
    branch's current run or came after it (`seq`), or it is older than that run (a run
    pushed late, counted when it came; pushed again, it changes nothing)."""
    return bool(found["run_seq"] >= seq or report.started_at < found["started_at"])


def _project(conn: Connection, project: str, at: str) -> None:
    if conn.execute(_PROJECT, {"p": project}).first() is not None:
        return
    conn.execute(st.projects.insert().values(project=project, tags="[]", created_at=at))
    audit.record(conn, at=at, actor="ingest", action="project.add", target=project, project=project)


def _branch(conn: Connection, report: RunReport) -> dict[str, Any] | None:
    found = conn.execute(_BRANCH, {"p": report.project, "b": report.git.branch or ""}).first()
    return None if found is None else dict(found._mapping)
