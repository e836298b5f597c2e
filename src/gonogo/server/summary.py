"""What one run changes in its branch's summary row, and the events it raises. Pure
functions of the previous row and the new run: the fleet overview reads these rows
(one per project and branch) instead of every run.

A run reaches them as a `PreparedRun`: the report's rows and summary, as plain values,
computed once (`prepare`) and picklable, so that a pushed run can be prepared in a
worker process and stored by the writer without rebuilding the report."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gonogo.models import NOT_PASSING, CheckResult, RunReport, Status, blockers
from gonogo.store.codec import Rows, Values, pushed_values, run_values

MESSAGE_MAX = 300


@dataclass(frozen=True, slots=True)
class Event:
    event_id: str
    kind: str
    project: str
    data: Mapping[str, Any] = field(default_factory=dict)


def gates(report: RunReport) -> list[dict[str, Any]]:
    return [
        {
            "id": g.gate_id,
            "title": g.title,
            "verdict": g.verdict.value,
            "pass_rate": g.pass_rate,
            "threshold": g.threshold,
            "passed": g.passed,
            "counted": g.total - g.skipped - g.waived,
            "required": list(g.approvals_required),
            "given": list(g.approvals_given),
        }
        for g in report.gates
    ]


def p0_blockers(checks: Iterable[CheckResult]) -> list[dict[str, Any]]:
    return [
        {
            "check": c.check_id,
            "gate": c.gate,
            "owner": c.owner,
            "status": c.status.value,
            "message": c.message[:MESSAGE_MAX],
        }
        for c in blockers(checks)
        if c.priority == "P0"
    ]


@dataclass(frozen=True, slots=True)
class Waiver:
    check_id: str
    waiver: Mapping[str, Any]
    waived: bool  # the check's status is `waived`


@dataclass(frozen=True, slots=True)
class PreparedRun:
    """One run as its ingest stores and summarises it."""

    project: str
    run_id: str
    started_at: str
    branch: str
    commit: str | None
    verdict: str
    rows: Rows
    summary: Values  # the branch row's columns that come from the run alone
    p0: tuple[dict[str, Any], ...]
    waivers: tuple[Waiver, ...]


def prepare(report: RunReport) -> PreparedRun:
    return _prepared(report, run_values(report), report.checks)


_UNPASSED = frozenset(s.value for s in NOT_PASSING)


def prepare_pushed(data: Mapping[str, Any]) -> PreparedRun:
    """`prepare(RunReport.from_dict(data))`, building only the checks the summary reads
    (a P0 blocker, a waiver) as `CheckResult`s: a pushed run's checks are mostly neither."""
    checks: Sequence[Mapping[str, Any]] = data.get("checks") or ()
    head = RunReport.from_dict({**data, "checks": ()})
    notable = [
        CheckResult.from_dict(c)
        for c in checks
        if c.get("waiver") or (c["status"] in _UNPASSED and c.get("priority") == "P0")
    ]
    return _prepared(head, pushed_values(head, checks), notable)


def _prepared(head: RunReport, rows: Rows, checks: Sequence[CheckResult]) -> PreparedRun:
    """The run `rows` hold; its gates are `head`'s, and `checks` holds at least every
    check that is a P0 blocker or carries a waiver."""
    p0 = p0_blockers(checks)
    row = {
        "project": head.project,
        "branch": head.git.branch or "",
        "run_id": head.run_id,
        "started_at": head.started_at,
        "commit": head.git.commit,
        "plan_hash": head.plan_hash,
        "verdict": head.verdict.value,
        "pass_rate": head.pass_rate,
        "checks": rows[0]["checks"],
        "gates": json.dumps(gates(head)),
        "p0": json.dumps(p0),
    }
    waivers = tuple(
        Waiver(c.check_id, c.waiver, c.status is Status.WAIVED) for c in checks if c.waiver
    )
    return PreparedRun(
        head.project,
        head.run_id,
        head.started_at,
        head.git.branch or "",
        head.git.commit,
        head.verdict.value,
        rows,
        row,
        tuple(p0),
        waivers,
    )


def branch_row(run: PreparedRun, seq: int, received_at: float, runs: int) -> dict[str, Any]:
    return {**run.summary, "run_seq": seq, "received_at": received_at, "runs": runs}


def _id(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def events(
    previous: Mapping[str, Any] | None, run: PreparedRun, today: dt.date, warn_days: int
) -> list[Event]:
    """Verdict flips against the branch's previous run, P0 blockers it did not have, and
    waivers that expire within `warn_days` (each waiver once: its id is its identity)."""
    p, branch = run.project, run.branch
    out = []
    if previous is not None and previous["verdict"] != run.verdict:
        data = {"branch": branch, "from": previous["verdict"], "to": run.verdict}
        data.update(run_id=run.run_id, commit=run.commit)
        out.append(Event(_id(p, branch, run.run_id, "flip"), "verdict.flip", p, data))
    new = list(run.p0)
    if new and previous is not None:
        before = {b["check"] for b in json.loads(previous["p0"])}
        new = [b for b in new if b["check"] not in before]
    if new:
        data = {"branch": branch, "run_id": run.run_id, "blockers": new}
        out.append(Event(_id(p, branch, run.run_id, "p0"), "blocker.p0", p, data))
    out += _expiring(run, today, warn_days)
    return out


def _expiring(run: PreparedRun, today: dt.date, warn_days: int) -> list[Event]:
    out = []
    for c in run.waivers:
        w = c.waiver
        try:
            expires = dt.date.fromisoformat(str(w.get("expires", "")))
        except ValueError:
            continue
        days = (expires - today).days
        if w.get("expired") or not 0 <= days <= warn_days:
            continue
        data = {"check": c.check_id, "expires": expires.isoformat(), "days_left": days}
        data.update(owner=w.get("owner"), reason=w.get("reason"), waived=c.waived)
        out.append(
            Event(
                _id(run.project, c.check_id, expires.isoformat()),
                "waiver.expiring",
                run.project,
                data,
            )
        )
    return out
