"""Read a current SQLite history with the stdlib sqlite3 module.

`gonogo history` and `gonogo diff` are read-only and should answer at once; importing
SQLAlchemy costs more than the queries. This reader runs the same queries as
`SqlStore` on the same schema, opened read-only, and is used only when the file is at
the current schema revision (otherwise `SqlStore` opens it and migrates it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gonogo.models import RunReport, Status, TrendPoint
from gonogo.store import FLAKY_WINDOW, HEAD, Approval, RunRow
from gonogo.store.rows import gate_rows, report_from_rows, run_row

BUSY_TIMEOUT_S = 30


class SqliteReader:
    def __init__(self, url: str, db: sqlite3.Connection) -> None:
        self.url = url
        self._db = db

    @classmethod
    def open(cls, url: str, path: Path) -> SqliteReader | None:
        """None unless `path` is a gonogo history at the current revision."""
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return None
        try:
            db.row_factory = _as_dict
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row["version_num"] != HEAD:
            db.close()
            return None
        return cls(url, db)

    def close(self) -> None:
        self._db.close()

    def _all(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._db.execute(sql, tuple(params)).fetchall()
        return rows

    def runs(self, limit: int = 20, gate: str | None = None) -> list[RunRow]:
        where = ""
        params: list[Any] = [max(0, limit)]
        if gate is not None:
            where = "WHERE seq IN (SELECT run_seq FROM gonogo_gate_results WHERE gate_id = ?)"
            params.insert(0, gate)
        rows = self._all(f"SELECT * FROM gonogo_runs {where} ORDER BY seq DESC LIMIT ?", params)  # noqa: S608 - fixed text
        seqs = [r["seq"] for r in rows]
        marks = ",".join("?" * len(seqs))
        gsql = f"SELECT * FROM gonogo_gate_results WHERE run_seq IN ({marks})"  # noqa: S608
        gparams: list[Any] = list(seqs)
        if gate is not None:
            gsql += " AND gate_id = ?"
            gparams.append(gate)
        by_run = gate_rows(self._all(gsql + " ORDER BY position", gparams))
        return [run_row(r, by_run.get(r["seq"], ())) for r in rows]

    def get(self, ref: str) -> RunReport:
        ref = ref.strip().lower()
        if not ref or any(ch not in "0123456789abcdef-" for ch in ref):
            raise LookupError(f"{ref!r} is not a run id (hex digits, as `gonogo history` shows)")
        found = self._all(
            "SELECT * FROM gonogo_runs WHERE run_id >= ? AND run_id < ? LIMIT 2", [ref, ref + "~"]
        )
        if not found:
            raise LookupError(f"no recorded run has an id starting with {ref}")
        if len(found) > 1:
            ids = f"{found[0]['run_id']}, {found[1]['run_id']}"
            raise LookupError(f"run id prefix {ref} is ambiguous: {ids}, …")
        seq = found[0]["seq"]
        gates = self._all(
            "SELECT * FROM gonogo_gate_results WHERE run_seq = ? ORDER BY position", [seq]
        )
        checks = self._all(
            "SELECT * FROM gonogo_check_results WHERE run_seq = ? ORDER BY position", [seq]
        )
        return report_from_rows(found[0], gates, checks)

    def latest_ids(self, n: int) -> list[str]:
        rows = self._all("SELECT run_id FROM gonogo_runs ORDER BY seq DESC LIMIT ?", [n])
        return [str(r["run_id"]) for r in rows]

    def statuses(self, commit: str, limit: int = FLAKY_WINDOW) -> list[dict[str, Status]]:
        seqs = sorted(
            r["seq"]
            for r in self._all(
                "SELECT seq FROM gonogo_runs WHERE [commit] = ? AND dirty = 0 "
                "ORDER BY seq DESC LIMIT ?",
                [commit, limit],
            )
        )
        out: dict[int, dict[str, Status]] = {s: {} for s in seqs}
        marks = ",".join("?" * len(seqs))
        cols = "run_seq, check_id, status"
        sql = f"SELECT {cols} FROM gonogo_check_results WHERE run_seq IN ({marks})"  # noqa: S608
        for r in self._all(sql, seqs):
            out[r["run_seq"]][r["check_id"]] = Status(r["status"])
        return [out[s] for s in seqs]

    def commits(self, limit: int) -> list[str]:
        rows = self._all("SELECT [commit] FROM gonogo_runs ORDER BY seq DESC LIMIT ?", [limit])
        return list(dict.fromkeys(r["commit"] for r in rows if r["commit"]))

    def trends(self, gate_ids: Sequence[str], limit: int = 30) -> dict[str, list[TrendPoint]]:
        out: dict[str, list[TrendPoint]] = {}
        sql = (
            "SELECT r.run_id, r.started_at, g.verdict, g.pass_rate FROM gonogo_gate_results g "
            "JOIN gonogo_runs r ON r.seq = g.run_seq WHERE g.gate_id = ? "
            "ORDER BY g.run_seq DESC LIMIT ?"
        )
        for gid in gate_ids:
            points = [TrendPoint(**row) for row in self._all(sql, [gid, limit])]
            out[gid] = points[::-1]
        return out

    def approvals(
        self, commit: str | None = None, plan_hash: str | None = None, *, active_only: bool = True
    ) -> list[Approval]:
        clauses, params = ["1 = 1"], []
        if commit is not None:
            clauses.append("[commit] = ?")
            params.append(commit)
        if plan_hash is not None:
            clauses.append("plan_hash = ?")
            params.append(plan_hash)
        if active_only:
            clauses.append("revoked_at IS NULL")
        sql = f"SELECT * FROM gonogo_approvals WHERE {' AND '.join(clauses)} ORDER BY id"  # noqa: S608
        return [
            Approval(**{k: v for k, v in r.items() if k != "id"}) for r in self._all(sql, params)
        ]


def _as_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}
