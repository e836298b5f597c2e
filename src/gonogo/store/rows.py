"""Rows → values, shared by the SQLAlchemy store and the stdlib read path: plain
mappings in, frozen report values out (no SQLAlchemy import here)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from gonogo.models import CheckResult, Finding, GateReport, GitInfo, RunReport, Status, Verdict
from gonogo.store import GateRow, RunRow

Row = Mapping[Any, Any]


def gate_rows(rows: Iterable[Row]) -> dict[int, tuple[GateRow, ...]]:
    out: dict[int, list[GateRow]] = defaultdict(list)
    for r in rows:
        row = GateRow(r["gate_id"], r["verdict"], r["pass_rate"], r["passed"], r["total"])
        out[r["run_seq"]].append(row)
    return {k: tuple(v) for k, v in out.items()}


def run_row(r: Row, gates: tuple[GateRow, ...]) -> RunRow:
    return RunRow(
        run_id=r["run_id"],
        started_at=r["started_at"],
        commit=r["commit"],
        branch=r["branch"],
        dirty=_bool(r["dirty"]),
        verdict=r["verdict"],
        pass_rate=r["pass_rate"],
        duration_s=r["duration_s"],
        checks=r["checks"],
        plan_hash=r["plan_hash"],
        gates=gates,
    )


def report_from_rows(r: Row, gates: Iterable[Row], checks: Iterable[Row]) -> RunReport:
    return RunReport(
        project=r["project"],
        run_id=r["run_id"],
        started_at=r["started_at"],
        duration_s=r["duration_s"],
        git=GitInfo(r["commit"], r["branch"], _bool(r["dirty"])),
        verdict=Verdict(r["verdict"]),
        pass_rate=r["pass_rate"],
        gates=tuple(_gate(g) for g in gates),
        checks=tuple(_check(c) for c in checks),
        plan_hash=r["plan_hash"],
        plan_source=r["plan_source"],
        root=r["root"],
        interrupted=bool(r["interrupted"]),
        notes=tuple(json.loads(r["notes"])),
    )


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _gate(g: Row) -> GateReport:
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


def _check(c: Row) -> CheckResult:
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
