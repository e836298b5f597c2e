"""The five hand-written reports in tests/data/seeds against a reviewer's list.

Each seed's list (tests/audit/seeds/NNN.expected) was written by reading the seed line
by line before the auditor was tuned. The auditor must flag each listed line with the
listed kind of finding, and nothing else; the lines listed as misses must stay
unflagged until a rule catches them (then they move into the list proper). The root is
an empty directory, so the evidence files the seeds cite are unverifiable, not broken:
what is judged is the reports' internal consistency."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_helpers import SEEDS, find
from seed_expectations import expected

from gonogo.audit import Verdict, audit
from gonogo.audit.model import AuditResult

HOLDS, BROKEN, OPEN, UNVERIFIABLE = (
    Verdict.HOLDS,
    Verdict.BROKEN,
    Verdict.OPEN,
    Verdict.UNVERIFIABLE,
)
PREFIXES = ["000", "001", "002", "003", "004"]


def _seed(prefix: str, root: Path) -> AuditResult:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return audit(path, root)


@pytest.mark.parametrize("prefix", PREFIXES)
def test_flags_what_a_reviewer_flags_and_nothing_else(prefix: str, tmp_path: Path) -> None:
    result = _seed(prefix, tmp_path)
    flagged = sorted(
        (r.claim.line, str(r.claim.source)) for r in result.results if r.verdict is BROKEN
    )
    flags = expected(prefix)
    assert flagged == sorted((f.line, f.kind) for f in flags if not f.missed)
    assert not {f.line for f in flags if f.missed} & {line for line, _ in flagged}


def test_reviewer_lists_total(tmp_path: Path) -> None:
    flags = [f for p in PREFIXES for f in expected(p)]
    assert (len(flags), sum(not f.missed for f in flags)) == (38, 37)


def test_seed_000_rounding_reason(tmp_path: Path) -> None:
    """2/12 is 16.67%: "16.6%" is a truncation, and the auditor rounds half up."""
    result = _seed("000", tmp_path)
    actual, matrix = [r for r in result.results if r.claim.line == 7]
    assert matrix.reason == (
        "2/12 matches the status table under “Appendix: Scenario Status Matrix”: 2 of 12 rows done"
    )
    assert actual.reason == (
        "16.6% claimed but 2/12 = 16.67% (16.7% at the claim's precision); off by 0.07 points"
    )
    effort = find(result, "Total Implementation Effort: 16-22 hours")
    assert effort.verdict is HOLDS
    assert effort.reason.endswith("= 16.25–22.25 hours")


def test_seed_001_totals_and_open_items(tmp_path: Path) -> None:
    result = _seed("001", tmp_path)
    assert find(result, "TOTAL Unit Tests: 50/50").reason == "its column sums to 50/50"
    assert find(result, "Total Time: ~2 hours").reason == (
        "15 min + 30 min + 15 min + 30 min + 30 min = 2 hours"
    )
    assert find(result, "Total: ~2.5 hours").reason == (
        "~2.5 hours claimed but its 2 parts add up to 2.25 hours (15 min + 2 hours)"
    )
    pending = find(result, "Real LLM output quality verified")
    assert (pending.verdict, pending.reason) == (
        OPEN,
        "the report marks it as not done (open mark)",
    )
    # headings marked ⏳ ("### Production Readiness ⏳", "### High Risk ⏳") are open too, and
    # "Production Readiness: PENDING ⏸️" holds: it says it is not done
    heading = find(result, "High Risk ⏳")
    assert (heading.verdict, heading.reason) == (
        OPEN,
        "the report marks it as not done (open mark)",
    )
    assert result.summary.sentence() == "8 hold, 2 broken, 20 open, 21 unverifiable"


def test_seed_002_mojibake_summary_table_and_gate(tmp_path: Path) -> None:
    result = _seed("002", tmp_path)
    assert "repaired mojibake with ftfy" in result.notes
    assert result.warnings == (
        f"--root {tmp_path} holds none of the 18 path(s) the report cites "
        "(is --root right?); their claims are unverifiable",
    )
    row = find(result, "2 | ✅ GO | 7 | 7")
    assert row.reason == (
        "says 7 done but 4 rows of “Phase 2: Database Initialization” (line 47) are; "
        "says 7 in all but “Phase 2: Database Initialization” (line 47) has 10 rows; "
        "is marked done but 6 rows of “Phase 2: Database Initialization” (line 47) are open "
        "(lines 55, 56, 57, 58, 59, 60)"
    )
    gate = find(result, "Phase 2 Gate: ✅ GO")
    assert gate.reason.startswith("says it is done, but 6 open item(s) say otherwise: line 55: ")
    assert not [r for r in result.results if r.claim.line == 92]  # admits the gate is pending


def test_seed_003_status_and_signoffs(tmp_path: Path) -> None:
    result = _seed("003", tmp_path)
    review = find(result, "Team Review: COMPLETE")
    assert review.reason.startswith(
        "says it is done, but 9 open item(s) say otherwise: "
        "line 292: [ ] @devops - Deployment plan review"
    )
    assert not [r for r in result.results if r.claim.line == 319]  # "ready for review" waits
    assert sorted(r.reason for r in result.results if r.claim.line == 29) == [
        "3 claimed; 3 are listed under it",
        "5 pts + 5 pts + 3 pts = 13 points",
    ]


def test_seed_004_rollup_rule_is_stated(tmp_path: Path) -> None:
    result = _seed("004", tmp_path)
    assert any("mac_roman" in n for n in result.notes)
    (sdui,) = [r for r in result.results if r.claim.line == 92]
    assert sdui.reason == (
        "80% claimed over 5 items (3 done, 1 partial, 1 open): their mean is 65% to 75% "
        "(a partial item counts for 25% to 75%)"
    )
    assert find(result, "Completed Work (50%)").reason == (
        "50% claimed over 3 items (3 with their own percent): their mean is 45%"
    )
    assert find(result, "Overall completion: 50%").verdict is HOLDS
    blockers = find(result, "Critical Blockers: None")
    assert "line 74: ⏳ Security Hardening (not started)" in blockers.reason


def test_seed_004_done_state_against_the_partial_item_it_names(tmp_path: Path) -> None:
    result = _seed("004", tmp_path)
    (tenant,) = [r for r in result.results if r.claim.line == 321]
    assert (tenant.verdict, tenant.reason) == (
        BROKEN,
        "marked done here, but line 79 marks “🟡 Multi-Tenant Support (60% complete)” as partial",
    )


def test_seed_004_counted_gaps_and_universal_done_items(tmp_path: Path) -> None:
    result = _seed("004", tmp_path)
    (gaps,) = [r for r in result.results if r.claim.line == 563]
    assert (gaps.verdict, gaps.reason) == (
        BROKEN,
        "says 8 critical gaps but “Critical (P0) - Blocks Production:” (line 71) lists 4",
    )
    (agents,) = [r for r in result.results if r.claim.line == 318]
    assert (agents.verdict, agents.reason) == (
        BROKEN,
        "marked done here, but line 104 marks “⏳ Production agent wiring” as open",
    )
