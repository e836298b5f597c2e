"""Rows ⇄ report values: what `SqlStore` writes for a run and how it reads one back."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, RowMapping, select

from gonogo.models import CheckResult, Finding, GateReport, GitInfo, RunReport, Status, Verdict
from gonogo.store import GateRow, RunRow
from gonogo.store import tables as t

Values = dict[str, Any]


def encode(value: Any) -> str:
    return json.dumps(value, default=str, ensure_ascii=False, separators=(",", ":"))


def run_values(report: RunReport) -> tuple[Values, list[Values], list[Values]]:
    run = {
        "run_id": report.run_id,
        "project": report.project,
        "started_at": report.started_at,
        "duration_s": report.duration_s,
        "commit": report.git.commit,
        "branch": report.git.branch,
        "dirty": report.git.dirty,
        "plan_hash": report.plan_hash,
        "plan_source": report.plan_source,
        "root": report.root,
        "verdict": report.verdict.value,
        "pass_rate": report.pass_rate,
        "checks": len(report.checks),
        "interrupted": report.interrupted,
        "notes": encode(list(report.notes)),
    }
    gates = [_gate_values(i, g) for i, g in enumerate(report.gates)]
    checks = [_check_values(i, c) for i, c in enumerate(report.checks)]
    return run, gates, checks


def _gate_values(position: int, g: GateReport) -> Values:
    detail = {
        "blockers": list(g.blockers),
        "reasons": list(g.reasons),
        "approvals": {"required": list(g.approvals_required), "given": list(g.approvals_given)},
    }
    return {
        "gate_id": g.gate_id,
        "position": position,
        "title": g.title,
        "verdict": g.verdict.value,
        "pass_rate": g.pass_rate,
        "passed": g.passed,
        "total": g.total,
        "skipped": g.skipped,
        "waived": g.waived,
        "threshold": g.threshold,
        "detail": encode(detail),
    }


def _check_values(position: int, c: CheckResult) -> Values:
    detail: dict[str, Any] = {
        "evidence": dict(c.evidence),
        "findings": [f.to_dict() for f in c.findings],
    }
    if c.waiver is not None:
        detail["waiver"] = dict(c.waiver)
    if c.description:
        detail["description"] = c.description
    return {
        "check_id": c.check_id,
        "position": position,
        "gate_id": c.gate,
        "kind": c.kind,
        "priority": c.priority,
        "status": c.status.value,
        "message": c.message,
        "owner": c.owner,
        "duration_s": c.duration_s,
        "attempts": c.attempts,
        "flaky": c.flaky,
        "detail": encode(detail),
    }


def gate_rows(rows: Iterable[RowMapping]) -> dict[int, tuple[GateRow, ...]]:
    out: dict[int, list[GateRow]] = defaultdict(list)
    for r in rows:
        row = GateRow(r["gate_id"], r["verdict"], r["pass_rate"], r["passed"], r["total"])
        out[r["run_seq"]].append(row)
    return {k: tuple(v) for k, v in out.items()}


def run_row(r: RowMapping, gates: tuple[GateRow, ...]) -> RunRow:
    return RunRow(
        run_id=r["run_id"],
        started_at=r["started_at"],
        commit=r["commit"],
        branch=r["branch"],
        dirty=r["dirty"],
        verdict=r["verdict"],
        pass_rate=r["pass_rate"],
        duration_s=r["duration_s"],
        checks=r["checks"],
        plan_hash=r["plan_hash"],
        gates=gates,
    )


def read_report(conn: Connection, seq: int) -> RunReport:
    r = conn.execute(select(t.runs).where(t.runs.c.seq == seq)).mappings().one()
    gq = select(t.gates).where(t.gates.c.run_seq == seq).order_by(t.gates.c.position)
    cq = select(t.checks).where(t.checks.c.run_seq == seq).order_by(t.checks.c.position)
    return RunReport(
        project=r["project"],
        run_id=r["run_id"],
        started_at=r["started_at"],
        duration_s=r["duration_s"],
        git=GitInfo(r["commit"], r["branch"], r["dirty"]),
        verdict=Verdict(r["verdict"]),
        pass_rate=r["pass_rate"],
        gates=tuple(_gate(g) for g in conn.execute(gq).mappings()),
        checks=tuple(_check(c) for c in conn.execute(cq).mappings()),
        plan_hash=r["plan_hash"],
        plan_source=r["plan_source"],
        root=r["root"],
        interrupted=bool(r["interrupted"]),
        notes=tuple(json.loads(r["notes"])),
    )


def _gate(g: RowMapping) -> GateReport:
    d = json.loads(g["detail"])
    return GateReport(
        gate_id=g["gate_id"],
        title=g["title"],
        verdict=Verdict(g["verdict"]),
        pass_rate=g["pass_rate"],
        passed=g["passed"],
        total=g["total"],
        skipped=g["skipped"],
        waived=g["waived"],
        threshold=g["threshold"],
        blockers=tuple(d.get("blockers", ())),
        reasons=tuple(d.get("reasons", ())),
        approvals_required=tuple(d.get("approvals", {}).get("required", ())),
        approvals_given=tuple(d.get("approvals", {}).get("given", ())),
    )


def _check(c: RowMapping) -> CheckResult:
    d = json.loads(c["detail"])
    return CheckResult(
        check_id=c["check_id"],
        gate=c["gate_id"],
        kind=c["kind"],
        priority=c["priority"],
        status=Status(c["status"]),
        message=c["message"],
        owner=c["owner"],
        duration_s=c["duration_s"],
        attempts=c["attempts"],
        evidence=d.get("evidence", {}),
        findings=tuple(Finding.from_dict(f) for f in d.get("findings", ())),
        description=d.get("description"),
        waiver=d.get("waiver"),
        flaky=bool(c["flaky"]),
    )
