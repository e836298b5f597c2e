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
