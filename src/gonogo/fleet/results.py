"""The fleet's records in the history store (SQLite or PostgreSQL, the team server's
database): fleet runs, one result per evaluated (repository, commit, plan, version)
and one item per repository and fleet run.

Exactly once, whatever the broker redelivers: the item is written in the same
transaction as the result and the run report it points at, and a second delivery
finds the item (or, for a concurrent evaluation of the same key, the result) and
records nothing more.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from gonogo.models import RunReport, Status
from gonogo.server.ingest import record_run
from gonogo.server.summary import prepare
from gonogo.store import tables as t
from gonogo.store.sql import SqlStore


@dataclass(frozen=True, slots=True)
class Key:
    repo: str
    commit: str
    plan_digest: str
    gonogo_version: str


@dataclass(frozen=True, slots=True)
class Item:
    """One repository's line in a fleet run."""

    repo: str
    verdict: str  # GO, NO-GO or error
    commit: str | None
    skipped: bool
    error: str | None
    attempts: int
    duration_s: float
    failing: tuple[str, ...] = ()
    run_id: str | None = None


class FleetStore(SqlStore):
    # fleet runs ---------------------------------------------------------------
    def start_run(self, fleet: str, mode: str, total: int, started_at: str) -> str:
        run = str(uuid.uuid4())
        values = {"id": run, "fleet": fleet, "mode": mode, "total": total}
        with self._writer.begin() as conn:
            conn.execute(insert(t.fleet_runs).values(**values, started_at=started_at))
        return run

    def finish_run(self, run: str, finished_at: str) -> None:
        stmt = update(t.fleet_runs).where(t.fleet_runs.c.id == run)
        with self._writer.begin() as conn:
            conn.execute(stmt.values(finished_at=finished_at))

    def previous_verdicts(self, fleet: str, before: str) -> dict[str, str]:
        """Verdict per repository in the last finished run of the same fleet."""
        r = t.fleet_runs.c
        with self._engine.connect() as conn:
            started = conn.execute(select(r.started_at).where(r.id == before)).scalar()
            last = conn.execute(
                select(r.id)
                .where(r.fleet == fleet, r.id != before, r.finished_at.is_not(None))
                .where(r.started_at <= (started or "9999"))
                .order_by(r.started_at.desc())
                .limit(1)
            ).scalar()
            if last is None:
                return {}
            i = t.fleet_items.c
            rows = conn.execute(select(i.repo, i.verdict).where(i.fleet_run == last))
            return {row.repo: row.verdict for row in rows}

    # items ----------------------------------------------------------------------
    def item(self, run: str, repo: str) -> Item | None:
        found = self.items(run, repos=(repo,))
        return found[0] if found else None

    def items(self, run: str, repos: Sequence[str] = ()) -> list[Item]:
        query = _items_query(run)
        if repos:
            query = query.where(t.fleet_items.c.repo.in_(list(repos)))
        with self._engine.connect() as conn:
            return [_item(row._mapping) for row in conn.execute(query)]

    def count(self, run: str) -> int:
        i = t.fleet_items.c
        with self._engine.connect() as conn:
            return int(conn.execute(select(func.count()).where(i.fleet_run == run)).scalar() or 0)

    # results ----------------------------------------------------------------------
    def done(self, key: Key) -> tuple[int, str, tuple[str, ...], str | None] | None:
        """(result id, verdict, failing checks, run id) when `key` was already evaluated."""
        with self._engine.connect() as conn:
            return _done(conn, key)

    def record_item(
        self, run: str, item: Item, key: Key | None, report: RunReport | None, at: str
    ) -> Item:
        """Write `item` (with its result and run report when it was evaluated) once.
        Returns what is recorded: `item`, or what an earlier delivery wrote."""
        try:
            with self._writer.begin() as conn:
                earlier = _item_of(conn, run, item.repo)
                if earlier is not None:
                    return earlier
                result_id = None
                if key is not None and report is not None:
                    result_id = _result(conn, key, item, report, at)
                elif key is not None:
                    found = _done(conn, key)
                    result_id = found[0] if found else None
                conn.execute(insert(t.fleet_items).values(**_item_values(run, item, result_id, at)))
        except IntegrityError:  # a concurrent delivery of the same repository won
            earlier = self.item(run, item.repo)
            if earlier is None:
                raise
            return earlier
        return item


def failing_checks(report: RunReport) -> tuple[str, ...]:
    bad = {Status.FAIL, Status.ERROR}
    return tuple(sorted(c.check_id for c in report.checks if c.status in bad))


def _result(conn: Connection, key: Key, item: Item, report: RunReport, at: str) -> int:
    values = {
        "repo": key.repo,
        "commit": key.commit,
        "plan_digest": key.plan_digest,
        "gonogo_version": key.gonogo_version,
        "verdict": item.verdict,
        "run_id": report.run_id,
        "duration_s": item.duration_s,
        "failing": json.dumps(list(item.failing)),
        "recorded_at": at,
    }
    nested = conn.begin_nested()
    try:
        inserted = conn.execute(insert(t.fleet_results).values(**values)).inserted_primary_key
        # the server's own ingest: the run, and the project's and branch's summaries
        # the team server's pages read (a store without a server reads the run alone)
        record_run(conn, prepare(replace(report, project=key.repo)), now=time.time(), warn_days=7)
    except IntegrityError:
        nested.rollback()  # evaluated meanwhile under another fleet run: reuse it
        found = _done(conn, key)
        if found is None:
            raise
        return found[0]
    nested.commit()
    assert inserted is not None
    return int(inserted[0])


def _done(conn: Connection, key: Key) -> tuple[int, str, tuple[str, ...], str | None] | None:
    res = t.fleet_results.c
    row = conn.execute(
        select(res.id, res.verdict, res.failing, res.run_id).where(
            res.repo == key.repo,
            res.commit == key.commit,
            res.plan_digest == key.plan_digest,
            res.gonogo_version == key.gonogo_version,
        )
    ).first()
    if row is None:
        return None
    return int(row.id), str(row.verdict), tuple(json.loads(row.failing)), row.run_id


def _items_query(run: str) -> Any:
    i, res = t.fleet_items.c, t.fleet_results.c
    return (
        select(t.fleet_items, res.failing, res.run_id)
        .select_from(t.fleet_items.outerjoin(t.fleet_results, i.result_id == res.id))
        .where(i.fleet_run == run)
        .order_by(i.repo)
    )


def _item_of(conn: Connection, run: str, repo: str) -> Item | None:
    row = conn.execute(_items_query(run).where(t.fleet_items.c.repo == repo)).first()
    return None if row is None else _item(row._mapping)


def _item_values(run: str, item: Item, result_id: int | None, at: str) -> dict[str, Any]:
    return {
        "fleet_run": run,
        "repo": item.repo,
        "result_id": result_id,
        "verdict": item.verdict,
        "commit": item.commit,
        "skipped": item.skipped,
        "error": item.error,
        "attempts": item.attempts,
        "duration_s": item.duration_s,
        "finished_at": at,
    }


def _item(row: Any) -> Item:
    return Item(
        repo=row["repo"],
        verdict=row["verdict"],
        commit=row["commit"],
        skipped=bool(row["skipped"]),
        error=row["error"],
        attempts=int(row["attempts"]),
        duration_s=float(row["duration_s"]),
        failing=tuple(json.loads(row["failing"])) if row["failing"] else (),
        run_id=row["run_id"],
    )
