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
    assert [g.id for g in plan.gates] == ["phase-1-infrastructure", "phase-2-application"]
    report = asyncio.run(run_plan(plan, tmp_path, probes, RunOptions(jobs=4)))
    status = {c.check_id: c.status.value for c in report.checks}
    result = audit(FIXTURES / "phase_table.md", tmp_path)
    evidence = [r for r in result.results if r.outcomes]
    assert len(evidence) == 10
    assert sum(len(r.outcomes) for r in evidence) == len(plan.checks) == 16
    for r in evidence:
        ran = [status[o.check_id] for o in r.outcomes]
        assert (r.verdict is Verdict.HOLDS) == all(s == "pass" for s in ran), r.claim.text
    assert status["l9-scripts-restore-sh"] == "fail"
    assert status["l11-config-settings-toml-valid"] == "fail"


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
