"""The five hand-written reports in tests/data/seeds, read by hand and checked claim by claim.

The repository root given to the auditor is an empty directory, so every evidence
file those reports cite is missing there: what is asserted below is that each
claim is found and judged, and the arithmetic the reports got wrong."""

from __future__ import annotations

from pathlib import Path

import pytest
from audit_helpers import SEEDS, find

from gonogo.audit import Source, Verdict, audit
from gonogo.audit.model import AuditResult

HOLDS, BROKEN, UNVERIFIABLE = Verdict.HOLDS, Verdict.BROKEN, Verdict.UNVERIFIABLE


def _seed(prefix: str, root: Path) -> AuditResult:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return audit(path, root)


def _arith(result: AuditResult) -> list[tuple[int, Verdict]]:
    return [
        (r.claim.line, r.verdict) for r in result.results if r.claim.source is Source.ARITHMETIC
    ]


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_every_seed_reads(prefix: str, tmp_path: Path) -> None:
    result = _seed(prefix, tmp_path)
    assert result.results
    assert result.summary.total == len(result.results)


def test_seed_000_rounding(tmp_path: Path) -> None:
    """2/12 is 16.67%: "16.6%" is a truncation, and the auditor rounds half up."""
    result = _seed("000", tmp_path)
    actual = find(result, "Actual Pass Rate: 16.6% (2/12")
    assert actual.verdict is BROKEN
    assert actual.reason == (
        "16.6% claimed but 2/12 = 16.67% (16.7% at the claim's precision); off by 0.07 points"
    )
    assert find(result, "Passed: 2/12 (16.6%)").verdict is BROKEN
    failed = find(result, "Failed: 10/12 (83.4%)")
    assert failed.verdict is BROKEN
    assert "10/12 = 83.33% (83.3% at the claim's precision)" in failed.reason
    mentions = [r for r in result.results if "16.6% pass rate" in r.claim.text]
    assert len(mentions) == 2
    assert all(r.verdict is BROKEN for r in mentions)
    assert not [r for r in result.results if "95% claimed" in r.reason]  # targets: ≥95%
    assert find(result, "07 | Migration Script").verdict is UNVERIFIABLE  # ✅ row, no evidence
    assert result.summary.holds == 0
    assert result.summary.broken == 7


def test_seed_001_totals_row(tmp_path: Path) -> None:
    """11+10+9+11+9 = 50 unit tests and 6 × 1/1 integration tests: the TOTAL row is right."""
    result = _seed("001", tmp_path)
    unit = find(result, "TOTAL Unit Tests: 50/50")
    assert unit.verdict is HOLDS
    assert unit.reason == "its column sums to 50/50"
    assert find(result, "TOTAL Integration Tests: 6/6").verdict is HOLDS
    row = find(result, "TOTAL Status: 56/56")
    assert row.verdict is HOLDS
    assert "other totals in its row" in row.reason
    assert find(result, "[x] All components integrate correctly").verdict is UNVERIFIABLE
    heading = find(result, "What's Validated (56 Tests Passing)")
    assert heading.claim.source is Source.COUNT
    assert heading.verdict is UNVERIFIABLE
    assert result.summary.sentence() == "3 of 3 verifiable claims hold; 15 unverifiable"
    assert result.exit_code == 0


def test_seed_002_gate_rows_and_mojibake(tmp_path: Path) -> None:
    """Windows-1254 mojibake (ğŸ”², âœ…) is repaired; "11/11 passed" sits beside 9 rows."""
    result = _seed("002", tmp_path)
    assert "repaired mojibake with ftfy" in result.notes
    gate0 = find(result, "Run Phase 0 gate")
    assert gate0.verdict is BROKEN
    assert gate0.reason == (
        "claims 11/11 but the table has 9 rows (off by 2) and 9 of them are marked done (off by 2)"
    )
    assert find(result, "Run Phase 1 gate").verdict is HOLDS
    gate2 = find(result, "Run Phase 2 gate")
    assert gate2.verdict is BROKEN
    assert "the table has 10 rows (off by 3) and 4 of them are marked done" in gate2.reason
    backup = find(result, "Create full_backup.sh")
    assert backup.verdict is BROKEN
    assert [o.check.params for o in backup.outcomes] == [
        {"path": "scripts/backup/full_backup.sh", "non_empty": True, "executable": True}
    ]
    multi = find(result, "GAP 3: Multi-DC backups")
    assert [o.check.path for o in multi.outcomes] == ["scripts/backup", "docs/DR_RUNBOOK.md"]
    tables = [r for r in result.results if r.claim.source is Source.TABLE and r.claim.checks]
    assert len(tables) == 19  # rows 0.1, 0.4-0.7, 1.1-1.8, 2.1-2.2, 4.1-4.4
    assert not [r for r in result.results if "Start PostgreSQL" in r.claim.text]  # 🔲 pending


def test_seed_003_files_and_counts(tmp_path: Path) -> None:
    result = _seed("003", tmp_path)
    script = find(result, "[x] Rollback script ready")
    assert script.claim.source is Source.CHECKLIST
    assert script.outcomes[0].check.params["executable"] is True
    assert script.reason == "no file matches scripts/rollback_production.sh"
    labels = [r.claim.checks[0].path for r in result.results if r.claim.source is Source.LABEL]
    assert labels == [
        "SPRINT_15_DEPLOYMENT_PLAN.md",
        "tests/test_production_integration.py",
        "scripts/rollback_production.sh",
        "src/crews/stage4_crew.py",
    ]
    counts = find(result, "4 passed, 16 failed, 3 skipped")
    assert counts.verdict is UNVERIFIABLE
    assert not _arith(result)  # its arithmetic (5+4+5+2+4+3 = 23, 6+5+5 = 16) is not in a form read


def test_seed_003_counts_against_junit(tmp_path: Path) -> None:
    cases = ["<testcase name='p'/>"] * 4 + ["<testcase name='f'><failure/></testcase>"] * 16
    cases += ["<testcase name='s'><skipped/></testcase>"] * 3
    (tmp_path / "junit.xml").write_text("<testsuite>" + "".join(cases) + "</testsuite>")
    (path,) = SEEDS.glob("003_*.txt")
    result = audit(path, tmp_path, junit_globs=["junit.xml"])
    assert find(result, "4 passed, 16 failed, 3 skipped").verdict is HOLDS


def test_seed_004_mac_roman_and_rates(tmp_path: Path) -> None:
    """Mac Roman mojibake (‚úÖ) is repaired; progress percentages vs their ticked items."""
    result = _seed("004", tmp_path)
    assert any("mac_roman" in n for n in result.notes)
    infra = find(result, "Infrastructure (80%):")
    assert infra.verdict is BROKEN
    assert infra.reason.startswith("8 of 8 listed items are marked done: 80% claimed but 8/8")
    assert find(result, "Security (30%):").verdict is BROKEN  # 2 of 5 = 40%
    assert find(result, "Quality (25%):").verdict is BROKEN  # 2 of 5 = 40%
    assert find(result, "Security: [████░░░░░░] 40%").verdict is HOLDS
    bar = find(result, "Infrastructure: [████████░░] 80%")
    assert "7 of 10 listed items" in bar.reason
    quality = find(result, "Quality: [███░░░░░░░] 30%")
    assert "2/6 = 33.33% (33% at the claim's precision); off by 3.33 points" in quality.reason
    assert find(result, "Deployment: [████████░░] 80%").verdict is BROKEN
    sdui = [r for r in result.results if r.claim.line == 92]
    assert [r.verdict for r in sdui] == [BROKEN]  # 3 of its 5 sub-items are ticked
    assert find(result, "Location: escalations.json").verdict is BROKEN
    assert result.summary.holds == 1
    assert result.summary.broken == 13
