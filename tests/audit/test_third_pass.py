"""Third-pass claim classes, from reports the auditor had never seen (held-out sets 7 and
8): files named without their folder, links read from the report's own folder, paths
written from the repository root with a leading slash, line ranges written in prose."""

from __future__ import annotations

from pathlib import Path

from audit_helpers import write_tree

from gonogo.audit import Verdict, audit
from gonogo.audit.model import AuditResult

HOLDS, BROKEN, OPEN, UNVERIFIABLE = (
    Verdict.HOLDS,
    Verdict.BROKEN,
    Verdict.OPEN,
    Verdict.UNVERIFIABLE,
)


def _in_repo(tmp_path: Path, report_at: str, report: str, files: dict[str, str]) -> AuditResult:
    """Audit a report that lives inside the repository it is audited against."""
    root = tmp_path / "repo"
    write_tree(root, {**files, report_at: report})
    return audit(root / report_at, root)


def _at(result: AuditResult, line: int) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.reason) for r in result.results if r.claim.line == line]


NAMED = """\
# Phase 1 report

### Deliverables
- ✅ `ANALYSIS_REPORT.md`
- ✅ `prioritise.py`
- ✅ `docs/missing-guide.md`
- ✅ `NOWHERE.md`
- [x] Created `NOTES.md` beside this report
"""


def test_a_file_named_without_its_folder_is_unverifiable_when_it_lives_elsewhere(
    tmp_path: Path,
) -> None:
    files = {
        "docs/testing/ANALYSIS_REPORT.md": "# analysis\n",
        "scripts/jira/prioritise.py": "X = 1\n",
        "reports/phase1/NOTES.md": "notes\n",
    }
    result = _in_repo(tmp_path, "reports/phase1/summary.md", NAMED, files)
    assert _at(result, 4) == [
        (
            UNVERIFIABLE,
            "no file matches ANALYSIS_REPORT.md; a file of that name is at "
            "docs/testing/ANALYSIS_REPORT.md: the claim names it, not its path",
        )
    ]
    [(verdict, reason)] = _at(result, 5)
    assert verdict is UNVERIFIABLE
    assert reason.endswith(
        "a file of that name is at scripts/jira/prioritise.py: the claim names it, not its path"
    )
    # a path with its folder that is nowhere, and a name that is nowhere: broken
    assert _at(result, 6) == [(BROKEN, "no file matches docs/missing-guide.md")]
    assert _at(result, 7) == [(BROKEN, "no file matches NOWHERE.md")]
    # a name without a folder is looked for beside the report first
    assert _at(result, 8) == [(HOLDS, "reports/phase1/NOTES.md exists (non-empty)")]


LINKS = """\
# Implementation status

**See:** [CLOSURE.md](./CLOSURE.md) for details

### Documents
- [INDEX.md](./INDEX.md) - navigation
- [SESSION.md](./SESSION.md) - test fixes session
- [docs/development/GUIDE.md](./docs/development/GUIDE.md) - guide
- [Root readme](../../README.md) - overview
- [Outside](../../../etc/passwd) - not ours
"""


def test_links_are_read_from_the_reports_own_folder(tmp_path: Path) -> None:
    files = {
        "old/docs/CLOSURE.md": "# closure\n",
        "old/docs/INDEX.md": "# index\n",
        "old/SESSION.md": "# session\n",
        "old/docs/development/GUIDE.md": "# guide\n",
        "README.md": "# repo\n",
    }
    result = _in_repo(tmp_path, "old/docs/STATUS.md", LINKS, files)
    assert _at(result, 3) == [(HOLDS, "old/docs/CLOSURE.md exists (non-empty)")]
    assert _at(result, 6) == [(HOLDS, "old/docs/INDEX.md exists (non-empty)")]
    # the link leads to old/docs/SESSION.md: dead, whatever else holds a file of that name
    assert _at(result, 7) == [(BROKEN, "no file matches old/docs/SESSION.md")]
    assert _at(result, 8) == [(BROKEN, "no file matches old/docs/docs/development/GUIDE.md")]
    assert _at(result, 9) == [(HOLDS, "README.md exists (non-empty)")]
    assert _at(result, 10) == [(BROKEN, "../etc/passwd leaves the repository root")]


ROOTED = """\
# Readiness report

**Location:** `/src/plugins/auth.ts` line 3-4
**Location:** `/src/utils/cache.ts` lines 8-12
**Export:** `/tmp/export/` (76 CSV files)
- Implementation: `src/models/ace.jl:5-9`
"""


def test_paths_from_the_root_and_line_ranges_written_in_prose(tmp_path: Path) -> None:
    files = {
        "src/plugins/auth.ts": "a\nb\nc\nd\ne\n",
        "src/utils/cache.ts": "a\n" * 10,
        "src/models/ace.jl": "x\n" * 8,
    }
    result = _in_repo(tmp_path, "REPORT.md", ROOTED, files)
    assert _at(result, 3) == [
        (HOLDS, "src/plugins/auth.ts exists (non-empty); src/plugins/auth.ts has lines 3-4")
    ]
    assert _at(result, 4) == [
        (BROKEN, "src/utils/cache.ts#L8-L12 cites line 8-12 but src/utils/cache.ts has 10 lines")
    ]
    assert _at(result, 5) == [
        (UNVERIFIABLE, "/tmp/export/ is an absolute path, outside the repository")
    ]
    assert _at(result, 6) == [
        (BROKEN, "src/models/ace.jl:5-9 cites line 5-9 but src/models/ace.jl has 8 lines")
    ]


def _suite(passed: int, failed: int = 0, skipped: int = 0) -> str:
    cases = [f'<testcase classname="t" name="p{i}"/>' for i in range(passed)]
    cases += [f'<testcase classname="t" name="f{i}"><failure/></testcase>' for i in range(failed)]
    cases += [f'<testcase classname="t" name="s{i}"><skipped/></testcase>' for i in range(skipped)]
    return "<testsuite>" + "".join(cases) + "</testsuite>"


ADOC = """\
= Search 5.0: release readiness
:status: GO

== Summary

Readiness is 90% (9 of 10 checks green).
Open P0 items: none.

== Checks

|===
|Check |Result |Evidence

|Unit tests |PASS |`reports/unit.xml`
|Integration tests |PASS |`reports/it.xml`
|Dashboards |PASS |`ops/board.json`
|Security scan |FAIL |`reports/scan.txt`
|===

NOTE: The scan finding is tracked as SRCH-88, P0.

== Effort

|===
|Task |Hours

|Migration |5
|Reindex |3
|Total |9
|===

.Sign-off
|===
|Role |Name |Date

|Engineering |Mira Kent |2026-06-10
|SRE | |
|===
"""


def test_asciidoc_tables_titles_and_sign_offs(tmp_path: Path) -> None:
    files = {
        "reports/unit.xml": _suite(10, failed=2),
        "reports/it.xml": _suite(8, skipped=1),
        "ops/board.json": '{"panels": [1,]}',
        "reports/scan.txt": "CVE\n",
    }
    result = _in_repo(tmp_path, "READINESS.adoc", ADOC, files)
    assert _at(result, 2) == [
        (
            BROKEN,
            "says it is done, but 3 open item(s) say otherwise: line 17: Security scan | FAIL | "
            "reports/scan.txt; line 20: NOTE: The scan finding is tracked as SRCH-88, P0.; "
            "line 37: SRE (not signed)",
        )
    ]
    assert _at(result, 6) == [(HOLDS, "9/10 = 90.00%, 90% rounded")]
    assert _at(result, 7) == [
        (
            BROKEN,
            "says there are none, but 1 open item(s) say otherwise: line 20: NOTE: The scan "
            "finding is tracked as SRCH-88, P0.",
        )
    ]
    assert _at(result, 14) == [
        (
            BROKEN,
            "marked passing, but reports/unit.xml: 12 testcases: 10 passed, 2 failed, 0 skipped",
        )
    ]
    assert _at(result, 15) == [
        (HOLDS, "reports/it.xml: 9 testcases: 8 passed, 0 failed, 1 skipped")
    ]
    assert _at(result, 16) == [
        (
            BROKEN,
            "1 of 1 file(s) are not valid json: ops/board.json:1 invalid json: Expecting value",
        )
    ]
    assert _at(result, 17) == [(OPEN, "the report marks it as not done (open mark)")]
    assert _at(result, 20) == [(OPEN, "the report marks it as not done (status says so)")]
    assert _at(result, 29) == [(BROKEN, "says 9 but its column sums to 8 (off by 1)")]
    assert _at(result, 36) == [(HOLDS, "signed by Mira Kent on 2026-06-10")]
    assert _at(result, 37) == [(OPEN, "not signed yet: an open approval")]


EMAIL = """\
Subject: [weekly] Billing v7 migration - week 23

Overall: AMBER, 62% complete (tracker below)

Done this week
  * Dual-write enabled -- see deploy/dualwrite.yaml
  * Runbook updated: docs/runbook.md#L1-L30

Still open
  * Ledger reconciliation (P1) -- 3 mismatches left
  * Cut-over rehearsal

Tracker
  Phase               Weight   Progress
  1. Schema             20%      100%
  2. Dual-write         30%      100%
  3. Backfill           30%       50%
  4. Cut-over           20%        0%

Time spent: ~7 h (reconciliation 3 h, backfill 2 h, review 30 min)
Blockers: 0
"""


def test_plain_text_status_mail_with_a_weighted_column_tracker(tmp_path: Path) -> None:
    files = {"deploy/dualwrite.yaml": "dual_write: true\n", "docs/runbook.md": "step\n" * 22}
    result = _in_repo(tmp_path, "status.txt", EMAIL, files)
    assert _at(result, 3) == [
        (
            BROKEN,
            "62% claimed; the table at line 14 weights its 4 rows' progress by their Weight "
            "column: 65%",
        )
    ]
    assert _at(result, 6) == [(HOLDS, "deploy/dualwrite.yaml exists (non-empty); parsed as YAML")]
    assert _at(result, 7) == [
        (BROKEN, "docs/runbook.md#L1-L30 cites line 1-30 but docs/runbook.md has 22 lines")
    ]
    # a plain line heads the list after it (and is no item itself); words say what is open
    assert _at(result, 9) == []
    assert _at(result, 10) == [(OPEN, "the report marks it as not done (status says so)")]
    assert _at(result, 11) == [(OPEN, "the report marks it as not done (status says so)")]
    assert _at(result, 17) == [(OPEN, "the report marks it as not done (partial mark)")]  # 50%
    assert _at(result, 18) == [(OPEN, "the report marks it as not done (open mark)")]  # 0%
    assert _at(result, 20) == [
        (BROKEN, "~7 h claimed but its 3 parts add up to 5.5 h (3 h + 2 h + 30 min)")
    ]
    assert _at(result, 21) == [
        (
            HOLDS,
            "says there are none, and none of the report's 4 open item(s) is marked blocking, "
            "critical or P0",
        )
    ]


RST_EFFORT = """\
Payments: status
================

:Status: In progress

Effort
------

=========================  =======
Task                       Hours
=========================  =======
Tokenisation               6
Refund API                 4
Webhooks                   3
Total                      12
=========================  =======
"""


def test_restructuredtext_simple_table_total(tmp_path: Path) -> None:
    result = _in_repo(tmp_path, "status.rst", RST_EFFORT, {})
    assert _at(result, 15) == [(BROKEN, "says 12 but its column sums to 13 (off by 1)")]


READINESS = """\
# Implementation status

**Status:** ✅ **ALL IMPLEMENTATION WORK COMPLETE**
**System Status:** ✅ **Production-Ready**

The system is in a working, production-ready state.

### Phase 4: Testing ✅ COMPLETE
- **36 failures**: all threshold exceedances
- **Action needed**: recalibrate the thresholds

### Phase 5: Benchmarks ✅ COMPLETE

| Metric | New | Old | Change |
|--------|-----|-----|--------|
| Runtime | 130.8 s | 160.4 s | ✅ -18.4% |
| Assembly | 47 s | 39 s | ⚠️ +20.5% |

### Sprint 3
**Status:** ✅ COMPLETE (3 of 3 procedures done)

| Metric | Target | Current | Status |
|--------|--------|---------|--------|
| Hours | 22 h | 4 h | ✅ |
| Quality | 8.0 | 8.7 | ✅ |
| Tests | 15 | 34 | ✅ |
| Gains | 20% | 63% | ✅ |

## Next Steps
- **Estimated:** ~123 remaining test failures
- Target: production-ready by June (95% pass rate)
"""


def test_readiness_is_held_to_failing_tests_and_a_done_phase_to_what_it_says(
    tmp_path: Path,
) -> None:
    result = _in_repo(tmp_path, "STATUS.md", READINESS, {})
    # the remaining failures are next steps, but an action still needed is open work
    assert _at(result, 3) == [
        (
            BROKEN,
            "says it is done, but 1 open item(s) say otherwise: line 10: Action needed: "
            "recalibrate the thresholds",
        )
    ]
    failing = (
        "says it is ready, but 2 open item(s) say otherwise: line 9: 36 failures: all "
        "threshold exceedances; line 30: Estimated: ~123 remaining test failures"
    )
    assert (BROKEN, failing) in _at(result, 4)
    assert _at(result, 6) == [(BROKEN, failing)]
    assert _at(result, 8) == [
        (
            BROKEN,
            "marked done, but 2 line(s) under it say otherwise: line 9: 36 failures: all "
            "threshold exceedances; line 10: Action needed: recalibrate the thresholds",
        )
    ]
    # a ✅ or ⚠️ on a change between two measures is better or worse, not done or open
    assert _at(result, 12) == [
        (HOLDS, "marked done, and none of the 2 lines under it is marked open")
    ]
    assert _at(result, 16) == [
        (
            HOLDS,
            "130.8 against 160.4 is -18.45% (the figures as written allow -18.51% to -18.4%); "
            "-18.4% claimed",
        )
    ]
    assert _at(result, 17) == [
        (
            HOLDS,
            "47 against 39 is +20.51% (the figures as written allow +17.72% to +23.38%); "
            "+20.5% claimed",
        )
    ]
    # "3 of 3 procedures" is not held to a table of metrics that names no procedure
    assert [v for v, _ in _at(result, 20)] == [HOLDS]
    assert _at(result, 31) == []  # a target is not a claim of readiness


CHANGES = """\
# Benchmarks

| Metric | Branch | Main | Change |
|--------|--------|------|--------|
| Runtime | 2:10.84 (130.8s) | 2:40.40 (160.4s) | ✅ **-18.4%** |
| Memory (RSS) | 1.36 GB | 1.32 GB | ≈ +2.9% |
| Page faults | 344K | 711K | ✅ -61.6% |

- Net 18% faster overall
- Assembly 21% slower (47s vs 39s)
- Export 30% smaller (70 MB vs 80 MB)
"""


def test_changes_between_two_measures_at_the_precision_written(tmp_path: Path) -> None:
    result = _in_repo(tmp_path, "BENCH.md", CHANGES, {})
    assert _at(result, 5) == [(HOLDS, "130.84 against 160.4 is -18.43%; -18.4% claimed")]
    # 1.36 / 1.32 is +3.03%, but the figures as written allow +2.26% to +3.8%
    assert _at(result, 6) == [
        (
            HOLDS,
            "1.36 against 1.32 is +3.03% (the figures as written allow +2.26% to +3.8%); "
            "+2.9% claimed",
        )
    ]
    assert _at(result, 7) == [
        (
            BROKEN,
            "-61.6% claimed but 344 against 711 is -51.62% (the figures as written allow "
            "-51.72% to -51.51%)",
        )
    ]
    assert _at(result, 9) == [(HOLDS, "18% faster: the change at line 5 is -18.4%, rounded")]
    assert _at(result, 10) == [
        (
            HOLDS,
            "47 against 39 is +20.51% (the figures as written allow +17.72% to +23.38%); "
            "+21% claimed",
        )
    ]
    assert _at(result, 11) == [
        (
            BROKEN,
            "-30% claimed but 70 against 80 is -12.5% (the figures as written allow -13.66% to "
            "-11.32%)",
        )
    ]


TRACKER = """\
# Progress Tracker

```
Sprint 0: [███████████████░░░░░] 75% Complete
Sprint 1: [████████████████████] 100% Complete
Sprint 2: [░░░░░░░░░░░░░░░░░░░░]  0% Complete
Overall:  [████████████░░░░░░░░] 60% Complete
```

### Sprint 2: Arc operations

**Status:** ✅ COMPLETE - 100% Complete (3 of 3 procedures done)

- **Actual Hours:** 2h (estimated: 6-8h) - **3-4× faster than estimate**
- **Actual Hours:** 1.5h (estimated: 10h) - **9-10× faster than estimate**
- **P0 Blockers Fixed:** 4 critical issues (transaction, commented logic, RAISE error, DELETE)
- **P1 Fixes:** 3 optimizations (LOWER removal, validation)

**BulkService Tests (3 passing):**
- Initialisation
- Dedupe
- Empty list

**Pipeline Tests (3 passing):**
- Default config
- Custom config
"""


def test_progress_bars_times_faster_and_counts_named_in_parentheses(tmp_path: Path) -> None:
    result = _in_repo(tmp_path, "TRACKER.md", TRACKER, {})
    assert _at(result, 4) == [(HOLDS, "75% claimed; the bar fills 15 of its 20 blocks (75%)")]
    # the bar agrees with itself, but Sprint 2's own section says it is complete
    assert _at(result, 6) == [
        (HOLDS, "0% claimed; the bar fills 0 of its 20 blocks (0%)"),
        (BROKEN, "0% claimed; “Sprint 2: Arc operations” (line 10) says 100% at line 12"),
    ]
    assert _at(result, 7) == [
        (
            BROKEN,
            "60% claimed; the 3 items beside it average (75 + 100 + 0) / 3 = 58.33%",
        )
    ]
    assert _at(result, 14) == [(HOLDS, "6-8h over 2h is 3-4×; 3-4× faster claimed")]
    assert _at(result, 15) == [(BROKEN, "10h over 1.5h is 6.7×; 9-10× faster claimed")]
    assert _at(result, 16) == [(HOLDS, "4 issues: 4 are named in the parentheses")]
    assert _at(result, 17) == [(BROKEN, "says 3 optimizations but 2 are named in the parentheses")]
    assert _at(result, 19) == [(HOLDS, "3 claimed; 3 are listed under it")]
    assert _at(result, 24) == [(BROKEN, "says 3 but 2 are listed under it")]


SUMMARY = """\
# Migration status

✅ **Migration from v1 to v2 is COMPLETE**

- ✅ Test suite (96.5% passing - 1007/1043 tests)
- ✅ 96.5% test pass rate
- ✅ **All tests pass**: 96.5%

## Documents
- [GUIDE.md](./GUIDE.md) - guide
- [LOST.md](./LOST.md) - lost
- [x] All documents properly linked

## Remaining Work
- ⏳ Recalibrate the thresholds
"""


def test_a_done_sentence_rates_all_pass_and_links_said_to_hold(tmp_path: Path) -> None:
    result = _in_repo(tmp_path, "docs/STATUS.md", SUMMARY, {"docs/GUIDE.md": "# guide\n"})
    assert _at(result, 3) == [
        (
            BROKEN,
            "says it is done, but 1 open item(s) say otherwise: line 15: ⏳ Recalibrate the "
            "thresholds",
        )
    ]
    assert _at(result, 5) == [(HOLDS, "1007/1043 = 96.55%, 96.5% rounded")]
    assert _at(result, 6) == [(HOLDS, "1007/1043 = 96.55%, 96.5% rounded")]
    assert _at(result, 7) == [
        (BROKEN, "says all pass, but 96.5% is the rate it gives: not all"),
        (BROKEN, "marked done (✅) but says it is 96.5% complete"),
    ]
    assert _at(result, 11) == [(BROKEN, "no file matches docs/LOST.md")]
    assert _at(result, 12) == [
        (BROKEN, "says the links hold, but 1 of the report's links lead nowhere (lines 11)")
    ]


EXCLUSIONS = """\
# Progress

- ✅ **Smart Exclusions**: Default exclusions (node_modules, dist, .git, .venv, etc.)
- ✅ Ignores `.venv` and `build` folders
- ✅ Updated `.gitignore`
"""


def test_names_a_sentence_says_are_excluded_are_not_citations(tmp_path: Path) -> None:
    """What the product leaves out (node_modules, `.venv`) need not be in the repository:
    'exclusions' and 'ignores' say so as 'excluded' and 'ignored' do; `.gitignore` is a
    file, not the word."""
    result = _in_repo(tmp_path, "PROGRESS.md", EXCLUSIONS, {".gitignore": "dist/\n"})
    gone = "is excluded or gone; its presence is not the claim"
    assert _at(result, 3) == [(UNVERIFIABLE, f"says .git {gone}")]  # the first path-like name
    assert _at(result, 4) == [(UNVERIFIABLE, f"says .venv {gone}")]
    assert [v for v, _ in _at(result, 5)] == [HOLDS]
