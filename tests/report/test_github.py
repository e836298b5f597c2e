"""GitHub Actions: the step summary is appended to, findings become workflow commands."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gonogo.models import CheckResult, Finding, GateReport, GitInfo, RunReport, Status, Verdict
from gonogo.report.github import append_step_summary, workflow_commands

PLAN = """\
version: 1
project: shop
gates:
  - id: infra
    checks:
      - {id: readme, kind: file.exists, path: README.md}
      - {id: no-secret, kind: file.not_contains, path: "*.py", pattern: "password ="}
"""


def _report(*checks: CheckResult) -> RunReport:
    gate = GateReport("infra", "Infra", Verdict.NO_GO, 0.0, 0, len(checks), 0, 0, 100.0, (), ())
    return RunReport(
        "shop", "r1", "2026-01-01T00:00:00Z", 1.0, GitInfo(), Verdict.NO_GO, 0.0, (gate,), checks
    )


def test_workflow_commands_escape_what_github_would_misread() -> None:
    finding = Finding("x.rule", "50% done\nsecond line", "dir,odd/a:b.py", 7)
    check = CheckResult("c1", "infra", "k", "P0", Status.FAIL, "bad", findings=(finding,))
    assert workflow_commands(_report(check)) == (
        "::error file=dir%2Codd/a%3Ab.py,line=7,title=gonogo c1 (fail P0)"
        "::x.rule: 50%25 done%0Asecond line\n"
    )


def test_only_non_passing_and_waived_checks_are_annotated() -> None:
    checks = (
        CheckResult("ok", "infra", "k", "P2", Status.PASS, "fine"),
        CheckResult("gone", "infra", "k", "P2", Status.SKIP, "when false"),
        CheckResult("down", "infra", "http", "P1", Status.ERROR, "connection refused"),
        CheckResult(
            "old",
            "infra",
            "k",
            "P2",
            Status.WAIVED,
            "waived",
            findings=(Finding("r", "m", "a.py", 1),),
            waiver={"reason": "later", "owner": "ops", "expires": "2027-01-01"},
        ),
    )
    lines = workflow_commands(_report(*checks)).splitlines()
    assert lines == [
        "::error title=gonogo down (error P1)::connection refused",
        "::notice file=a.py,line=1,title=gonogo old (waived P2)::r: m (waived: later; owner ops)",
    ]


def test_many_findings_are_capped() -> None:
    findings = tuple(Finding("r", f"hit {i}", "a.py", i + 1) for i in range(60))
    check = CheckResult("c", "infra", "k", "P2", Status.FAIL, "60 hits", findings=findings)
    lines = workflow_commands(_report(check)).splitlines()
    assert len(lines) == 51
    assert lines[-1].endswith("::… and 10 more finding(s)")


def test_step_summary_is_appended_not_replaced(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("# earlier step\n")
    report = _report(CheckResult("c", "infra", "k", "P2", Status.FAIL, "missing"))
    assert append_step_summary(report, {"GITHUB_STEP_SUMMARY": str(summary)})
    assert append_step_summary(report, {"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text()
    assert text.startswith("# earlier step\n")
    assert text.count("# shop: ❌ **NO-GO**") == 2
    assert not append_step_summary(report, {})


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"gonogo.yaml": PLAN, "README.md": "x\n", "app.py": "password = 'x'\n"})


def test_check_annotates_and_writes_the_summary(
    cli: Callable[..., Any], repo: Path, tmp_path: Path
) -> None:
    summary = tmp_path / "step-summary.md"
    env = {"GITHUB_STEP_SUMMARY": str(summary)}
    out = cli("check", str(repo), "--annotations", "github", "--no-history", env=env)
    assert out.code == 1
    assert "::warning file=app.py,line=1,title=gonogo no-secret (fail P2)::" in out.stdout
    assert "| `no-secret` | infra |" in summary.read_text()
    as_json = cli("check", str(repo), "--annotations", "github", "--format", "json", env=env)
    assert json.loads(as_json.stdout)["verdict"] == "NO-GO"  # stdout stays valid JSON
    assert "::warning file=app.py,line=1" in as_json.stderr
    assert summary.read_text().count("**NO-GO**") == 2


@pytest.mark.parametrize(
    ("priority", "level"), [("P0", "error"), ("P1", "error"), ("P2", "warning"), ("P3", "notice")]
)
def test_annotation_level_follows_priority(priority: str, level: str) -> None:
    check = CheckResult("c", "infra", "k", priority, Status.FAIL, "bad")
    assert workflow_commands(_report(check)) == f"::{level} title=gonogo c (fail {priority})::bad\n"


def test_paths_are_from_the_repository_root_and_plan_lines_locate_bare_checks() -> None:
    from gonogo.report import Provenance

    prov = Provenance(prefix="svc/", plan="svc/gonogo.yaml", check_lines={"bare": 9})
    checks = (
        CheckResult(
            "c", "infra", "k", "P1", Status.FAIL, "x", findings=(Finding("r", "m", "a.py", 2),)
        ),
        CheckResult("bare", "infra", "k", "P1", Status.FAIL, "missing"),
    )
    assert workflow_commands(_report(*checks), prov).splitlines() == [
        "::error file=svc/a.py,line=2,title=gonogo c (fail P1)::r: m",
        "::error file=svc/gonogo.yaml,line=9,title=gonogo bare (fail P1)::missing",
    ]


def test_check_in_a_subfolder_annotates_repository_paths(
    cli: Callable[..., Any], make_repo: Callable[..., Path]
) -> None:
    repo = make_repo({"svc/gonogo.yaml": PLAN, "svc/app.py": "password = 'x'\n"})
    out = cli("check", str(repo / "svc"), "--annotations", "github", "--no-history")
    assert out.code == 1
    assert out.stdout.splitlines()[-2:] == [
        "::warning file=svc/gonogo.yaml,line=6,title=gonogo readme (fail P2)::"
        "no file matches README.md",
        "::warning file=svc/app.py,line=1,title=gonogo no-secret (fail P2)::"
        "file.forbidden-pattern: /password =/ matches here",
    ]
