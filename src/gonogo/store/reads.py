"""Every history read, written once: portable SQL with named parameters, run either by
the stdlib sqlite3 module (the fast read-only path of `gonogo history` and `diff`) or by
SQLAlchemy on SQLite and PostgreSQL (`SqlStore`). A reader supplies one method, `_all`,
that runs a statement and returns its rows as dicts.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from typing import Any

from gonogo.models import RunReport, Status, TrendPoint
from gonogo.store import FLAKY_WINDOW, Approval, RunRow
from gonogo.store.rows import gate_rows, report_from_rows, run_row

Rows = list[dict[str, Any]]

# Statements are fixed text: `{where}` and `{also}` take only the fixed clauses below, and
# every value is a bound parameter.
_RUNS = "SELECT * FROM gonogo_runs {where} ORDER BY seq DESC LIMIT :limit"
_JUDGED = "WHERE seq IN (SELECT run_seq FROM gonogo_gate_results WHERE gate_id = :gate)"
_RUN_GATES = (
    "SELECT * FROM gonogo_gate_results WHERE run_seq IN "
    "(SELECT seq FROM gonogo_runs {where} ORDER BY seq DESC LIMIT :limit) {also} "
    "ORDER BY position"
)
_BY_PREFIX = "SELECT * FROM gonogo_runs WHERE run_id >= :low AND run_id < :high LIMIT 2"
_GATES_OF = "SELECT * FROM gonogo_gate_results WHERE run_seq = :seq ORDER BY position"
_CHECKS_OF = "SELECT * FROM gonogo_check_results WHERE run_seq = :seq ORDER BY position"
_LATEST = "SELECT run_id FROM gonogo_runs ORDER BY seq DESC LIMIT :limit"
_CLEAN_RUNS = (
    'SELECT seq FROM gonogo_runs WHERE "commit" = :commit AND dirty = :dirty '
    "ORDER BY seq DESC LIMIT :limit"
)
_STATUSES = (
    "SELECT run_seq, check_id, status FROM gonogo_check_results WHERE run_seq IN "
    '(SELECT seq FROM gonogo_runs WHERE "commit" = :commit AND dirty = :dirty '
    "ORDER BY seq DESC LIMIT :limit)"
)
_COMMITS = 'SELECT "commit" FROM gonogo_runs ORDER BY seq DESC LIMIT :limit'
_TREND = (
    "SELECT r.run_id, r.started_at, g.verdict, g.pass_rate FROM gonogo_gate_results g "
    "JOIN gonogo_runs r ON r.seq = g.run_seq WHERE g.gate_id = :gate "
    "ORDER BY g.run_seq DESC LIMIT :limit"
)
_APPROVALS = "SELECT * FROM gonogo_approvals WHERE {where} ORDER BY id"


class HistoryReads(ABC):
    """The `HistoryReader` queries over `_all`; the base of both store classes."""

    url: str

    @abstractmethod
    def _all(self, sql: str, params: Mapping[str, Any]) -> Rows:
        """Run SQL with named parameters (`:name`); its rows as dicts."""

    def runs(self, limit: int = 20, gate: str | None = None) -> list[RunRow]:
        where = _JUDGED if gate is not None else ""
        params = {"limit": max(0, limit), "gate": gate}
        rows = self._all(_RUNS.format(where=where), params)
        also = "AND gate_id = :gate" if gate is not None else ""
        gates = self._all(_RUN_GATES.format(where=where, also=also), params)
        by_run = gate_rows(gates)
        return [run_row(r, by_run.get(r["seq"], ())) for r in rows]

    def get(self, ref: str) -> RunReport:
        ref = ref.strip().lower()
        if not ref or any(ch not in "0123456789abcdef-" for ch in ref):
            raise LookupError(f"{ref!r} is not a run id (hex digits, as `gonogo history` shows)")
        found = self._all(_BY_PREFIX, {"low": ref, "high": ref + "~"})
        if not found:
            raise LookupError(f"no recorded run has an id starting with {ref}")
        if len(found) > 1:
            ids = f"{found[0]['run_id']}, {found[1]['run_id']}"
            raise LookupError(f"run id prefix {ref} is ambiguous: {ids}, …")
        seq = {"seq": found[0]["seq"]}
        return report_from_rows(found[0], self._all(_GATES_OF, seq), self._all(_CHECKS_OF, seq))

    def latest_ids(self, n: int) -> list[str]:
        return [str(r["run_id"]) for r in self._all(_LATEST, {"limit": n})]

    def statuses(self, commit: str, limit: int = FLAKY_WINDOW) -> list[dict[str, Status]]:
        params = {"commit": commit, "dirty": False, "limit": limit}
        out: dict[int, dict[str, Status]] = {r["seq"]: {} for r in self._all(_CLEAN_RUNS, params)}
        for r in self._all(_STATUSES, params):
            out[r["run_seq"]][r["check_id"]] = Status(r["status"])
        return [out[s] for s in sorted(out)]

    def commits(self, limit: int) -> list[str]:
        rows = self._all(_COMMITS, {"limit": limit})
        return list(dict.fromkeys(r["commit"] for r in rows if r["commit"]))

    def trends(self, gate_ids: Sequence[str], limit: int = 30) -> dict[str, list[TrendPoint]]:
        out: dict[str, list[TrendPoint]] = {}
        for gid in gate_ids:
            points = [TrendPoint(**r) for r in self._all(_TREND, {"gate": gid, "limit": limit})]
            out[gid] = points[::-1]
        return out

    def approvals(
        self, commit: str | None = None, plan_hash: str | None = None, *, active_only: bool = True
    ) -> list[Approval]:
        clauses = ["1 = 1"]
        if commit is not None:
            clauses.append('"commit" = :commit')
        if plan_hash is not None:
            clauses.append("plan_hash = :plan_hash")
        if active_only:
            clauses.append("revoked_at IS NULL")
        sql = _APPROVALS.format(where=" AND ".join(clauses))
        rows = self._all(sql, {"commit": commit, "plan_hash": plan_hash})
        return [Approval(**{k: v for k, v in r.items() if k != "id"}) for r in rows]
