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
    UNVERIFIABLE = "unverifiable"


class Source(enum.StrEnum):
    """Where in the report a claim was read."""

    TABLE = "table"  # a done row of a table with a status column
    CHECKLIST = "checklist"  # `- [x] ...`
    LIST = "list"  # a list item that starts with a done mark (✅ ...)
    LABEL = "label"  # `**File**: path`, `Evidence: path`, `Location: path`
    ARITHMETIC = "arithmetic"  # numbers that must agree with each other
    COUNT = "count"  # test counts that JUnit files can confirm


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

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "line": self.claim.line,
            "source": str(self.claim.source),
            "section": self.claim.section,
            "text": self.claim.text,
            "verdict": str(self.verdict),
            "reason": self.reason,
        }
        if self.outcomes:
            out["checks"] = [
                {
                    "id": o.check_id,
                    "kind": o.check.kind,
                    "params": dict(o.check.params),
                    "status": o.status,
                    "message": o.message,
                }
                for o in self.outcomes
            ]
        if self.numbers:
            out["numbers"] = dict(self.numbers)
        return out


@dataclass(frozen=True, slots=True)
class Summary:
    total: int
    verifiable: int
    holds: int
    broken: int
    unverifiable: int

    def sentence(self) -> str:
        return (
            f"{self.holds} of {self.verifiable} verifiable claims hold; "
            f"{self.unverifiable} unverifiable"
        )


@dataclass(frozen=True, slots=True)
class AuditResult:
    report: str
    root: str
    results: tuple[ClaimResult, ...]
    notes: tuple[str, ...] = ()

    @property
    def summary(self) -> Summary:
        counts = {v: 0 for v in Verdict}
        for r in self.results:
            counts[r.verdict] += 1
        verifiable = counts[Verdict.HOLDS] + counts[Verdict.BROKEN]
        return Summary(
            len(self.results),
            verifiable,
            counts[Verdict.HOLDS],
            counts[Verdict.BROKEN],
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
                "verifiable": s.verifiable,
                "holds": s.holds,
                "broken": s.broken,
                "unverifiable": s.unverifiable,
                "text": s.sentence(),
            },
            "notes": list(self.notes),
            "claims": [r.to_dict() for r in self.results],
        }
