"""Report values → rows: what `SqlStore` writes for a run (`gonogo.store.rows` reads
them back). `pushed_values` makes the same rows from a run's checks as JSON data (a
pushed report, validated), without building a `CheckResult` for each."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from gonogo.models import (
    CheckResult,
    Finding,
    GateReport,
    Measure,
    RunReport,
    finding_fingerprint,
)

Values = dict[str, Any]
Rows = tuple[Values, list[Values], list[Values]]  # a run's row, its gates' and its checks'


_ENCODER = json.JSONEncoder(default=str, ensure_ascii=False, separators=(",", ":"))
_SAMPLE = {"a": [1, 2.5, None, True], "é": 'x\n"y"', "n": {"k": "v"}}


def _c_encoder() -> Any:
    """The C encoder `_ENCODER` builds anew at each call, built once (CPython's private
    `_json.make_encoder`, without the check for cycles: report data never has one). Used
    only where it writes exactly what `_ENCODER` writes; None elsewhere."""
    try:
        from _json import make_encoder

        made = make_encoder(
            None, str, json.encoder.encode_basestring, None, ":", ",", False, False, True
        )
        same = "".join(made(_SAMPLE, 0)) == _ENCODER.encode(_SAMPLE)
    except Exception:  # another interpreter, or another signature
        return None
    return made if same else None


_C_ENCODE = _c_encoder()


def encode(value: Any) -> str:
    """Compact JSON text, as `_ENCODER` writes it. A run encodes a detail per check, and
    building the encoder each time cost as much as encoding a small one."""
    if _C_ENCODE is None or isinstance(value, str):
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def run_values(report: RunReport) -> Rows:
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


def pushed_values(head: RunReport, checks: Sequence[Mapping[str, Any]]) -> Rows:
    """`run_values` of `head` with these checks, given as `RunReport.from_dict` reads
    them (`head` holding none): the same rows, without a `CheckResult` for each."""
    run, gates, _ = run_values(head)
    run["checks"] = len(checks)
    return run, gates, [_pushed_check(i, c) for i, c in enumerate(checks)]


GATE_DETAIL = ("blockers", "reasons", "approvals", "score")  # to_dict keys without a column
CHECK_DETAIL = ("evidence", "findings", "waiver", "description", "measures")


def _detail(full: Values, keys: tuple[str, ...]) -> str:
    return encode({k: full[k] for k in keys if k in full})


def _gate_values(position: int, g: GateReport) -> Values:
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
        "detail": _detail(g.to_dict(), GATE_DETAIL),
    }


def _check_values(position: int, c: CheckResult) -> Values:
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
        "detail": _check_detail(
            c.check_id, c.evidence, c.findings, c.waiver, c.description, c.measures
        ),
    }


def _pushed_check(position: int, c: Mapping[str, Any]) -> Values:
    """`_check_values` of `CheckResult.from_dict(c)`, with its defaults."""
    found, measured = c.get("findings"), c.get("measures")
    detail = _check_detail(
        c["id"],
        c.get("evidence") or {},
        tuple(map(Finding.from_dict, found)) if found else (),
        c.get("waiver"),
        c.get("description"),
        tuple(map(Measure.from_dict, measured)) if measured else (),
    )
    return {
        "check_id": c["id"],
        "position": position,
        "gate_id": c["gate"],
        "kind": c["kind"],
        "priority": c.get("priority", "P2"),
        "status": c["status"],
        "message": c.get("message", ""),
        "owner": c.get("owner"),
        "duration_s": float(c.get("duration_s", 0.0)),
        "attempts": int(c.get("attempts", 1)),
        "flaky": bool(c.get("flaky", False)),
        "detail": detail,
    }


def _check_detail(
    check_id: str,
    evidence: Mapping[str, Any],
    findings: Sequence[Finding],
    waiver: Mapping[str, Any] | None,
    description: str | None,
    measures: Sequence[Measure],
) -> str:
    """The CHECK_DETAIL keys of a check's `to_dict()`, in that order, without building
    the rest (a run writes one per check; the round-trip tests hold the two together)."""
    out: Values = {
        "evidence": dict(evidence),
        "findings": [
            {**f.to_dict(), "fingerprint": finding_fingerprint(check_id, f)} for f in findings
        ],
    }
    if waiver is not None:
        out["waiver"] = dict(waiver)
    if description:
        out["description"] = description
    if measures:
        out["measures"] = [m.to_dict() for m in measures]
    return encode(out)
