"""End-to-end: the `gonogo` command in real subprocesses on real git repositories."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import jsonschema
import yaml

PLAN = """\
version: 1
project: shop
gates:
  - id: infra
    title: Phase 1
    checks:
      - {id: readme, kind: file.exists, path: README.md, priority: P0, owner: docs}
      - {id: backup, kind: file.exists, path: backup.sh, executable: true, owner: ops}
  - id: deploy
    requires: [infra]
    checks:
      - {id: tests, kind: command, run: [python3, -c, "print('ok')"], expect: {stdout: ok}}
"""


def test_check_go_and_no_go_exit_codes_and_outputs(make_repo, cli) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# shop\n", "backup.sh": "#!/bin/sh\n"})
    result = cli("check", str(root))
    assert result.code == 1, result.stderr
    assert "NO-GO" in result.stdout and "backup.sh is not executable" in result.stdout
    assert "\x1b[" not in result.stdout  # plain when not a TTY
    report = json.loads((root / ".gonogo/last.json").read_text())
    assert report["schema"] == "gonogo.report/v1"
    assert report["verdict"] == "NO-GO"
    assert report["git"]["branch"] == "main" and len(report["git"]["commit"]) == 40
    infra, deploy = report["gates"]
    assert (infra["passed"], infra["total"], infra["blockers"]) == (1, 2, ["backup"])
    assert deploy["verdict"] == "NO-GO" and "required gate infra is not GO" in deploy["reasons"]
    md = (root / ".gonogo/last.md").read_text()
    assert "# shop: ❌ **NO-GO**" in md and "| `backup` | infra | file.exists |" in md

    (root / "backup.sh").chmod(0o755)
    result = cli("check", str(root))
    assert result.code == 0, result.stdout
    assert json.loads((root / ".gonogo/last.json").read_text())["verdict"] == "GO"


def test_json_report_has_the_design_contract(make_repo, cli) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# shop\n", "backup.sh": "x"})
    result = cli("check", str(root), "--format", "json")
    report = json.loads(result.stdout)
    assert {
        "schema",
        "project",
        "run_id",
        "started_at",
        "duration_s",
        "git",
        "verdict",
        "pass_rate",
        "gates",
        "checks",
    } <= set(report)
    gate_keys = {
        "id",
        "title",
        "verdict",
        "pass_rate",
        "passed",
        "total",
        "skipped",
        "blockers",
        "approvals",
    }
    assert gate_keys <= set(report["gates"][0])
    check_keys = {
        "id",
        "gate",
        "kind",
        "priority",
        "owner",
        "status",
        "message",
        "duration_s",
        "attempts",
        "evidence",
        "findings",
    }
    assert all(check_keys <= set(c) for c in report["checks"])
    assert report["started_at"].endswith("Z")


def test_output_file_and_gate_selection(make_repo, cli, tmp_path) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# shop\n", "backup.sh": "x"})
    out = tmp_path / "report.md"
    result = cli("check", str(root), "--gate", "infra", "--format", "md", "-o", str(out))
    assert result.stdout == ""
    text = out.read_text()
    assert "`readme`" in text and "`tests`" not in text
    bad = cli("check", str(root), "--gate", "nope")
    assert bad.code == 2 and "--gate nope: no such gate" in bad.stderr
    dash = cli("check", str(root), "--gate", "infra", "--format", "json", "-o", "-", cwd=tmp_path)
    assert json.loads(dash.stdout)["schema"] == "gonogo.report/v1"  # `-o -` is stdout
    assert not (tmp_path / "-").exists()


def test_plan_error_is_exit_2_with_location_and_no_traceback(make_repo, cli) -> None:
    root = make_repo(
        {
            "gonogo.yaml": "gates:\n  - id: g\n    checks:\n"
            "      - {id: a, kind: file.exsts, path: x}\n"
        }
    )
    result = cli("check", str(root))
    assert result.code == 2
    assert (
        "gonogo.yaml:4:17: gates[0].checks[0].kind: unknown check kind 'file.exsts' "
        "(did you mean 'file.exists'?)" in result.stderr
    )
    assert "Traceback" not in result.stderr
    assert not (root / ".gonogo/last.json").exists()


def test_missing_directory_and_plan_are_usage_errors(cli, tmp_path) -> None:
    assert cli("check", str(tmp_path / "nope")).code == 2
    result = cli("check", str(tmp_path), "-p", str(tmp_path / "missing.yaml"))
    assert result.code == 2 and "does not exist" in result.stderr


def test_without_a_plan_the_detected_default_runs(make_repo, cli) -> None:
    root = make_repo(
        {
            "README.md": "# svc\n",
            ".gitignore": ".venv/\n",
            "app.py": "print('hi')\n",
            "tests/test_app.py": "def test_ok():\n    assert True\n",
            "Dockerfile": "FROM python:latest\n",
            "docker-compose.yml": "services: {}\n",
            ".github/workflows/ci.yml": "on: push\njobs: {}\n",
        }
    )
    result = cli("check", str(root), "--format", "json")
    report = json.loads(result.stdout)
    gates = [g["id"] for g in report["gates"]]
    assert gates[:5] == ["ops", "python", "docker", "compose", "github-actions"]
    by_id = {c["id"]: c for c in report["checks"]}
    assert by_id["dockerfile"]["status"] == "fail"
    rules = sorted((f["rule"], f["path"], f["line"]) for f in by_id["dockerfile"]["findings"])
    assert rules == [
        ("dockerfile.root-user", "Dockerfile", 1),
        ("dockerfile.unpinned-base", "Dockerfile", 1),
    ]
    assert by_id["python-syntax"]["status"] == "pass"
    assert by_id["readme"]["status"] == "pass"


def test_init_writes_a_commented_plan_that_loads(make_repo, cli) -> None:
    root = make_repo({"README.md": "# x\n", "app.py": "x = 1\n"})
    result = cli("init", str(root))
    assert result.code == 0, result.stderr
    text = (root / "gonogo.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=.gonogo/plan.schema.json\n")
    assert "\n# gonogo readiness plan" in text
    assert "# python.syntax: Every Python file parses for the Python version" in text
    assert cli("init", str(root)).code == 2  # refuses to overwrite
    checked = cli("check", str(root), "--format", "json")
    assert checked.code == 1, checked.stderr  # no CI workflow yet: the written plan says NO-GO
    statuses = {c["id"]: c["status"] for c in json.loads(checked.stdout)["checks"]}
    assert statuses["python-syntax"] == "pass"
    assert statuses["readme"] == "pass"


def test_explain_lists_and_describes_kinds(cli) -> None:
    listing = cli("explain")
    assert "file.exists" in listing.stdout and "command" in listing.stdout
    detail = cli("explain", "command")
    assert detail.code == 0
    assert "Params:" in detail.stdout and "run:" in detail.stdout and "Example:" in detail.stdout
    wrong = cli("explain", "comand")
    assert wrong.code == 2 and "did you mean 'command'?" in wrong.stderr


def test_schema_validates_real_plans_and_rejects_bad_ones(cli) -> None:
    schema = json.loads(cli("schema").stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    assert not list(validator.iter_errors(yaml.safe_load(PLAN)))
    example = yaml.safe_load((Path(__file__).parents[2] / "examples/gonogo.yaml").read_text())
    assert not list(validator.iter_errors(example))
    bad = yaml.safe_load(PLAN.replace("executable: true", "executabel: true"))
    assert list(validator.iter_errors(bad))


def test_version_is_fast_path(cli) -> None:
    result = cli("--version")
    assert result.code == 0 and result.stdout.startswith("gonogo ")


def test_ctrl_c_writes_a_partial_report_and_exits_130(make_repo) -> None:
    plan = (
        "gates:\n  - id: g\n    checks:\n"
        "      - {id: quick, kind: file.exists, path: README.md}\n"
        "      - {id: slow, kind: command, run: [sleep, '30'], timeout: 1m}\n"
    )
    root = make_repo({"gonogo.yaml": plan, "README.md": "x\n"})
    proc = subprocess.Popen(
        [sys.executable, "-m", "gonogo", "check", str(root)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline and not _sleep_running(proc.pid):
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=20)
    assert proc.returncode == 130, err
    report = json.loads((root / ".gonogo/last.json").read_text())
    assert report["interrupted"] is True
    by_id = {c["id"]: c for c in report["checks"]}
    assert by_id["quick"]["status"] == "pass"
    assert by_id["slow"]["status"] == "error"
    assert by_id["slow"]["message"] == "interrupted before it finished"
    assert not _sleep_running(proc.pid)


def _sleep_running(parent: int) -> bool:
    out = subprocess.run(["ps", "-eo", "pid,ppid,pgid,args"], capture_output=True, text=True)
    return any(
        line.split()[3:] == ["sleep", "30"]
        for line in out.stdout.splitlines()[1:]
        if len(line.split()) >= 5
    )


def test_checks_reference_is_generated_from_the_probe_docs(cli) -> None:
    """docs/checks.md is data rendered from the code: regenerate it with
    `gonogo explain --markdown > docs/checks.md` when a probe's doc or params change."""
    committed = (Path(__file__).parents[2] / "docs/checks.md").read_text()
    assert cli("explain", "--markdown").stdout == committed
