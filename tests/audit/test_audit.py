"""The auditor against fixture reports in three styles, with small repositories beside
them where evidence exists, is missing, empty, not executable or malformed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from audit_helpers import (
    CHECKLIST_REPO,
    EXECUTABLE,
    FIXTURES,
    PHASE_REPO,
    SPRINT_REPO,
    chmod_x,
    find,
    write_tree,
)

from gonogo.audit import Verdict, audit
from gonogo.audit.model import AuditResult, Source
from gonogo.audit.render import render_md

HOLDS, BROKEN, UNVERIFIABLE = Verdict.HOLDS, Verdict.BROKEN, Verdict.UNVERIFIABLE


@pytest.fixture(scope="module")
def phase_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("phase")
    write_tree(root, PHASE_REPO)
    chmod_x(root, *EXECUTABLE)
    return root


@pytest.fixture(scope="module")
def phase_result(phase_repo: Path) -> AuditResult:
    return audit(FIXTURES / "phase_table.md", phase_repo)


@pytest.mark.parametrize(
    ("needle", "verdict", "reason"),
    [
        ("Compose file", HOLDS, "docker-compose.yml exists"),
        ("Backup script", HOLDS, "scripts/backup.sh exists"),
        ("Restore script", BROKEN, "scripts/restore.sh is not executable"),
        ("Runbook", BROKEN, "no file matches docs/RUNBOOK.md"),
        ("Settings", BROKEN, "not valid toml"),
        ("Alerts", BROKEN, "not valid json"),
        ("Release notes", BROKEN, "docs/NOTES.md is empty"),
        ("Module manifest", BROKEN, "not valid xml"),
        ("Entry point", BROKEN, "not valid python"),
        ("CI workflow", BROKEN, "not valid yaml"),
        ("Monitoring", UNVERIFIABLE, "cites no file"),
    ],
)
def test_phase_table_evidence(
    phase_result: AuditResult, needle: str, verdict: Verdict, reason: str
) -> None:
    result = find(phase_result, needle)
    assert result.claim.source is Source.TABLE or verdict is UNVERIFIABLE
    assert result.verdict is verdict
    assert reason in result.reason


def test_phase_table_gates_and_open_rows(phase_result: AuditResult) -> None:
    result = phase_result
    gate1 = find(result, "Phase 1 gate")
    assert gate1.verdict is HOLDS
    assert gate1.claim.source is Source.ARITHMETIC
    gate2 = find(result, "Phase 2 gate")
    assert gate2.verdict is BROKEN
    assert gate2.reason == "claims 5/5 but the table has 6 rows (off by 1)"
    dashboards = find(result, "Dashboards")  # ❌ row: an open item, not an evidence claim
    assert (dashboards.verdict, dashboards.claim.line) == (Verdict.OPEN, 23)
    s = result.summary
    assert (s.holds, s.broken, s.open, s.unverifiable) == (3, 9, 1, 1)
    assert s.sentence() == "3 hold, 9 broken, 1 open, 1 unverifiable"
    assert result.exit_code == 1


def test_sprint_report(make_repo: Callable[..., Path]) -> None:
    root = make_repo(SPRINT_REPO)
    chmod_x(root, "scripts/smoke.sh")
    result = audit(FIXTURES / "sprint_report.md", root)
    assert find(result, "75.0% (6/8").verdict is HOLDS
    assert find(result, "2/8 (25%)").verdict is HOLDS
    assert find(result, "66.7% (2/3").verdict is HOLDS
    risks = find(result, "33.4% (1/3)")
    assert risks.verdict is BROKEN
    assert "1/3 = 33.33%" in risks.reason
    assert "off by 0.07 points" in risks.reason
    app = find(result, "File: src/app.py")  # the fixture says 120 lines; the file has 2
    why = "says 120 lines but src/app.py has 2 lines (a round figure holds within a tenth)"
    assert (app.verdict, app.reason) == (BROKEN, why)
    assert find(result, "reports/summary.json").verdict is HOLDS
    assert find(result, "docs/missing.md").verdict is BROKEN
    assert find(result, "Smoke script").verdict is HOLDS
    assert find(result, "Deployed to staging").verdict is UNVERIFIABLE
    total = find(result, "Total Unit")
    assert total.verdict is BROKEN
    assert total.reason == "says 8/8 but its column sums to 7/8 (off by 1)"
    security = find(result, "Security (50%)")
    assert security.verdict is HOLDS
    assert security.reason == "50% claimed over 4 items (2 done, 2 open): their mean is 50%"
    quality = find(result, "Quality (75%)")
    assert quality.verdict is BROKEN
    assert quality.reason == "75% claimed over 3 items (1 done, 2 open): their mean is 33.33%"
    counts = find(result, "5 passed, 1 failed, 2 skipped")
    assert counts.verdict is UNVERIFIABLE
    assert "--junit" in counts.reason


def _junit(passed: int, failed: int, skipped: int) -> str:
    cases = [f'<testcase classname="t" name="p{i}"/>' for i in range(passed)]
    cases += [f'<testcase classname="t" name="f{i}"><failure/></testcase>' for i in range(failed)]
    cases += [f'<testcase classname="t" name="s{i}"><skipped/></testcase>' for i in range(skipped)]
    return "<testsuite>" + "".join(cases) + "</testsuite>"


@pytest.mark.parametrize(
    ("files", "verdict", "reason"),
    [
        ({"out/a.xml": _junit(5, 1, 2)}, HOLDS, "5 passed, 1 failed, 2 skipped"),
        (
            {"out/a.xml": _junit(3, 0, 2), "out/b.xml": _junit(2, 1, 0)},
            HOLDS,
            "(2 file(s) from --junit)",
        ),
        ({"out/a.xml": _junit(4, 2, 2)}, BROKEN, "claims 5 passed (off by 1), 1 failed (off by 1)"),
    ],
)
def test_counts_against_junit(
    make_repo: Callable[..., Path], files: dict[str, str], verdict: Verdict, reason: str
) -> None:
    root = make_repo({**SPRINT_REPO, **files})
    result = audit(FIXTURES / "sprint_report.md", root, junit_globs=["out/*.xml"])
    counts = find(result, "5 passed, 1 failed, 2 skipped")
    assert counts.verdict is verdict
    assert reason in counts.reason


def test_checklist(make_repo: Callable[..., Path]) -> None:
    root = make_repo(CHECKLIST_REPO)
    result = audit(FIXTURES / "checklist.md", root)
    assert find(result, "Compose validated").verdict is HOLDS
    migrations = find(result, "Migrations written")
    assert migrations.verdict is HOLDS
    assert migrations.outcomes[0].check.path == "db/migrations/*.sql"
    nightly = find(result, "Backup job")
    assert nightly.verdict is BROKEN
    assert "not executable" in nightly.reason
    assert find(result, "Dashboards live").verdict is UNVERIFIABLE
    secrets = find(result, "Secrets in")
    assert secrets.verdict is UNVERIFIABLE
    assert "outside the repository" in secrets.reason
    assert find(result, "Escalation page").verdict is BROKEN  # nested item, file missing
    load = find(result, "Load test")  # unticked: open, its file not checked
    assert (load.verdict, load.claim.checks) == (Verdict.OPEN, ())
    chmod_x(root, "scripts/nightly.sh")
    assert find(audit(FIXTURES / "checklist.md", root), "Backup job").verdict is HOLDS


def test_cli_formats_and_exit_codes(
    phase_repo: Path, make_repo: Callable[..., Path], cli: Callable[..., object]
) -> None:
    report = str(FIXTURES / "phase_table.md")
    term = cli("audit", report, "--root", str(phase_repo), env={"COLUMNS": "160"})
    assert term.code == 1  # type: ignore[attr-defined]
    assert "phase_table.md: 3 hold, 9 broken, 1 open, 1 unverifiable\n" in term.stdout  # type: ignore[attr-defined]
    assert "not executable" in term.stdout  # type: ignore[attr-defined]
    out = cli("audit", report, "--root", str(phase_repo), "--format", "json")
    data = json.loads(out.stdout)  # type: ignore[attr-defined]
    assert data["schema"] == "gonogo.audit/v1"
    assert data["summary"]["broken"] == 9
    assert {c["verdict"] for c in data["claims"]} == {"holds", "broken", "open", "unverifiable"}
    md = render_md(audit(FIXTURES / "phase_table.md", phase_repo))
    assert md.startswith("# Audit of")
    assert (
        "| 9 | Phase 1: Infrastructure | 1.3 \\| Restore script \\| ops | scripts/restore.sh is not"
        in md
    )
    good = make_repo({"ok.md": "- [x] Config `conf.yml`\n", "conf.yml": "a: 1\n"}, name="good")
    ok = cli("audit", str(good / "ok.md"))  # root defaults to the report's git work tree
    assert ok.code == 0, ok.stderr  # type: ignore[attr-defined]
    assert "ok.md: 1 hold, 0 broken, 0 open, 0 unverifiable\n" in ok.stdout  # type: ignore[attr-defined]
