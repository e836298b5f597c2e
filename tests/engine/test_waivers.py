"""Waivers: a waived failure does not block its gate but shows in every report; an expired
waiver changes nothing and says so; a bad waiver is a plan error. Never silent."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree

from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.errors import PlanError
from gonogo.models import GitInfo, RunReport, Status
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import all_probes
from gonogo.report import FORMATS, render

PLAN = """\
version: 1
project: shop
gates:
  - id: infra
    checks:
      - {id: readme, kind: file.exists, path: README.md}
      - {id: backup, kind: file.exists, path: scripts/backup.sh, priority: P0}
      - {id: fine, kind: file.exists, path: README.md}
  - id: deploy
    checks:
      - {id: runbook, kind: file.exists, path: RUNBOOK.md}
waivers:
  - {check: backup, reason: "restore drill next sprint", owner: ops, expires: 2027-01-31}
  - {check: runbook, reason: "written by the SRE rotation", owner: sre, expires: 2026-01-01}
  - {check: fine, reason: "left over", owner: dev, expires: 2027-01-31}
"""
TODAY = dt.date(2026, 6, 1)


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> RunReport:
    root = tmp_path_factory.mktemp("waivers")
    (root / "README.md").write_text("# shop\n")
    plan = parse_plan(PLAN, all_probes(), source="gonogo.yaml")
    opts = RunOptions(today=TODAY, git=GitInfo("abc", "main", False))
    return asyncio.run(run_plan(plan, root, all_probes(), opts))


def test_a_waived_failure_does_not_block_its_gate(report: RunReport) -> None:
    backup = report.check("backup")
    assert backup is not None
    assert backup.status is Status.WAIVED
    assert "restore drill next sprint" in backup.message
    assert "fail" in backup.message  # what was waived stays visible
    infra = report.gates[0]
    assert infra.verdict.value == "GO"
    assert infra.waived == 1
    assert infra.pass_rate == 100.0


def test_an_expired_waiver_has_no_effect_and_says_so(report: RunReport) -> None:
    runbook = report.check("runbook")
    assert runbook is not None
    assert runbook.status is Status.FAIL
    assert runbook.waiver is not None
    assert runbook.waiver["expired"] is True
    assert report.gates[1].verdict.value == "NO-GO"
    assert any("runbook expired on 2026-01-01" in n for n in report.notes)
    assert any("waiver for fine is not needed" in n for n in report.notes)


def test_term_and_markdown_show_waivers(report: RunReport) -> None:
    term = render(report, "term")
    assert "WAIVED" in term
    assert "restore drill next sprint" in term
    assert "runbook expired on 2026-01-01" in term
    md = render(report, "md")
    assert "waived" in md
    assert "restore drill next sprint" in md
    assert "runbook expired on 2026-01-01" in md


def test_json_carries_the_waiver(report: RunReport) -> None:
    data = json.loads(render(report, "json"))
    checks = {c["id"]: c for c in data["checks"]}
    assert checks["backup"]["status"] == "waived"
    assert checks["backup"]["waiver"] == {
        "reason": "restore drill next sprint",
        "owner": "ops",
        "expires": "2027-01-31",
    }
    assert checks["runbook"]["waiver"]["expired"] is True
    assert data["gates"][0]["waived"] == 1


def test_junit_skips_a_waived_check_with_the_reason(report: RunReport) -> None:
    root = ElementTree.fromstring(render(report, "junit"))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    skipped = cases["backup"].find("skipped")
    assert skipped is not None
    assert skipped.get("message") == (
        "waived: restore drill next sprint (owner ops, expires 2027-01-31)"
    )
    assert cases["runbook"].find("failure") is not None
    out = cases["runbook"].find("system-out")
    assert out is not None
    assert "waiver expired on 2026-01-01" in (out.text or "")


def test_html_badges_waivers(report: RunReport) -> None:
    html = render(report, "html")
    assert "waiver: restore drill next sprint · ops · until 2027-01-31" in html
    assert "waiver expired 2026-01-01" in html
    assert "runbook expired on 2026-01-01; it has no effect" in html


@pytest.mark.skipif("sarif" not in FORMATS, reason="the SARIF format is not registered yet")
def test_sarif_suppresses_a_waived_result(report: RunReport) -> None:
    data = json.loads(render(report, "sarif"))
    results = [r for run in data["runs"] for r in run["results"]]
    waived = [r for r in results if r.get("suppressions")]
    assert waived
    assert "restore drill next sprint" in json.dumps(waived)


@pytest.mark.parametrize(
    ("waiver", "field", "words"),
    [
        ("{check: nope, reason: r, owner: o, expires: 2027-01-01}", "waivers[0].check", "nope"),
        ("{check: readme, owner: o, expires: 2027-01-01}", "waivers[0].reason", "required"),
        ("{check: readme, reason: r, owner: o}", "waivers[0].expires", "required"),
        ("{check: readme, reason: '', owner: o, expires: 2027-01-01}", "waivers[0].reason", ""),
    ],
)
def test_a_bad_waiver_is_a_plan_error(waiver: str, field: str, words: str) -> None:
    text = PLAN.split("waivers:")[0] + f"waivers:\n  - {waiver}\n"
    with pytest.raises(PlanError) as info:
        parse_plan(text, all_probes(), source="gonogo.yaml")
    message = str(info.value)
    assert message.startswith("gonogo.yaml:")
    assert field in message
    assert words in message


def test_cli_rejects_a_bad_waiver_with_exit_2(
    cli: Callable[..., Any], make_repo: Callable[..., Path]
) -> None:
    plan = PLAN.split("waivers:")[0] + "waivers:\n  - {check: ghost, reason: r, owner: o}\n"
    repo = make_repo({"gonogo.yaml": plan, "README.md": "x\n"})
    out = cli("check", str(repo))
    assert out.code == 2
    assert "gonogo.yaml:" in out.stderr
    assert "waivers[0]" in out.stderr
