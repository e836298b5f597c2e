"""Approvals: bound to the commit and the plan hash; a gate is GO only with every role."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gonogo.models import RunReport
from gonogo.report import render
from repo_helpers import git

PLAN = """\
version: 1
project: shop
gates:
  - id: build
    checks:
      - {id: readme, kind: file.exists, path: README.md}
  - id: deploy
    requires: [build]
    approvals: [devops, quality]
    checks:
      - {id: app, kind: file.exists, path: app.py}
"""


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"gonogo.yaml": PLAN, "README.md": "# shop\n", "app.py": "x = 1\n"})


def _deploy(cli: Callable[..., Any], repo: Path) -> tuple[int, dict[str, Any]]:
    out = cli("check", str(repo), "--format", "json", "--no-history")
    assert out.code in (0, 1), out.stderr
    gate = next(g for g in json.loads(out.stdout)["gates"] if g["id"] == "deploy")
    return out.code, gate


def test_a_gate_is_go_only_when_every_role_approved_this_commit(
    cli: Callable[..., Any], repo: Path
) -> None:
    code, gate = _deploy(cli, repo)
    assert code == 1
    assert gate["approvals"] == {"required": ["devops", "quality"], "given": []}
    assert "missing approval(s) for this commit: devops, quality" in gate["reasons"]
    ok = cli(
        "approve",
        "deploy",
        "--as",
        "devops",
        "--by",
        "ana",
        "--note",
        "runbook read",
        "-C",
        str(repo),
    )
    assert ok.code == 0, ok.stderr
    assert "approved gate deploy as devops by ana" in ok.stdout
    code, gate = _deploy(cli, repo)
    assert code == 1
    assert gate["approvals"]["given"] == ["devops"]
    assert cli("approve", "deploy", "--as", "quality", "-C", str(repo)).code == 0
    code, gate = _deploy(cli, repo)
    assert code == 0
    assert gate["verdict"] == "GO"
    listing = cli("approvals", "-C", str(repo))
    assert "deploy: 2/2 given" in listing.stdout
    assert "✔ devops by ana" in listing.stdout
    assert "runbook read" in listing.stdout

    (repo / "CHANGELOG").write_text("next\n")
    git(repo, "add", "CHANGELOG")
    git(repo, "commit", "-q", "-m", "next")
    code, gate = _deploy(cli, repo)
    assert code == 1
    assert gate["approvals"]["given"] == []
    voided = json.loads(cli("approvals", "-C", str(repo), "--all", "--format", "json").stdout)
    assert [g["missing"] for g in voided["gates"]] == [["devops", "quality"]]
    assert {r["state"] for r in voided["recorded"]} == {"void: another commit"}


def test_a_changed_plan_voids_approvals(cli: Callable[..., Any], repo: Path) -> None:
    for role in ("devops", "quality"):
        assert cli("approve", "deploy", "--as", role, "-C", str(repo)).code == 0
    assert _deploy(cli, repo)[0] == 0
    (repo / "gonogo.yaml").write_text(PLAN.replace("project: shop", "project: shop  # edited"))
    code, gate = _deploy(cli, repo)
    assert code == 1
    assert gate["approvals"]["given"] == []


def test_revoke_withdraws_an_approval(cli: Callable[..., Any], repo: Path) -> None:
    for role in ("devops", "quality"):
        assert cli("approve", "deploy", "--as", role, "-C", str(repo)).code == 0
    out = cli("approve", "deploy", "--as", "quality", "--revoke", "--by", "lead", "-C", str(repo))
    assert out.code == 0, out.stderr
    code, gate = _deploy(cli, repo)
    assert code == 1
    assert gate["approvals"]["given"] == ["devops"]
    again = cli("approve", "deploy", "--as", "quality", "--revoke", "-C", str(repo))
    assert again.code == 2
    assert "no active quality approval" in again.stderr
    listing = cli("approvals", "-C", str(repo), "--all")
    assert "revoked" in listing.stdout
    assert "by lead" in listing.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["deploy", "--as", "ceo"],
            "does not ask for approval by 'ceo'; it asks for: devops, quality",
        ),
        (["build", "--as", "devops"], "it asks for: none"),
        (["ship", "--as", "devops"], "no gate 'ship'"),
    ],
)
def test_bad_approvals_are_usage_errors(
    cli: Callable[..., Any], repo: Path, args: list[str], message: str
) -> None:
    out = cli("approve", *args, "-C", str(repo))
    assert out.code == 2
    assert message in out.stderr


def test_approvals_need_a_commit(cli: Callable[..., Any], tmp_path: Path) -> None:
    (tmp_path / "gonogo.yaml").write_text(PLAN)
    out = cli("approve", "deploy", "--as", "devops", "-C", str(tmp_path))
    assert out.code == 2
    assert "approvals are bound to a commit" in out.stderr


def test_reports_show_required_and_given_approvals() -> None:
    gate = {
        "id": "deploy",
        "title": "Deploy",
        "verdict": "NO-GO",
        "pass_rate": 100.0,
        "passed": 1,
        "total": 1,
        "reasons": ["missing approval(s) for this commit: quality"],
        "approvals": {"required": ["devops", "quality"], "given": ["devops"]},
    }
    check = {"id": "app", "gate": "deploy", "kind": "file.exists", "status": "pass"}
    report = RunReport.from_dict(
        {
            "run_id": "r1",
            "started_at": "2026-01-01T00:00:00Z",
            "verdict": "NO-GO",
            "gates": [gate],
            "checks": [check],
        }
    )
    assert "1/2: devops ✅, quality ⏳" in render(report, "md")
    html = render(report, "html")
    assert '<span class="given">✔ devops</span>' in html
    assert '<span class="missing">⏳ quality</span>' in html
    junit = render(report, "junit")
    assert '<property name="approvals.required" value="devops, quality" />' in junit
    assert '<property name="approvals.given" value="devops" />' in junit
