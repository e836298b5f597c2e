"""Second-pass claim classes read from reports in styles the first pass missed: files
listed as created (with line counts), Markdown links to evidence documents, figures
stated on trust, and values marked open after any label."""

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
TRUST = "states a figure or a done mark but cites nothing it could be checked against"


def _run(tmp_path: Path, report: str, files: dict[str, str]) -> AuditResult:
    root = tmp_path / "repo"
    write_tree(root, files)
    path = tmp_path / "report.md"
    path.write_text(report, encoding="utf-8")
    return audit(path, root)


def _at(result: AuditResult, line: int) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.reason) for r in result.results if r.claim.line == line]


def _lines(n: int) -> str:
    return "".join(f"x{i} = {i}\n" for i in range(n))


FILES_CREATED = """\
# Session summary

**Files Created:**
- `vitest.config.ts` (30 lines) - runner configuration
- `tests/setup.ts` (58 lines) - global set-up
- `tests/a.spec.ts` (150 lines) - 30+ tests
- `bin/cli.js` - entry point
- `tokens/index.ts:2` - re-export
- `db/migrate/0031.sql` - migration
"""


def test_listed_files_exist_with_round_line_counts_held_within_a_tenth(tmp_path: Path) -> None:
    files = {
        "vitest.config.ts": _lines(53),
        "tests/setup.ts": _lines(53),
        "tests/a.spec.ts": _lines(153),
        "bin/cli.js": "#!/usr/bin/env node\nrun()\n",  # not executable: listed, not run
        "packages/ui/src/tokens/index.ts": _lines(3),
    }
    result = _run(tmp_path, FILES_CREATED, files)
    assert _at(result, 4) == [
        (
            BROKEN,
            "says 30 lines but vitest.config.ts has 53 lines (a round figure holds within a tenth)",
        )
    ]
    assert _at(result, 5) == [(BROKEN, "says 58 lines but tests/setup.ts has 53 lines")]
    assert _at(result, 6) == [(HOLDS, "tests/a.spec.ts exists (non-empty)")]
    assert _at(result, 7) == [(HOLDS, "bin/cli.js exists (non-empty)")]
    [(verdict, reason)] = _at(result, 8)
    assert (verdict, reason.rpartition("; ")[2]) == (
        UNVERIFIABLE,
        "a file of that name is at packages/ui/src/tokens/index.ts: "
        "the claim names it, not its path",
    )
    assert _at(result, 9) == [(BROKEN, "no file matches db/migrate/0031.sql")]


LINKS = """\
# Sign-off tracker

### Evidence Documents
- [SECURITY_GATE.md](./SECURITY_GATE.md) - security gate checklist
- [AUDIT_REPORT.md](./AUDIT_REPORT.md#summary) - audit report
- [Runbook](docs/runbook.md#L2-L9) - on-call steps
- [Dashboard](https://example.com/d/1) - live view

### Build Status
- **Errors:** 0 ✅
- **Tests Passed:** 47/47 ✅
- **Release Date:** January 2025
- **Deployment Dry Run:** ⏳ Pending
  - Security Officer: ⏳
"""


def test_links_are_evidence_and_figures_on_trust_are_unverifiable(tmp_path: Path) -> None:
    files = {"SECURITY_GATE.md": "# gate\n", "docs/runbook.md": "step\n" * 5}
    result = _run(tmp_path, LINKS, files)
    assert _at(result, 4) == [(HOLDS, "SECURITY_GATE.md exists (non-empty)")]
    assert _at(result, 5) == [(BROKEN, "no file matches AUDIT_REPORT.md")]
    assert _at(result, 6) == [
        (BROKEN, "docs/runbook.md#L2-L9 cites line 2-9 but docs/runbook.md has 5 lines")
    ]
    assert _at(result, 7) == []  # a URL is not evidence
    assert _at(result, 10) == [(UNVERIFIABLE, TRUST)]
    assert _at(result, 11) == [(UNVERIFIABLE, TRUST)]
    assert _at(result, 12) == []  # a date is not a figure of the release
    assert [v for v, _ in _at(result, 13)] == [OPEN]
    assert [v for v, _ in _at(result, 14)] == [OPEN]


GRID = """\
SPRINT 14 BOARD
===============
Progress: 3/4 stories done

+------+----------------------+--------+-----+
| ID   | Story                | State  | Pts |
+------+----------------------+--------+-----+
| S-1  | Login rate limit     | DONE   |  3  |
| S-2  | SSO (SAML)           | DOING  |  8  |
| S-3  | CSV import           | DONE   |  5  |
+------+----------------------+--------+-----+
| Total                       |        | 15  |
+------+----------------------+--------+-----+

Artifacts
  - release notes ........ docs/RELEASE-NOTES.md
  - smoke script ......... scripts/smoke.sh
"""


def test_plain_text_grid_table_and_dotted_leaders(tmp_path: Path) -> None:
    files = {"docs/release-notes.md": "# 14\n", "scripts/smoke.sh": "#!/bin/sh\nexit 0\n"}
    write_tree(tmp_path / "repo", files)
    (tmp_path / "repo" / "scripts" / "smoke.sh").chmod(0o755)
    result = _run(tmp_path, GRID, {})
    assert _at(result, 3) == [
        (
            BROKEN,
            "claims 3/4 but the status table under “SPRINT 14 BOARD” has 3 rows (off by 1) "
            "and 2 of them are marked done (off by 1)",
        )
    ]
    assert [v for v, _ in _at(result, 9)] == [OPEN]  # DOING: under way, not done
    assert _at(result, 12) == [(BROKEN, "says 15 but its column sums to 16 (off by 1)")]
    assert _at(result, 16) == [
        (
            BROKEN,
            "no file matches docs/RELEASE-NOTES.md; "
            "docs/release-notes.md exists, but case must match exactly",
        )
    ]
    assert _at(result, 17) == [(HOLDS, "scripts/smoke.sh exists (non-empty, executable)")]


def test_done_heading_with_nothing_open_under_it_holds(tmp_path: Path) -> None:
    report = (
        "# Status\n\n### ✅ 2. CI/CD Pipeline (100% Complete)\n\n**Files Created:**\n"
        "- `ci.yml` - continuous integration\n\n### ✅ 3. Docs (100% Complete)\n\n"
        "- [ ] Write the runbook\n"
    )
    result = _run(tmp_path, report, {"ci.yml": "on: push\n"})
    assert _at(result, 3) == [
        (HOLDS, "marked done, and none of the 2 lines under it is marked open")
    ]
    assert [v for v, _ in _at(result, 8)] == [BROKEN]


def test_all_green_against_the_cited_junit_and_a_change_is_no_completion(tmp_path: Path) -> None:
    cases = "".join(f'<testcase classname="t" name="p{i}"/>' for i in range(3)) + (
        '<testcase classname="t" name="f"><failure/></testcase>'
    )
    report = (
        "# DoD\n\n- [x] 4 tests, all green: `out/junit.xml`\n- [x] GC pressure reduced 50-70%\n"
    )
    result = _run(tmp_path, report, {"out/junit.xml": f"<testsuite>{cases}</testsuite>"})
    assert (
        BROKEN,
        "claims 4 passed (off by 1); out/junit.xml has 4 testcases: 3 passed, 1 failed, 0 skipped",
    ) in _at(result, 3)
    assert [v for v, _ in _at(result, 4)] == [UNVERIFIABLE]
