"""Small helpers shared by the human-readable formats."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gonogo.models import CheckResult, GateReport, RunReport, Status
from gonogo.models import blockers as sort_blockers

ICONS = {
    Status.PASS: "✅",
    Status.FAIL: "❌",
    Status.ERROR: "💥",
    Status.BLOCKED: "⛔",
    Status.SKIP: "⏭️",
    Status.WAIVED: "🏳️",
}


def rate_text(rate: float | None) -> str:
    return "empty" if rate is None else f"{rate:g}%"


def gate_rate(g: GateReport) -> str:
    """`83.3% (5/6)`, and the weighted score beside it when the gate sets a target:
    `83.3% (5/6) · score 91 (pass 90, warn 75)`."""
    counted = g.total - g.skipped - g.waived
    text = f"{rate_text(g.pass_rate)} ({g.passed}/{counted})"
    if g.score is not None:
        s = g.score
        warn = f", warn {s.warn_at:g}" if s.warn_at < s.pass_at else ""
        text += f" · score {s.value:g} {s.status} (pass {s.pass_at:g}{warn})"
    return text


def blockers(report: RunReport) -> list[CheckResult]:
    return sort_blockers(report.checks)


def evidence_text(evidence: Mapping[str, Any], limit: int = 80) -> str:
    """One short line summarising evidence for a table cell."""
    parts = []
    for key, value in evidence.items():
        if key.endswith("_tail") or key == "truncated":
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value[:3]) + (" …" if len(value) > 3 else "")
        parts.append(f"{key}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def counts(report: RunReport) -> dict[Status, int]:
    out = dict.fromkeys(Status, 0)
    for c in report.checks:
        out[c.status] += 1
    return out


def summary_line(report: RunReport) -> str:
    n = counts(report)
    parts = [f"{n[s]} {s.value}" for s in Status if n[s]]
    gates_go = sum(g.verdict.value == "GO" for g in report.gates)
    return (
        f"{report.verdict.value}: {gates_go}/{len(report.gates)} gates GO, "
        f"{len(report.checks)} checks ({', '.join(parts) or 'none'}), "
        f"pass rate {rate_text(report.pass_rate)}"
    )
