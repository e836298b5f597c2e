"""What one run changes in its branch's summary row, and the events it raises. Pure
functions of the previous row and the new report: the fleet overview reads these rows
(one per project and branch) instead of every run."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gonogo.models import RunReport, Status, blockers

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


def p0_blockers(report: RunReport) -> list[dict[str, Any]]:
    return [
        {
            "check": c.check_id,
            "gate": c.gate,
            "owner": c.owner,
            "status": c.status.value,
            "message": c.message[:MESSAGE_MAX],
        }
        for c in blockers(report.checks)
        if c.priority == "P0"
    ]


def branch_row(report: RunReport, seq: int, received_at: float, runs: int) -> dict[str, Any]:
    return {
        "project": report.project,
        "branch": report.git.branch or "",
        "run_seq": seq,
        "run_id": report.run_id,
        "started_at": report.started_at,
        "received_at": received_at,
        "commit": report.git.commit,
        "plan_hash": report.plan_hash,
        "verdict": report.verdict.value,
        "pass_rate": report.pass_rate,
        "checks": len(report.checks),
        "gates": json.dumps(gates(report)),
        "p0": json.dumps(p0_blockers(report)),
        "runs": runs,
    }


def _id(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def events(
    previous: Mapping[str, Any] | None, report: RunReport, today: dt.date, warn_days: int
) -> list[Event]:
    """Verdict flips against the branch's previous run, P0 blockers it did not have, and
    waivers that expire within `warn_days` (each waiver once: its id is its identity)."""
    p, branch = report.project, report.git.branch or ""
    out = []
    if previous is not None and previous["verdict"] != report.verdict.value:
        data = {"branch": branch, "from": previous["verdict"], "to": report.verdict.value}
        data.update(run_id=report.run_id, commit=report.git.commit)
        out.append(Event(_id(p, branch, report.run_id, "flip"), "verdict.flip", p, data))
    before = {b["check"] for b in json.loads(previous["p0"])} if previous is not None else set()
    new = [b for b in p0_blockers(report) if b["check"] not in before]
    if new:
        data = {"branch": branch, "run_id": report.run_id, "blockers": new}
        out.append(Event(_id(p, branch, report.run_id, "p0"), "blocker.p0", p, data))
    out += _expiring(report, today, warn_days)
    return out


def _expiring(report: RunReport, today: dt.date, warn_days: int) -> list[Event]:
    out = []
    for c in report.checks:
        w = c.waiver
        if not w:
            continue
        try:
            expires = dt.date.fromisoformat(str(w.get("expires", "")))
        except ValueError:
            continue
        days = (expires - today).days
        if w.get("expired") or not 0 <= days <= warn_days:
            continue
        data = {"check": c.check_id, "expires": expires.isoformat(), "days_left": days}
        data.update(owner=w.get("owner"), reason=w.get("reason"), waived=c.status is Status.WAIVED)
        out.append(
            Event(
                _id(report.project, c.check_id, expires.isoformat()),
                "waiver.expiring",
                report.project,
                data,
            )
        )
    return out
