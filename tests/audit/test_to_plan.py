"""`--to-plan`: the written plan loads, runs, and agrees with the audit claim by claim."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import yaml
from audit_helpers import EXECUTABLE, FIXTURES, PHASE_REPO, chmod_x, write_tree

from gonogo.audit import Verdict, audit
from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import all_probes


def test_plan_is_valid_and_agrees_with_the_audit(
    tmp_path: Path, cli: Callable[..., object]
) -> None:
    write_tree(tmp_path, PHASE_REPO)
    chmod_x(tmp_path, *EXECUTABLE)
    out = cli("audit", str(FIXTURES / "phase_table.md"), "--root", str(tmp_path), "--to-plan")
    assert out.code == 1  # type: ignore[attr-defined]
    text = (tmp_path / "gonogo.yaml").read_text()
    assert text.startswith("# Written by `gonogo audit phase_table.md --to-plan`")
    assert "#   line 14: holds: 8/8 matches the table's 8 rows" in text
    assert "#   line 24: broken: claims 5/5 but the table has 6 rows (off by 1)" in text
    assert "#   line 25: 2.6 | Monitoring | sre" in text  # unverifiable: listed, not dropped
    probes = all_probes()
    plan = parse_plan(text, probes, source="gonogo.yaml")
    assert [(g.id, g.requires) for g in plan.gates] == [
        ("phase-1-infrastructure", ()),
        ("phase-2-application", ("phase-1-infrastructure",)),
    ]
    report = asyncio.run(run_plan(plan, tmp_path, probes, RunOptions(jobs=4)))
    status = {(c.check_id): c.status.value for c in report.checks}
    by_origin = {(c.description, c.kind, c.params.path): c.id for c in plan.checks}  # type: ignore[attr-defined]
    result = audit(FIXTURES / "phase_table.md", tmp_path)
    evidence = [r for r in result.results if r.outcomes]
    assert len(evidence) == 10
    assert sum(len(r.outcomes) for r in evidence) == 16
    assert len(plan.checks) == 17  # and the open row 2.4 as a check that fails until done
    for r in evidence:
        desc = f"phase_table.md:{r.claim.line}: {r.claim.text}"
        ran = [status[by_origin[(desc, o.check.kind, o.check.path)]] for o in r.outcomes]
        assert (r.verdict is Verdict.HOLDS) == all(s == "pass" for s in ran), r.claim.text
    assert status["1-3-restore-script-ops-scripts-restore-sh"] == "fail"
    assert status["2-4-dashboards-sre-grafana-done"] == "fail"


def test_ids_come_from_the_text_and_survive_moved_lines(
    tmp_path: Path, cli: Callable[..., object]
) -> None:
    moved = tmp_path / "moved.md"
    moved.write_text("\n\n\nAn intro paragraph.\n\n" + (FIXTURES / "phase_table.md").read_text())
    ids = []
    for report in (FIXTURES / "phase_table.md", moved):
        out = tmp_path / f"{report.stem}.yaml"
        cli("audit", str(report), "--root", str(tmp_path), "--to-plan", "-o", str(out))
        plan = yaml.safe_load(out.read_text())
        ids.append([c["id"] for g in plan["gates"] for c in g["checks"]])
    assert ids[0] == ids[1]
    assert ids[0][:3] == [
        "1-1-compose-file-ops-docker-compose-yml",
        "1-1-compose-file-ops-valid-docker-compose-yml",
        "1-2-backup-script-ops-scripts-backup-sh",
    ]


def test_numbers_open_items_and_priorities(tmp_path: Path, cli: Callable[..., object]) -> None:
    report = tmp_path / "status.md"
    report.write_text(
        "# Release\n\n## Phase 1: Build\n\n"
        "- [x] Unit tests: 3/3 tests passed (`out/junit.xml`)\n"
        "- [x] Line coverage 80% (`out/coverage.json`)\n"
        "- [ ] Rotate the database password (P0)\n\n"
        "## Phase 2: Ship\n\n"
        "| Role | Name | Date | Signed |\n|---|---|---|---|\n"
        "| QA lead | Ana | 2026-01-02 | ✅ |\n| Security | | | ⏳ |\n"
    )
    (tmp_path / "out").mkdir()
    cases = "".join(f'<testcase classname="t" name="c{i}"/>' for i in range(3))
    (tmp_path / "out" / "junit.xml").write_text(f"<testsuite>{cases}</testsuite>")
    (tmp_path / "out" / "coverage.json").write_text('{"totals": {"percent_covered": 80.4}}')
    out = cli("audit", str(report), "--root", str(tmp_path), "--to-plan")
    assert out.code == 0, out.stderr  # type: ignore[attr-defined]
    plan = yaml.safe_load((tmp_path / "gonogo.yaml").read_text())
    build, ship = plan["gates"]
    checks = {c["id"]: c for c in build["checks"]}
    assert checks["unit-tests-3-3-tests-passed-out"] == {
        "id": "unit-tests-3-3-tests-passed-out",
        "kind": "junit",
        "files": "out/junit.xml",
        "description": "status.md:5: [x] Unit tests: 3/3 tests passed (out/junit.xml)",
        "tags": ["audit", "count"],
    }
    assert checks["line-coverage-80-out-coverage-js"]["kind"] == "coverage"
    assert checks["line-coverage-80-out-coverage-js"]["min_percent"] == 80.0
    rotate = checks["rotate-the-database-password-p0-done"]
    assert (rotate["kind"], rotate["path"], rotate["priority"]) == (
        "file.exists",
        ".gonogo/done/rotate-the-database-password-p0",
        "P0",
    )
    assert (ship["requires"], ship["approvals"]) == (["phase-1-build"], ["security"])
    ran = cli("check", str(tmp_path), "-p", str(tmp_path / "gonogo.yaml"), "--no-history")
    assert ran.code == 1  # type: ignore[attr-defined]  # the P0 item is not done yet


def test_plan_is_not_overwritten_without_force(tmp_path: Path, cli: Callable[..., object]) -> None:
    report = tmp_path / "status.md"
    report.write_text("- [x] Config `conf.yml`\n- [x] Data `data.json`\n")
    (tmp_path / "conf.yml").write_text("a: 1\n")
    (tmp_path / "data.json").write_text("{bad")
    existing = tmp_path / "gonogo.yaml"
    existing.write_text("version: 1\n")
    args = ("audit", str(report), "--root", str(tmp_path), "--to-plan")
    refused = cli(*args)
    assert refused.code == 2  # type: ignore[attr-defined]
    assert "already exists; pass --force" in refused.stderr  # type: ignore[attr-defined]
    assert existing.read_text() == "version: 1\n"
    other = tmp_path / "plans" / "from-report.yaml"
    written = cli(*args, "-o", str(other))
    assert written.code == 1  # type: ignore[attr-defined]
    checks = yaml.safe_load(other.read_text())["gates"][0]["checks"]
    assert [(c["kind"], c["path"]) for c in checks] == [
        ("file.exists", "conf.yml"),
        ("file.valid", "conf.yml"),
        ("file.exists", "data.json"),
        ("file.valid", "data.json"),
    ]
    assert checks[3]["needs"] == [checks[2]["id"]]
    forced = cli(*args, "--force")
    assert forced.code == 1  # type: ignore[attr-defined]
    assert "file.valid" in existing.read_text()
    assert not list(tmp_path.glob(".gonogo.yaml.*.tmp"))


def test_one_gate_per_phase_heading_in_report_order(
    tmp_path: Path, cli: Callable[..., object]
) -> None:
    """Phases written as level-3 headings under one section are gates of their own."""
    report = tmp_path / "plan.md"
    report.write_text(
        "# Rollout\n\n## Plan\n\n### Phase 1: Build\n\n- [x] Compose file `compose.yml`\n"
        "- [ ] Rotate keys (P0)\n\n### Phase 2: Ship\n\n- [ ] Canary watched\n"
    )
    (tmp_path / "compose.yml").write_text("services: {}\n")
    out = cli("audit", str(report), "--root", str(tmp_path), "--to-plan")
    assert out.code == 0, out.stderr  # type: ignore[attr-defined]
    plan = yaml.safe_load((tmp_path / "gonogo.yaml").read_text())
    assert [(g["id"], g["title"], g.get("requires")) for g in plan["gates"]] == [
        ("phase-1-build", "Phase 1: Build", None),
        ("phase-2-ship", "Phase 2: Ship", ["phase-1-build"]),
    ]
    build, ship = plan["gates"]
    assert [c["id"] for c in build["checks"]] == [
        "compose-file-compose-yml-compose-yml",
        "compose-file-compose-yml-valid-compose-yml",
        "rotate-keys-p0-done",
    ]
    assert build["checks"][2]["priority"] == "P0"
    assert [(c["id"], c["path"]) for c in ship["checks"]] == [
        ("canary-watched-done", ".gonogo/done/canary-watched")
    ]


PASSING = """\
# Release checks

| Suite | Result | Report |
|-------|--------|--------|
| Unit | PASS | `reports/unit.xml` |
| E2E | PASS | `reports/e2e.xml` |
"""


def test_rows_marked_passing_become_junit_checks_that_allow_no_failure(tmp_path: Path) -> None:
    from gonogo.audit.toplan import plan_data

    unit = "<testsuite>" + '<testcase classname="u" name="a"/>' * 3
    unit += '<testcase classname="u" name="b"><failure/></testcase></testsuite>'
    write_tree(
        tmp_path,
        {
            "reports/unit.xml": unit,
            "reports/e2e.xml": '<testsuite><testcase classname="e" name="a"/></testsuite>',
            "REPORT.md": PASSING,
        },
    )
    result = audit(tmp_path / "REPORT.md", tmp_path)
    data = plan_data(result, project="p", report="REPORT.md")
    junit = [c for g in data["gates"] for c in g["checks"] if c["kind"] == "junit"]
    assert [(c["files"], c["max_failures"]) for c in junit] == [
        ("reports/unit.xml", 0),
        ("reports/e2e.xml", 0),
    ]
    probes = all_probes()
    plan = parse_plan(yaml.safe_dump(data), probes, source="gonogo.yaml")
    report = asyncio.run(run_plan(plan, tmp_path, probes, RunOptions(jobs=2)))
    by_id = {c.check_id: c.status.value for c in report.checks}
    assert [by_id[c["id"]] for c in junit] == ["fail", "pass"]
