"""Frozen result values shared by the engine, reporters, store and orchestrator."""

from __future__ import annotations

import enum
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Status(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - a status name
    FAIL = "fail"
    ERROR = "error"
    BLOCKED = "blocked"
    SKIP = "skip"
    WAIVED = "waived"

    @property
    def passed(self) -> bool:
        return self is Status.PASS


class Verdict(enum.StrEnum):
    GO = "GO"
    NO_GO = "NO-GO"


PRIORITIES = ("P0", "P1", "P2", "P3")  # most urgent first
NOT_PASSING = frozenset({Status.FAIL, Status.ERROR, Status.BLOCKED})


def priority_rank(priority: str) -> int:
    """0 for P0 … 3 for P3; anything else sorts after them."""
    return PRIORITIES.index(priority) if priority in PRIORITIES else len(PRIORITIES)


REPORT_SCHEMA = "gonogo.report/v1"


@dataclass(frozen=True, slots=True)
class Finding:
    """One located observation behind a result (a hardcoded secret, a failing test, ...)."""

    rule: str
    message: str
    path: str | None = None
    line: int | None = None
    severity: str = "error"
    key: str | None = None  # the probe's stable identity for it (a variable, a keyed hash)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path, "line": self.line}
        out.update(rule=self.rule, message=self.message, severity=self.severity)
        if self.key is not None:
            out["key"] = self.key
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Finding:
        return cls(
            rule=str(data["rule"]),
            message=str(data["message"]),
            path=data.get("path"),
            line=data.get("line"),
            severity=str(data.get("severity", "error")),
            key=data.get("key"),
        )


_NUMBERS = re.compile(r"\d+")


def finding_fingerprint(check_id: str, finding: Finding) -> str:
    """A finding's identity across runs: check, rule, file and the probe's own key, or
    else its message with the numbers taken out. Never the line, so it survives edits
    above it; baselines, SARIF alerts and history diffs match on it."""
    key = finding.key if finding.key is not None else _NUMBERS.sub("#", finding.message)
    text = "\0".join((check_id, finding.rule, finding.path or "", key))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Measure:
    """A number a check measured, for thresholds relative to history (`compare`).

    `better` says which way is an improvement ("lower" for latency, "higher" for
    coverage); `limit` is the absolute threshold the check applied to it, if any."""

    name: str
    value: float
    unit: str = ""
    better: str = "lower"
    limit: float | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name, "value": self.value, "unit": self.unit}
        out.update(better=self.better, limit=self.limit)
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Measure:
        limit = data.get("limit")
        return cls(
            name=str(data["name"]),
            value=float(data["value"]),
            unit=str(data.get("unit", "")),
            better=str(data.get("better", "lower")),
            limit=None if limit is None else float(limit),
        )


@dataclass(frozen=True, slots=True)
class Baseline:
    """The earlier run a check's measure is compared with (`compare`), as the history
    recorded it."""

    run_id: str
    started_at: str
    status: Status
    measures: tuple[Measure, ...]

    def measure(self, name: str) -> Measure | None:
        return next((m for m in self.measures if m.name == name), None)


@dataclass(frozen=True, slots=True)
class NoBaseline:
    """Why a check has no baseline: "no earlier run where it passed", an unknown run."""

    reason: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a probe says about one check, before the engine adds identity and timing.

    `transient` is False for an `error` that retrying cannot fix and that says nothing
    about the target's health (the target answered; the question was wrong): it is not
    retried and does not count towards the target's circuit breaker."""

    status: Status
    message: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    measures: tuple[Measure, ...] = ()
    transient: bool = True


def passed(
    message: str, *, evidence: Mapping[str, Any] | None = None, findings: tuple[Finding, ...] = ()
) -> Outcome:
    return Outcome(Status.PASS, message, evidence or {}, findings)


def failed(
    message: str, *, evidence: Mapping[str, Any] | None = None, findings: tuple[Finding, ...] = ()
) -> Outcome:
    return Outcome(Status.FAIL, message, evidence or {}, findings)


def errored(
    message: str, *, evidence: Mapping[str, Any] | None = None, findings: tuple[Finding, ...] = ()
) -> Outcome:
    return Outcome(Status.ERROR, message, evidence or {}, findings)


def verdict_of(
    findings: tuple[Finding, ...], ok: str, bad: str, evidence: Mapping[str, Any] | None = None
) -> Outcome:
    """`pass` with message `ok` when there are no findings, else `fail` with `bad`."""
    if findings:
        return failed(bad, evidence=evidence, findings=findings)
    return passed(ok, evidence=evidence)


def problems(label: str, findings: tuple[Finding, ...]) -> str:
    """`LABEL: N problem(s); first PATH:LINE MESSAGE`, the fail line of artifact probes."""
    if not findings:
        return ""
    first = findings[0]
    where = f"{first.path}:{first.line}" if first.line is not None else f"{first.path}"
    return f"{label}: {len(findings)} problem(s); first {where} {first.message}"


def blockers(results: Iterable[CheckResult]) -> list[CheckResult]:
    """Counted checks that did not pass, P0 first, then by id: the order every report uses."""
    bad = [r for r in results if r.status in NOT_PASSING]
    return sorted(bad, key=lambda r: (priority_rank(r.priority), r.check_id))


@dataclass(frozen=True, slots=True)
class TrendPoint:
    """A gate's result in one recorded run: one point of its pass-rate trend."""

    run_id: str
    started_at: str
    verdict: str
    pass_rate: float | None


@dataclass(frozen=True, slots=True)
class CheckResult:
    check_id: str
    gate: str
    kind: str
    priority: str
    status: Status
    message: str
    owner: str | None = None
    duration_s: float = 0.0
    attempts: int = 1
    evidence: Mapping[str, Any] = field(default_factory=dict)
    findings: tuple[Finding, ...] = ()
    description: str | None = None
    waiver: Mapping[str, Any] | None = None
    flaky: bool = False
    measures: tuple[Measure, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.check_id,
            "gate": self.gate,
            "kind": self.kind,
            "priority": self.priority,
            "owner": self.owner,
            "status": self.status.value,
            "message": self.message,
            "duration_s": round(self.duration_s, 4),
            "attempts": self.attempts,
            "evidence": dict(self.evidence),
            "findings": [
                {**f.to_dict(), "fingerprint": finding_fingerprint(self.check_id, f)}
                for f in self.findings
            ],
        }
        if self.description:
            out["description"] = self.description
        if self.waiver is not None:
            out["waiver"] = dict(self.waiver)
        if self.flaky:
            out["flaky"] = True
        if self.measures:
            out["measures"] = [m.to_dict() for m in self.measures]
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckResult:
        return cls(
            check_id=data["id"],
            gate=data["gate"],
            kind=data["kind"],
            priority=data.get("priority", "P2"),
            status=Status(data["status"]),
            message=data.get("message", ""),
            owner=data.get("owner"),
            duration_s=float(data.get("duration_s", 0.0)),
            attempts=int(data.get("attempts", 1)),
            evidence=dict(data.get("evidence") or {}),
            findings=tuple(Finding.from_dict(f) for f in data.get("findings") or ()),
            description=data.get("description"),
            waiver=data.get("waiver"),
            flaky=bool(data.get("flaky", False)),
            measures=tuple(Measure.from_dict(m) for m in data.get("measures") or ()),
        )


@dataclass(frozen=True, slots=True)
class Score:
    """A gate's weighted score (Keptn-style): 100 * weight passed / weight counted, with
    the plan's `pass` and `warn` levels and where the score falls (pass, warn or fail)."""

    value: float
    pass_at: float
    warn_at: float
    status: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "value": self.value,
            "pass": self.pass_at,
            "warn": self.warn_at,
            "status": self.status,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Score:
        return cls(
            float(data["value"]), float(data["pass"]), float(data["warn"]), str(data["status"])
        )


@dataclass(frozen=True, slots=True)
class GateReport:
    gate_id: str
    title: str
    verdict: Verdict
    pass_rate: float | None
    passed: int
    total: int
    skipped: int
    waived: int
    threshold: float
    blockers: tuple[str, ...]
    reasons: tuple[str, ...]
    approvals_required: tuple[str, ...] = ()
    approvals_given: tuple[str, ...] = ()
    score: Score | None = None

    @property
    def empty(self) -> bool:
        return self.pass_rate is None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.gate_id,
            "title": self.title,
            "verdict": self.verdict.value,
            "pass_rate": self.pass_rate,
            "passed": self.passed,
            "total": self.total,
            "skipped": self.skipped,
            "waived": self.waived,
            "threshold": self.threshold,
            "empty": self.empty,
            "blockers": list(self.blockers),
            "reasons": list(self.reasons),
            "approvals": {
                "required": list(self.approvals_required),
                "given": list(self.approvals_given),
            },
        }
        if self.score is not None:
            out["score"] = self.score.to_dict()
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GateReport:
        approvals = data.get("approvals") or {}
        return cls(
            gate_id=data["id"],
            title=data.get("title", data["id"]),
            verdict=Verdict(data["verdict"]),
            pass_rate=data.get("pass_rate"),
            passed=int(data.get("passed", 0)),
            total=int(data.get("total", 0)),
            skipped=int(data.get("skipped", 0)),
            waived=int(data.get("waived", 0)),
            threshold=float(data.get("threshold", 100.0)),
            blockers=tuple(data.get("blockers") or ()),
            reasons=tuple(data.get("reasons") or ()),
            approvals_required=tuple(approvals.get("required") or ()),
            approvals_given=tuple(approvals.get("given") or ()),
            score=Score.from_dict(data["score"]) if data.get("score") else None,
        )


@dataclass(frozen=True, slots=True)
class GitInfo:
    commit: str | None = None
    branch: str | None = None
    dirty: bool | None = None  # any change, untracked files included
    tracked_changes: bool | None = None  # changes to tracked files: approvals do not count

    def to_dict(self) -> dict[str, Any]:
        return {"commit": self.commit, "branch": self.branch, "dirty": self.dirty}


@dataclass(frozen=True, slots=True, repr=False)
class RunReport:
    project: str
    run_id: str
    started_at: str
    duration_s: float
    git: GitInfo
    verdict: Verdict
    pass_rate: float | None
    gates: tuple[GateReport, ...]
    checks: tuple[CheckResult, ...]
    plan_hash: str = ""
    plan_source: str = ""
    root: str = ""
    interrupted: bool = False
    notes: tuple[str, ...] = ()

    def __repr__(self) -> str:
        # short on purpose: a report may hold 10,000 results, and asyncio's exit path
        # computes repr() of the finished main task's result (CPython 3.11 signal handling)
        return (
            f"RunReport(project={self.project!r}, run_id={self.run_id!r}, "
            f"verdict={self.verdict.value!r}, gates={len(self.gates)}, "
            f"checks={len(self.checks)})"
        )

    def check(self, check_id: str) -> CheckResult | None:
        return next((c for c in self.checks if c.check_id == check_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": REPORT_SCHEMA,
            "project": self.project,
            "run_id": self.run_id,
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 3),
            "git": self.git.to_dict(),
            "verdict": self.verdict.value,
            "pass_rate": self.pass_rate,
            "plan_hash": self.plan_hash,
            "plan": self.plan_source,
            "root": self.root,
            "interrupted": self.interrupted,
            "notes": list(self.notes),
            "gates": [g.to_dict() for g in self.gates],
            "checks": [c.to_dict() for c in self.checks],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunReport:
        git = data.get("git") or {}
        return cls(
            project=data.get("project", ""),
            run_id=data["run_id"],
            started_at=data["started_at"],
            duration_s=float(data.get("duration_s", 0.0)),
            git=GitInfo(git.get("commit"), git.get("branch"), git.get("dirty")),
            verdict=Verdict(data["verdict"]),
            pass_rate=data.get("pass_rate"),
            gates=tuple(GateReport.from_dict(g) for g in data.get("gates") or ()),
            checks=tuple(CheckResult.from_dict(c) for c in data.get("checks") or ()),
            plan_hash=data.get("plan_hash", ""),
            plan_source=data.get("plan", ""),
            root=data.get("root", ""),
            interrupted=bool(data.get("interrupted", False)),
            notes=tuple(data.get("notes") or ()),
        )
