"""The classes the second pass reads, one small report each in its own style: counts in
headings, totals split across sub-headings, percents named by section, overall
fractions, 'Blockers: none' inside a sentence, front matter, statuses that admit what is
open, points on a board, links, and the same count stated twice."""

from __future__ import annotations

from pathlib import Path

from audit_helpers import BROKEN, HOLDS, OPEN, UNVERIFIABLE, run_report, verdicts_at

from gonogo.audit.model import AuditResult


def _run(tmp_path: Path, report: str, files: dict[str, str] | None = None) -> AuditResult:
    return run_report(tmp_path, report, files or {"README.md": "x\n"})


_at = verdicts_at


COMPONENTS = """# Components

## ✅ COMPLETED: 7 Components

### Forms (4/4) ✅

- ✅ Input
- ✅ Select
- ✅ Toggle

### Overlays (2/2)

- ✅ Dialog
- ✅ Dropdown
- ❌ Drawer

## Summary

**Total Implemented: 7 production-ready components**

**Coverage:**

- Forms: 100% (all of them)
- Overlays: 100% (Dialog + Dropdown)

All 7 components are:

- typed
"""


def test_heading_counts_section_percents_and_repeated_totals(tmp_path: Path) -> None:
    result = _run(tmp_path, COMPONENTS)
    assert (BROKEN, "says 7 but 5 of the 6 items listed under it are marked done") in _at(result, 3)
    assert _at(result, 5) == [
        (HOLDS, "marked done, and all 3 items under it are marked done"),
        (BROKEN, "says 4/4 but 3 items are listed under it, 3 marked done"),
    ]
    assert _at(result, 11) == [(BROKEN, "says 2/2 but 3 items are listed under it, 2 marked done")]
    repeat = (
        "repeats the 7 components of line 3: says 7 but 5 of the 6 items listed under it "
        "are marked done"
    )
    assert _at(result, 19) == [(BROKEN, repeat)]
    assert _at(result, 23) == [
        (HOLDS, "“Forms (4/4) ✅” (line 5): 100% claimed over 3 items (3 done): their mean is 100%")
    ]
    assert _at(result, 24) == [
        (
            BROKEN,
            "“Overlays (2/2)” (line 11): 100% claimed over 3 items (2 done, 1 open): "
            "their mean is 66.67%",
        )
    ]
    assert _at(result, 26) == [(BROKEN, repeat)]


PLAN = """# Completion status

## Files created (5 files)

### Configuration (2)
1. `a.yml` - one
2. `b.yml` - two

### Scripts (4)
3. `run.sh` - three
4. `stop.sh` - four
5. `check.sh` - five

**Files Created:** 5

## Outstanding issues

### TypeScript errors

**Total Errors:** 85 errors across 67 files

#### Category 1: imports (43 errors)
#### Category 2: unused (30 errors)
#### Category 3: misc (25 errors)

**Dev Dependencies Added:** 3 packages
- vitest
- eslint

## Action plan

### Phase 1: Critical fixes (4 Hours - required)

**Priority 1A: utilities (30 minutes)**
**Priority 1B: type errors (2 hours)**
**Priority 1C: build (30 minutes)**
**Priority 1D: audit (30 minutes)**
**Priority 1E: commit (30 minutes)**

### Phase 2: Coverage (10-15 Hours)

**Priority 2A: tests (10 hours)**
**Priority 2B: badge (30 minutes)**

### Phase 3: CI (2 Hours)

**Priority 3A: first run (1 hour)**
**Priority 3B: review (2 hours)**

Total test run time: 14 min (unit 9 min + integration 4 min).

| Task | Estimate |
|------|----------|
| Ranker | 1.5 d |
| Docs | 0.5 d |
| **Total** | **2 d** |
"""


def test_counts_and_totals_split_across_sub_headings(tmp_path: Path) -> None:
    files = {p: "x\n" for p in ("a.yml", "b.yml", "run.sh", "stop.sh", "check.sh")}
    result = _run(tmp_path, PLAN, files)
    assert _at(result, 3) == [(HOLDS, "5 claimed; 5 are listed under it")]
    assert _at(result, 5) == [(HOLDS, "2 claimed; 2 are listed under it")]
    assert _at(result, 9) == [(BROKEN, "says 4 but 3 are listed under it")]
    assert _at(result, 14) == [
        (HOLDS, "repeats the 5 files of line 3: 5 claimed; 5 are listed under it")
    ]
    assert _at(result, 20) == [
        (BROKEN, "says 85 but the 3 parts listed under it count 43 + 30 + 25 = 98")
    ]
    assert _at(result, 26) == [(BROKEN, "says 3 but 2 are listed right after it")]
    assert _at(result, 32) == [
        (HOLDS, "30 minutes + 2 hours + 30 minutes + 30 minutes + 30 minutes = 4 Hours")
    ]
    assert _at(result, 40) == [(HOLDS, "10 hours + 30 minutes = 10.5 Hours, within 10-15 Hours")]
    assert _at(result, 45) == [
        (BROKEN, "2 Hours claimed but its 2 parts add up to 3 Hours (1 hour + 2 hours)")
    ]
    assert _at(result, 50) == [
        (BROKEN, "14 min claimed but its 2 parts add up to 13 min (9 min + 4 min)")
    ]
    assert _at(result, 56) == [(HOLDS, "1.5 d + 0.5 d = 2 d")]


SIGNOFF = """# Release sign-off tracker

**Status:** Awaiting Sign-Offs

## Sign-off status overview

| Role | Approver | Status | Date |
|------|----------|--------|------|
| Security | [Name] | ⏳ Pending | - |
| QA | [Name] | ⏳ Pending | - |

**Overall Status:** ⏳ **0 of 2 Complete (0%)**

## Feature summary

- **Structure:** 5/5 Complete ✅
- **Balance:** 5/5 Complete ✅
- **Overall Completion:** 12/15 (80%) ⚠️

## Decision

**Status:** ⏳ Pending Review
"""


def test_statuses_that_admit_what_is_open_and_overall_fractions(tmp_path: Path) -> None:
    result = _run(tmp_path, SIGNOFF)
    assert _at(result, 3) == [
        (
            HOLDS,
            "says it is not done, and 2 open item(s) agree: line 9: Security | [Name] | "
            "⏳ Pending | -; line 10: QA | [Name] | ⏳ Pending | -",
        )
    ]
    assert (
        HOLDS,
        "0/2 matches the status table under “Sign-off status overview”: 0 of 2 rows done",
    ) in _at(result, 12)
    assert (OPEN, "the report marks it as not done (status says so)") not in _at(result, 12)
    assert (
        BROKEN,
        "12/15 claimed; the 2 items beside it add up to 5/5 + 5/5 = 10/10",
    ) in _at(result, 18)
    assert _at(result, 22) == [(OPEN, "the report marks it as not done (status says so)")]


LAUNCH = """---
title: Launch review
status: complete
---

# Launch review

At a glance: 2 of 3 areas green (67%). Blockers: none.

| # | Area | RAG | Note |
|---|------|-----|------|
| 1 | Tests | 🟢 | fine |
| 2 | Docs | 🟢 | fine |
| 3 | Rollback | 🔴 | not rehearsed |

## Definition of done

Overall: **3/3 criteria met**

- [x] Flag documented
- [~] Load test (partial)

## Board

Velocity: 5 points done of 8 committed.

+------+--------+-----+
| ID   | State  | Pts |
+------+--------+-----+
| S-1  | DONE   |  3  |
| S-2  | TODO   |  5  |
+------+--------+-----+

See [NOTES.md](./NOTES.md) and [README.md](./README.md) for details.
"""


def test_blockers_in_a_sentence_front_matter_checklist_counts_points_and_links(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, LAUNCH)
    assert _at(result, 3) == [
        (
            BROKEN,
            "says it is done, but 3 open item(s) say otherwise: line 14: 3 | Rollback | 🔴 | "
            "not rehearsed; line 21: [~] Load test (partial); line 31: S-2 | TODO | 5",
        )
    ]
    assert _at(result, 8) == [
        (HOLDS, "2/3 = 66.67%, 67% rounded"),
        (
            BROKEN,
            "says there are none, but 1 open item(s) say otherwise: line 14: 3 | Rollback | "
            "🔴 | not rehearsed",
        ),
        (HOLDS, "2/3 matches the status table under “Launch review”: 2 of 3 rows done"),
    ]
    assert _at(result, 18) == [
        (
            BROKEN,
            "claims 3/3 but the checklist under “Definition of done” has 2 items (off by 1) "
            "and 1 of them are marked done (off by 2)",
        )
    ]
    assert _at(result, 25) == [
        (
            BROKEN,
            "claims 5 points done of 8, but on the board at line 28 its done rows carry 3 "
            "points of 8",
        )
    ]
    assert _at(result, 34) == [(BROKEN, "no file matches NOTES.md")]


RST = """Status page
===========

:Status: Ready for release

- [x] Tokens (``src/vault.py``)
- [ ] PCI scan re-run (P0, blocking)

.. note:: Known blockers: none.

By type:

- **Functional**: 46 tests (77%)
- **Security**: 5 tests (8%)
- **Performance**: 4 tests (6%)
- **Usability**: 5 tests (8%)

Deliverables:

- 23 tests found with markers
- Phase 1 tests (long-running)

| Phase | Status | Progress |
|-------|--------|----------|
| One | ✅ Complete | 100% |
| Two | ✅ Complete | 99%+ |

**Actual:** ~3 hours total
- Phase 1: 20 minutes
- Phase 2: 2 hours
"""


def test_rst_fields_breakdown_shares_figures_on_trust_and_done_rows_under_100(
    tmp_path: Path,
) -> None:
    result = _run(tmp_path, RST, {"src/vault.py": "X = 1\n"})
    assert _at(result, 4)[0] == (
        BROKEN,
        "says it is done, but 1 open item(s) say otherwise: line 7: [ ] PCI scan re-run "
        "(P0, blocking)",
    )
    assert (
        BROKEN,
        "says there are none, but 1 open item(s) say otherwise: line 7: [ ] PCI scan re-run "
        "(P0, blocking)",
    ) in _at(result, 9)
    assert _at(result, 13) == [(HOLDS, "46 of the 60 listed together = 76.67%, 77% rounded")]
    assert _at(result, 15) == [
        (BROKEN, "6% claimed but 4 of the 60 listed together = 6.67% (7% at its precision)")
    ]
    trust = "states a figure or a done mark but cites nothing it could be checked against"
    assert _at(result, 20) == [(UNVERIFIABLE, trust)]
    assert _at(result, 21) == []  # "Phase 1" numbers a phase; it counts nothing
    assert _at(result, 26) == [(BROKEN, "marked done (✅) but says it is 99% complete")]
    assert _at(result, 28) == [
        (
            BROKEN,
            "~3 hours claimed but its 2 parts add up to 2.33 hours (20 minutes + 2 hours)",
        )
    ]
