"""One pushed run into the store, on the caller's transaction (the run writer's group
commit, or the fleet's own): the run with its gates and checks (the history's own
rows), the project and branch summaries, and the webhook deliveries its events call
for. A run id already stored is answered, not stored twice."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, bindparam, select, text

from gonogo.server import audit, summary, webhooks
from gonogo.server.config import iso
from gonogo.server.db import driver_rows, upsert
from gonogo.store import server_tables as st
from gonogo.store import tables as t
from gonogo.store.sql import write_rows


class RunConflict(Exception):
    """The run id is already stored for another project."""


@dataclass(frozen=True, slots=True)
class Stored:
    created: bool
    run_id: str
    queued: int = 0  # webhook deliveries its events queued


# the statements of every pushed run, on the driver's cursor (`driver_rows`)
_STORED = f"SELECT seq, project FROM {t.runs.name} WHERE run_id = ?"  # noqa: S608
_BRANCH = f"SELECT * FROM {st.branches.name} WHERE project = ? AND branch = ?"  # noqa: S608
_COUNT_LATE = f"UPDATE {st.branches.name} SET runs = ? WHERE project = ? AND branch = ?"  # noqa: S608
_PROJECT = select(st.projects.c.project).where(st.projects.c.project == bindparam("p"))
_ADVISORY_LOCK = text("SELECT pg_advisory_xact_lock(:k)")


def existing(conn: Connection, run_id: str) -> str | None:
    """The project a stored run belongs to; None when it is not stored."""
    found = driver_rows(conn, _STORED, (run_id,))
    return str(found[0]["project"]) if found else None


def _serialise(conn: Connection, project: str) -> None:
    """PostgreSQL: one ingest per project at a time, so the branch summary (read, then
    written) never loses a concurrent run. SQLite writers are serial already."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(project.encode()).digest()[:8], "big", signed=True)
        conn.execute(_ADVISORY_LOCK, {"k": key})


def record_run(conn: Connection, run: summary.PreparedRun, *, now: float, warn_days: int) -> Stored:
    """Store one pushed run (`summary.prepare` of its report) on a transaction the
    caller owns: the server's run writer (a group commit) or the fleet runner (its own
    records in the same transaction).

    `RunConflict` is raised before anything is written, so the transaction may go on
    without this run; any other error may leave part of it written."""
    _serialise(conn, run.project)
    stored = driver_rows(conn, _STORED, (run.run_id,))
    owner = str(stored[0]["project"]) if stored else None
    if owner is not None and owner != run.project:
        raise RunConflict(f"run {run.run_id} is already stored for project {owner!r}")
    seq = int(stored[0]["seq"]) if stored else write_rows(conn, run.rows)
    found = _branch(conn, run)
    if owner is not None and found is not None and _summarised(found, run, seq):
        return Stored(False, run.run_id)
    # a run that `gonogo check --store` recorded in this same store is summarised when
    # it is pushed, though not stored again
    if found is None:  # a branch row is only ever written after its project's row
        _project(conn, run.project, iso(now))
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    events = summary.events(found, run, today, warn_days)
    runs = (found["runs"] if found else 0) + 1
    if found is None or run.started_at >= found["started_at"]:
        upsert(conn, st.branches, summary.branch_row(run, seq, now, runs), ("project", "branch"))
    else:  # an older run pushed late: history, not the branch's current state
        driver_rows(conn, _COUNT_LATE, (runs, run.project, run.branch))
    queued = webhooks.enqueue(conn, events, now=now)
    return Stored(owner is None, run.run_id, queued)


def _summarised(found: dict[str, Any], run: summary.PreparedRun, seq: int) -> bool:
    """Whether pushing this stored run again leaves its branch as it is: it is the
    branch's current run or came after it (`seq`), or it is older than that run (a run
    pushed late, counted when it came; pushed again, it changes nothing)."""
    return bool(found["run_seq"] >= seq or run.started_at < found["started_at"])


def _project(conn: Connection, project: str, at: str) -> None:
    if conn.execute(_PROJECT, {"p": project}).first() is not None:
        return
    conn.execute(st.projects.insert().values(project=project, tags="[]", created_at=at))
    audit.record(conn, at=at, actor="ingest", action="project.add", target=project, project=project)


def _branch(conn: Connection, run: summary.PreparedRun) -> dict[str, Any] | None:
    found = driver_rows(conn, _BRANCH, (run.project, run.branch))
    return found[0] if found else None
