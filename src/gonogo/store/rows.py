"""Rows → values, shared by the SQLAlchemy store and the stdlib read path: plain
mappings in, frozen report values out (no SQLAlchemy import here). A row's JSON detail
holds the fields of the report's own `to_dict` that have no column, so one codec
(`gonogo.models`) reads and writes both the JSON report and the history."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from gonogo.models import CheckResult, GateReport, GitInfo, RunReport, Verdict
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
    """The gate's columns and its JSON detail, read by the report's own codec."""
    columns = ("title", "pass_rate", "passed", "total", "skipped", "waived", "threshold")
    data = {**json.loads(g["detail"]), **{k: g[k] for k in columns}}
    return GateReport.from_dict({**data, "id": g["gate_id"], "verdict": g["verdict"]})


def _check(c: Row) -> CheckResult:
    columns = ("kind", "priority", "status", "message", "owner", "duration_s", "attempts")
    data = {**json.loads(c["detail"]), **{k: c[k] for k in columns}}
    return CheckResult.from_dict(
        {**data, "id": c["check_id"], "gate": c["gate_id"], "flaky": bool(c["flaky"])}
    )
