"""One test per claim class, each on a small report in its own style with the
repository it speaks of: the verdict and the reason a reader sees."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from audit_helpers import run_report, verdicts_at

from gonogo.audit import Verdict
from gonogo.audit.model import AuditResult

HOLDS, BROKEN, OPEN, UNVERIFIABLE = (
    Verdict.HOLDS,
    Verdict.BROKEN,
    Verdict.OPEN,
    Verdict.UNVERIFIABLE,
)


def _run(tmp_path: Path, report: str, files: dict[str, str] | None = None) -> AuditResult:
    return run_report(tmp_path, report, files)


_at = verdicts_at


def _junit(passed: int, failed: int = 0, skipped: int = 0, rerun: int = 0) -> str:
    cases = [f'<testcase classname="t" name="p{i}"/>' for i in range(passed)]
    cases += [f'<testcase classname="t" name="f{i}"><failure/></testcase>' for i in range(failed)]
    cases += [f'<testcase classname="t" name="s{i}"><skipped/></testcase>' for i in range(skipped)]
    # a test that failed and passed on its rerun counts once, as passed
    cases += [f'<testcase classname="t" name="r{i}"><failure/></testcase>' for i in range(rerun)]
    cases += [f'<testcase classname="t" name="r{i}"/>' for i in range(rerun)]
    return "<testsuite>" + "".join(cases) + "</testsuite>"


def test_numbers_against_the_files_they_cite(tmp_path: Path) -> None:
    report = (
        "# QA\n\n"
        "- Unit: 23/23 tests passed (`out/unit.xml`)\n"
        "- API: 20 passed, 3 skipped (`out/api.xml`)\n"
        "- Flaky: 5/5 tests passed (`out/flaky.xml`)\n"
        "- Coverage ≥ 80% (`out/coverage.xml`)\n"
        "- Coverage 91% (`out/cov.json`)\n"
        "- Latency p95 < 200 ms (`bench/lat.json`)\n"
    )
    result = _run(
        tmp_path,
        report,
        {
            "out/unit.xml": _junit(20, skipped=3),
            "out/api.xml": _junit(20, skipped=3),
            "out/flaky.xml": _junit(3, rerun=2),
            "out/coverage.xml": '<coverage line-rate="0.8123"/>',
            "out/cov.json": '{"totals": {"num_statements": 200, "covered_lines": 170}}',
            "bench/lat.json": '{"latency": {"p50_ms": 40, "p95_ms": 212.5}}',
        },
    )
    assert _at(result, 3) == [
        (
            BROKEN,
            "claims 23 passed (off by 3); out/unit.xml has 23 testcases: 20 passed, "
            "0 failed, 3 skipped",
        )
    ]
    assert _at(result, 4) == [(HOLDS, "out/api.xml: 23 testcases: 20 passed, 0 failed, 3 skipped")]
    assert _at(result, 5)[0][0] is HOLDS  # the rerun that passed counts as a pass
    assert _at(result, 6) == [
        (HOLDS, "out/coverage.xml reports 81.23% line coverage; claimed ≥ 80%")
    ]
    assert _at(result, 7) == [
        (BROKEN, "claims coverage 91% but out/cov.json reports 85.00% line coverage")
    ]
    assert _at(result, 8) == [
        (BROKEN, "bench/lat.json reports p95 = 212.5 ms; claimed p95 < 200 ms")
    ]


def test_summaries_rollups_and_totals(tmp_path: Path) -> None:
    report = (
        "# Sprint 9\n\n"
        "> 3/4 tasks complete.\n\n"
        "## Tasks\n\n"
        "| Task | Status |\n|---|---|\n"
        "| API | ✅ |\n| UI | ✅ |\n| Docs | 🔲 |\n| Ops | ✅ |\n\n"
        "## Progress\n\n"
        "**Backend** (50%):\n"
        "- ✅ auth\n- 🟡 billing\n- ❌ search\n\n"
        "Effort:\n\n"
        "- Design: 45 min\n- Build: 2 h\n- Total: 4 h\n"
    )
    result = _run(tmp_path, report)
    assert _at(result, 3) == [
        (HOLDS, "3/4 matches the status table under “Tasks”: 3 of 4 rows done")
    ]
    assert _at(result, 16) == [
        (
            HOLDS,
            "50% claimed over 3 items (1 done, 1 partial, 1 open): their mean is 41.67% to "
            "58.33% (a partial item counts for 25% to 75%)",
        )
    ]
    assert _at(result, 25) == [
        (BROKEN, "4 h claimed but its 2 parts add up to 2.75 h (45 min + 2 h)")
    ]


def test_status_against_open_items(tmp_path: Path) -> None:
    report = (
        "# Release\n\n"
        "**Status**: READY\n"
        "**Blockers**: None\n\n"
        "## Work\n\n"
        "- [x] Build\n"
        "- [ ] Rotate keys (P0)\n\n"
        "## Gate ✅\n\n"
        "- ✅ tests\n- ⏳ load test\n"
    )
    result = _run(tmp_path, report)
    assert _at(result, 3) == [
        (BROKEN, "says it is done, but 2 open item(s) say otherwise: line 9: [ ] Rotate keys "
         "(P0); line 14: ⏳ load test")
    ]  # fmt: skip
    assert _at(result, 4) == [
        (BROKEN, "says there are none, but 1 open item(s) say otherwise: line 9: [ ] Rotate "
         "keys (P0)")
    ]  # fmt: skip
    assert _at(result, 11) == [
        (BROKEN, "marked done, but 1 of the 2 items under it are open: line 14: ⏳ load test")
    ]
    rotate = [r for r in result.results if r.claim.line == 9]
    assert [(r.verdict, r.claim.priority) for r in rotate] == [(OPEN, "P0")]


def test_tables_of_any_shape_and_signoffs(tmp_path: Path) -> None:
    report = (
        "# Phase 1\n\n"
        "| Item | Owner | Outcome |\n|---|---|---|\n"
        "| compose | ops | PASS |\n| backups | ops | FAIL |\n| gate | lead | 2/2 passed |\n\n"
        "## Sign-off\n\n"
        "| Role | Name | Date | Approved |\n|---|---|---|---|\n"
        "| QA | Ana | 2026-01-03 | [x] |\n| Ops | Raj | | [x] |\n| Sec | | | [ ] |\n"
    )
    result = _run(tmp_path, report)
    assert _at(result, 6)[0][0] is OPEN  # FAIL in a column found by its contents
    assert _at(result, 7) == [
        (BROKEN, "claims 2/2 but the table has 3 rows (off by 1) and 1 of them are marked "
         "done (off by 1)")
    ]  # fmt: skip
    assert _at(result, 13) == [(HOLDS, "signed by Ana on 2026-01-03")]
    assert _at(result, 14) == [(BROKEN, "marked signed but has its date missing")]
    assert [v for v, _ in _at(result, 15)] == [OPEN]


def test_paths_as_a_reviewer_reads_them(tmp_path: Path) -> None:
    report = (
        "# Evidence\n\n"
        "- [x] Runbook `docs/RUNBOOK.md#L2-L3`\n"
        "- [x] Steps `docs/RUNBOOK.md#L10-L24`\n"
        "- [x] Entry `app/main.py:2`\n"
        "- [x] Secrets `../secrets.env`\n"
        "- [x] Setting `server.port` and flag `--dry-run`\n"
        "- [x] Tool `scripts/deploy`\n"
        "- [x] Runbook again `docs/runbook.md`\n"
        "- [x] Route `api/v1/users`\n"
        "- [x] Kept the pool size in settings.yml\n"
    )
    files = {
        "docs/RUNBOOK.md": "a\nb\nc\n",
        "app/main.py": "import os\nprint(os.sep)\n",
        "scripts/deploy": "#!/bin/sh\necho deploy\n",
        "config/settings.yml": "pool: 10\n",
    }
    result = _run(tmp_path, report, files)
    assert _at(result, 3) == [
        (HOLDS, "docs/RUNBOOK.md exists (non-empty); docs/RUNBOOK.md has lines 2-3")
    ]
    assert _at(result, 4) == [
        (BROKEN, "docs/RUNBOOK.md#L10-L24 cites line 10-24 but docs/RUNBOOK.md has 3 lines")
    ]
    assert _at(result, 5) == [
        (HOLDS, "app/main.py exists (non-empty); parsed as PYTHON; app/main.py has lines 2-2")
    ]
    assert _at(result, 6) == [(BROKEN, "../secrets.env leaves the repository root")]
    assert _at(result, 7) == [(UNVERIFIABLE, "cites no file, glob or number that can be checked")]
    assert _at(result, 8) == [(BROKEN, "scripts/deploy is not executable")]  # by its shebang
    assert _at(result, 9) == [
        (BROKEN, "no file matches docs/runbook.md; docs/RUNBOOK.md exists, but case must "
         "match exactly")
    ]  # fmt: skip
    assert _at(result, 10) == [
        (UNVERIFIABLE, "no file matches api/v1/users; with no extension it may be a name "
         "(a route, method or topic), not a path")
    ]  # fmt: skip
    assert _at(result, 11) == [
        (UNVERIFIABLE, "no file matches settings.yml; a file of that name is at "
         "config/settings.yml: the claim names it, not its path")
    ]  # fmt: skip


def test_output_a_person_can_use(tmp_path: Path, cli: Callable[..., object]) -> None:
    report = tmp_path / "status.md"
    report.write_text(
        "# Status\n\n"
        "Pass rate 50% (1/3).\n\n"
        "## Detail\n\n"
        "Still 50% (1/3) here, and 50% (1/3) again.\n\n"
        "- [ ] Ship it\n"
        "- [x] Config `missing.yml`\n"
    )
    root = tmp_path / "repo"
    root.mkdir()
    out = cli("audit", str(report), "--root", str(root), env={"COLUMNS": "200"})
    text = out.stdout  # type: ignore[attr-defined]
    assert text.splitlines()[0] == "status.md: 0 hold, 2 broken, 1 open, 1 unverifiable"
    assert "warning: --root" in text and "(is --root right?)" in text
    assert "    line 3, 7: Pass rate 50% (1/3). (and 1 more)\n" in text  # one row, its lines
    assert text.count("50% claimed but 1/3 = 33.33%") == 1
    only = cli("audit", str(report), "--root", str(root), "--only", "open")
    assert "BROKEN" not in only.stdout and "line 9: [ ] Ship it" in only.stdout  # type: ignore[attr-defined]
    data = json.loads(cli("audit", str(report), "--root", str(root), "--format", "json").stdout)  # type: ignore[attr-defined]
    first = data["claims"][0]
    assert set(first) >= {"line", "section", "text", "verdict", "reason", "evidence", "checks"}
    assert data["summary"]["text"] == "0 hold, 2 broken, 1 open, 1 unverifiable"


def test_counts_lines_and_plain_text_marks(tmp_path: Path) -> None:
    report = (
        "# Handover\n\n"
        "Status: Ready for deployment\n\n"
        "## Work\n\n"
        "1. [DONE] `README.md` (3 lines)\n"
        "2. [DONE] Secrets `.env` excluded from git\n"
        "3. [TODO] Pager rotation\n\n"
        "Progress: 1 of 3 steps (33%)\n\n"
        "## Tools (3 tools)\n\n"
        "- ✅ lint\n- ✅ types\n\n"
        "## Checks\n\n"
        "TL;DR: all 3 checks green.\n\n"
        "| Check | State |\n|---|---|\n| a | ✅ |\n| b | ✅ |\n| c | ❌ |\n\n"
        "## Sprints\n\n"
        "| Sprint | Done | Total | Rate | SP |\n|---|---|---|---|---|\n"
        "| S1 | 3 | 8 | 40% | 5 |\n| S2 | 2 | 2 | 100% | 8 |\n\n"
        "Total SP: 12\n"
    )
    result = _run(tmp_path, report, {"README.md": "one\ntwo\n"})
    assert _at(result, 3) == [
        (HOLDS, "says it is ready, and nothing in the report is marked open")
    ]  # the one open item is no blocker
    assert _at(result, 7) == [(BROKEN, "says 3 lines but README.md has 2 lines")]
    assert _at(result, 8) == [
        (UNVERIFIABLE, "says .env is excluded or gone; its presence is not the claim")
    ]
    assert [v for v, _ in _at(result, 9)] == [OPEN]
    assert _at(result, 11) == [
        (HOLDS, "1/3 = 33.33%, 33% rounded"),
        (BROKEN, "claims 1/3 but 2 of them are marked done (off by 1)"),
    ]  # the percent is right for 1/3, but two of the three steps above are done
    assert _at(result, 13) == [(BROKEN, "says 3 but 2 are listed under it")]
    assert _at(result, 20) == [(BROKEN, "claims 3/3 but 2 of them are marked done (off by 1)")]
    assert _at(result, 32) == [
        (BROKEN, "40% claimed but 3/8 = 37.50% (38% at the claim's precision); off by 2.5 points")
    ]
    assert _at(result, 35) == [
        (BROKEN, "12 SP claimed but its 2 parts add up to 13 SP (5 SP + 8 SP)")
    ]


def test_a_table_row_is_one_claim_across_its_cells(tmp_path: Path) -> None:
    """The figure sits in one cell, the file it comes from in another."""
    report = (
        "# Release\n\n"
        "| Area | Claim | Evidence | Status |\n|---|---|---|---|\n"
        "| Tests | 8/8 unit tests passed | `reports/junit.xml` | ✅ |\n"
        "| Coverage | line coverage 65% | `reports/coverage.json` | ✅ |\n"
    )
    cov = json.dumps({"totals": {"percent_covered": 57.38}})
    result = _run(
        tmp_path,
        report,
        {"reports/junit.xml": _junit(6, failed=1, skipped=1), "reports/coverage.json": cov},
    )
    assert _at(result, 5) == [
        (
            BROKEN,
            "claims 8 passed (off by 2); reports/junit.xml has 8 testcases: "
            "6 passed, 1 failed, 1 skipped",
        )
    ]
    assert _at(result, 6) == [
        (BROKEN, "claims coverage 65% but reports/coverage.json reports 57.38% line coverage")
    ]


def test_ready_for_production_counts_every_open_item(tmp_path: Path) -> None:
    """'Ready for production' claims the release; 'ready for execution' only the plan."""
    body = "\n## Checklist\n\n- [x] Changelog\n- [ ] Load test\n"
    shipped = _run(tmp_path, "# R\n\n**Status**: ✅ READY FOR PRODUCTION\n" + body)
    planned = _run(tmp_path, "# R\n\n**Status**: READY FOR EXECUTION\n" + body)
    assert _at(shipped, 3) == [
        (BROKEN, "says it is done, but 1 open item(s) say otherwise: line 8: [ ] Load test")
    ]
    assert _at(planned, 3) == [
        (HOLDS, "says it is ready, and nothing in the report is marked open")
    ]
