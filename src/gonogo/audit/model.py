"""Frozen values of an audit: claims found in a report and the verdict on each."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

AUDIT_SCHEMA = "gonogo.audit/v1"


class Verdict(enum.StrEnum):
    HOLDS = "holds"
    BROKEN = "broken"
    OPEN = "open"  # the report itself says this is not done yet (🔲 ❌ ⏳ [ ], unsigned)
    UNVERIFIABLE = "unverifiable"


class Source(enum.StrEnum):
    """Where in the report a claim was read."""

    TABLE = "table"  # a done row of a table with a status column
    CHECKLIST = "checklist"  # `- [x] ...`
    LIST = "list"  # a list item that starts with a done mark (✅ ...)
    LABEL = "label"  # `**File**: path`, `Evidence: path`, `Location: path`
    ARITHMETIC = "arithmetic"  # numbers that must agree with each other
    COUNT = "count"  # test counts that JUnit files can confirm
    STATUS = "status"  # "Status: READY", "Critical blockers: None", a ✅ heading
    ROLLUP = "rollup"  # a parent's percent or count against its children
    TOTAL = "total"  # "Total 16-22 h" against its listed parts
    SUMMARY = "summary"  # "11/11 passed" against the table it summarises
    SIGNOFF = "signoff"  # a row of a sign-off / approval table
    OPEN_ITEM = "open-item"  # a task the report marks as not done
    MEASURED = "measured"  # a number against the evidence file it cites


@dataclass(frozen=True, slots=True)
class FileCheck:
    """One plan check that proves (part of) an evidence claim."""

    kind: str  # file.exists | file.valid
    params: Mapping[str, Any]

    @property
    def path(self) -> str:
        return str(self.params["path"])


@dataclass(frozen=True, slots=True)
class Claim:
    """A claim as written: where, what, and what would prove it."""

    line: int
    source: Source
    text: str
    section: str = ""
    checks: tuple[FileCheck, ...] = ()
    cited: tuple[str, ...] = ()  # paths as written, checkable or not
    named: tuple[str, ...] = ()  # of `cited`, those written as bare words, not `code`
    priority: str = ""  # P0..P3 when the report gives one
    gate: str = ""  # the phase / sprint heading it belongs to, for --to-plan
    listed: bool = False  # a file listed as created or changed: existence is the claim
    mentioned: bool = False  # named in passing (a code span in a sentence), not a listing


@dataclass(frozen=True, slots=True)
class CheckOutcome:
    check: FileCheck
    check_id: str
    status: str  # a gonogo.models.Status value
    message: str


@dataclass(frozen=True, slots=True)
class ClaimResult:
    claim: Claim
    verdict: Verdict
    reason: str
    outcomes: tuple[CheckOutcome, ...] = ()
    numbers: Mapping[str, Any] = field(default_factory=dict)
    evidence: tuple[str, ...] = ()  # files read to judge it (report-relative or root-relative)
    plan: tuple[Mapping[str, Any], ...] = ()  # checks that keep the claim true (--to-plan)

    def to_dict(self) -> dict[str, Any]:
        checks = [
            {
                "id": o.check_id,
                "kind": o.check.kind,
                "params": dict(o.check.params),
                "status": o.status,
                "message": o.message,
            }
            for o in self.outcomes
        ]
        out: dict[str, Any] = {
            "line": self.claim.line,
            "section": self.claim.section,
            "text": self.claim.text,
            "kind": str(self.claim.source),
            "verdict": str(self.verdict),
            "reason": self.reason,
            "evidence": list(self.evidence or [o.check.path for o in self.outcomes]),
            "checks": checks,
        }
        if self.claim.priority:
            out["priority"] = self.claim.priority
        if self.numbers:
            out["numbers"] = dict(self.numbers)
        return out


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    holds: int
    broken: int
    open: int
    unverifiable: int

    @property
    def verifiable(self) -> int:
        return self.holds + self.broken

    def sentence(self) -> str:
        return (
            f"{self.holds} hold, {self.broken} broken, {self.open} open, "
            f"{self.unverifiable} unverifiable"
        )


@dataclass(frozen=True, slots=True)
class AuditResult:
    report: str
    root: str
    results: tuple[ClaimResult, ...]
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def summary(self) -> Summary:
        counts = {v: 0 for v in Verdict}
        for r in self.results:
            counts[r.verdict] += 1
        return Summary(
            len(self.results),
            counts[Verdict.HOLDS],
            counts[Verdict.BROKEN],
            counts[Verdict.OPEN],
            counts[Verdict.UNVERIFIABLE],
        )

    @property
    def exit_code(self) -> int:
        return 1 if self.summary.broken else 0

    def to_dict(self) -> dict[str, Any]:
        s = self.summary
        return {
            "schema": AUDIT_SCHEMA,
            "report": self.report,
            "root": self.root,
            "summary": {
                "claims": s.total,
                "holds": s.holds,
                "broken": s.broken,
                "open": s.open,
                "unverifiable": s.unverifiable,
                "text": s.sentence(),
            },
            "warnings": list(self.warnings),
            "notes": list(self.notes),
            "claims": [r.to_dict() for r in self.results],
        }
