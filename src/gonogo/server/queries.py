"""The server's reads: the fleet from the summary rows, a project's branches, runs,
trends, flaky checks and approvals from the history tables (indexed per project).

Statements are fixed text; `{...}` slots take only the fixed clauses written here, and
every value is a bound parameter.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Connection

from gonogo.models import RunReport, Status
from gonogo.server.db import Row, rows
from gonogo.store import FLAKY_WINDOW, Approval
from gonogo.store.flaky import flaky_ids

PREFERRED_BRANCHES = ("main", "master", "trunk")
_FLEET = (
    "SELECT p.project, p.owner, p.tags, p.default_branch, b.branch, b.run_id, b.started_at, "
    'b.received_at, b."commit", b.plan_hash, b.verdict, b.pass_rate, b.checks, b.gates, b.p0, '
    "b.runs FROM gonogo_server_projects p LEFT JOIN gonogo_server_branches b "
    "ON b.project = p.project {where}"
)
_RUNS = (
    'SELECT run_id, started_at, "commit", branch, dirty, verdict, pass_rate, checks, '
    "duration_s, plan_hash FROM gonogo_runs WHERE project = :p {where} "
    "ORDER BY seq DESC LIMIT :limit"
)
_TRENDS = (
    "SELECT r.seq, r.run_id, r.started_at, g.gate_id, g.verdict, g.pass_rate, g.threshold "
    "FROM gonogo_gate_results g JOIN gonogo_runs r ON r.seq = g.run_seq WHERE r.seq IN "
    "(SELECT seq FROM gonogo_runs WHERE project = :p AND {branch} ORDER BY seq DESC "
    "LIMIT :limit) ORDER BY r.seq"
)
_STATUSES = (
    'SELECT r.seq, r."commit", c.check_id, c.status FROM gonogo_check_results c '
    "JOIN gonogo_runs r ON r.seq = c.run_seq WHERE r.seq IN (SELECT seq FROM gonogo_runs "
    'WHERE project = :p AND dirty = :dirty AND "commit" IS NOT NULL '
    "ORDER BY seq DESC LIMIT :limit)"
)
_APPROVALS = (
    'SELECT * FROM gonogo_approvals WHERE "commit" IN (SELECT DISTINCT "commit" FROM '
    'gonogo_runs WHERE project = :p AND "commit" IS NOT NULL) {where} ORDER BY id'
)


@dataclass(frozen=True, slots=True)
class ProjectState:
    """A project's row in the fleet: its default branch's latest run."""

    project: str
    owner: str | None
    tags: tuple[str, ...]
    branch: str | None
    run_id: str | None
    started_at: str | None
    received_at: float | None
    commit: str | None
    plan_hash: str | None
    verdict: str | None
    pass_rate: float | None
    gates: tuple[dict[str, Any], ...]
    p0: tuple[dict[str, Any], ...]
    runs: int

    def gate(self, gate_id: str) -> dict[str, Any] | None:
        return next((g for g in self.gates if g["id"] == gate_id), None)

    def to_dict(self, stale: bool) -> dict[str, Any]:
        out = {k: getattr(self, k) for k in self.__slots__ if k not in ("gates", "p0")}
        out.update(
            tags=list(self.tags), stale=stale, gates=list(self.gates), p0_blockers=list(self.p0)
        )
        return out


def fleet(conn: Connection, project: str | None = None) -> list[ProjectState]:
    where = "WHERE p.project = :p" if project is not None else ""
    by_project: dict[str, list[Row]] = defaultdict(list)
    for r in rows(conn, _FLEET.format(where=where), {"p": project}):
        by_project[r["project"]].append(r)
    return [_state(branches) for branches in by_project.values()]


def default_row(branches: list[Row]) -> Row:
    """The default branch's row: the project's setting, else main/master/trunk, else
    the branch that reported last."""
    named = {r["branch"]: r for r in branches if r["branch"] is not None}
    wanted = branches[0]["default_branch"]
    for name in (wanted, *PREFERRED_BRANCHES):
        if name in named:
            return named[name]
    if named:
        return max(named.values(), key=lambda r: r["received_at"])
    return branches[0]


@lru_cache(maxsize=50_000)
def _parsed(text: str) -> tuple[dict[str, Any], ...]:
    """A summary row's JSON, parsed once per distinct text (the overview reads a thousand
    of them per request; they change only when a run arrives). Callers never mutate it."""
    return tuple(json.loads(text))


@lru_cache(maxsize=4096)
def _tags(text: str) -> tuple[str, ...]:
    """A project's JSON list of tags, parsed once per distinct text (few projects differ)."""
    return tuple(str(t) for t in json.loads(text))


def _state(branches: list[Row]) -> ProjectState:
    r = default_row(branches)
    return ProjectState(
        project=r["project"],
        owner=r["owner"],
        tags=_tags(r["tags"]),
        branch=r["branch"],
        run_id=r["run_id"],
        started_at=r["started_at"],
        received_at=r["received_at"],
        commit=r["commit"],
        plan_hash=r["plan_hash"],
        verdict=r["verdict"],
        pass_rate=r["pass_rate"],
        gates=_parsed(r["gates"]) if r["gates"] else (),
        p0=_parsed(r["p0"]) if r["p0"] else (),
        runs=sum(b["runs"] or 0 for b in branches),
    )


def branches(conn: Connection, project: str) -> list[Row]:
    sql = "SELECT * FROM gonogo_server_branches WHERE project = :p ORDER BY received_at DESC"
    found = rows(conn, sql, {"p": project})
    for r in found:
        r["gates"], r["p0"] = json.loads(r["gates"]), json.loads(r["p0"])
    return found


def runs(
    conn: Connection,
    project: str,
    *,
    limit: int = 50,
    since: str | None = None,
    commit: str | None = None,
    branch: str | None = None,
) -> list[Row]:
    clauses = []
    if since is not None:
        clauses.append("AND started_at >= :since")
    if commit is not None:
        clauses.append('AND "commit" LIKE :commit')
    if branch is not None:
        clauses.append("AND branch = :branch")
    params = {"p": project, "limit": limit, "since": since, "branch": branch}
    params["commit"] = (commit or "").replace("%", "").replace("_", "") + "%"
    found = rows(conn, _RUNS.format(where=" ".join(clauses)), params)
    for r in found:
        r["dirty"] = None if r["dirty"] is None else bool(r["dirty"])
    return found


def trends(
    conn: Connection, project: str, branch: str | None, limit: int = 30
) -> dict[str, list[Row]]:
    """Gate id -> its points over the branch's newest `limit` runs, oldest first."""
    clause = "branch = :b" if branch else "branch IS NULL"
    out: dict[str, list[Row]] = defaultdict(list)
    for r in rows(conn, _TRENDS.format(branch=clause), {"p": project, "b": branch, "limit": limit}):
        out[r["gate_id"]].append(r)
    return dict(out)


def flaky(conn: Connection, project: str, runs_scanned: int = 50) -> list[dict[str, Any]]:
    """Checks whose status flipped at least twice on one commit, newest commit first."""
    params = {"p": project, "dirty": False, "limit": runs_scanned}
    by_commit: dict[str, dict[int, dict[str, Any]]] = defaultdict(lambda: defaultdict(dict))
    for r in rows(conn, _STATUSES, params):
        by_commit[r["commit"]][r["seq"]][r["check_id"]] = r["status"]
    out = []
    newest = sorted(by_commit, key=lambda c: -max(by_commit[c]))
    for commit in newest:
        history = [by_commit[commit][s] for s in sorted(by_commit[commit])][-FLAKY_WINDOW:]
        typed = [{k: Status(v) for k, v in run.items()} for run in history]
        for cid, n in flaky_ids(typed).items():
            seq = [run[cid] for run in history if cid in run]
            out.append({"check": cid, "commit": commit, "flips": n, "statuses": seq})
    return out


def approvals(
    conn: Connection,
    project: str,
    commit: str | None = None,
    plan_hash: str | None = None,
    *,
    active_only: bool = True,
) -> list[Approval]:
    clauses = []
    if commit is not None:
        clauses.append('AND "commit" = :commit')
    if plan_hash is not None:
        clauses.append("AND plan_hash = :plan_hash")
    if active_only:
        clauses.append("AND revoked_at IS NULL")
    found = rows(
        conn,
        _APPROVALS.format(where=" ".join(clauses)),
        {"p": project, "commit": commit, "plan_hash": plan_hash},
    )
    return [Approval(**{k: v for k, v in r.items() if k != "id"}) for r in found]


def report(store: Any, project: str, run_id: str) -> RunReport:
    """A stored run of `project`; LookupError when there is none (or it is another's)."""
    found: RunReport = store.get(run_id)
    if found.project != project:
        raise LookupError(f"project {project} has no run {run_id}")
    return found


def gate_approvals(state: RunReport | None, given: list[Approval]) -> list[dict[str, Any]]:
    """Per gate asking for approvals: required roles, the valid approvals, what is missing."""
    if state is None:
        return []
    out = []
    for g in state.gates:
        if not g.approvals_required:
            continue
        mine = [a for a in given if a.gate_id == g.gate_id and a.role in g.approvals_required]
        roles = {a.role for a in mine}
        missing = [r for r in g.approvals_required if r not in roles]
        out.append(
            {
                "gate": g.gate_id,
                "required": list(g.approvals_required),
                "given": mine,
                "missing": missing,
            }
        )
    return out
