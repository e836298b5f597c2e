"""The shipped integrations, run for real: the composite action's command line (the step
script from action.yml, with its inputs as environment variables) and the pre-commit
hook through `pre-commit try-repo` (which installs gonogo from this checkout)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

import services

REPO = Path(__file__).resolve().parents[1]
PLAN = """\
version: 1
project: shop
gates:
  - id: build
    checks:
      - {id: readme, kind: file.exists, path: README.md}
  - id: ship
    checks:
      - {id: no-secret, kind: file.not_contains, path: "*.py", pattern: "password ="}
"""
FILES = {"gonogo.yaml": PLAN, "README.md": "# shop\n", "app.py": "password = 'x'\n"}


def _action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text())
    return data


def _step_env(step: dict[str, Any], inputs: dict[str, str]) -> dict[str, str]:
    """Resolve the step's `${{ inputs.X }}` the way the runner would."""
    defaults = {k: str(v.get("default", "")) for k, v in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = {}
    for name, expr in step.get("env", {}).items():
        match = re.fullmatch(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", str(expr))
        assert match, f"{name}: only inputs are passed to the check step, got {expr}"
        env[name] = values[match.group(1)]
    return env


def _run_action(
    repo: Path, tmp: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "check")
    assert step["shell"] == "bash"
    assert "${{" not in step["run"], "inputs must reach the script as variables, not text"
    output, summary = tmp / "github-output", tmp / "step-summary.md"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "NO_COLOR": "1",
        **_step_env(step, inputs),
    }
    proc = subprocess.run(
        ["bash", "-c", step["run"]], cwd=repo, env=env, capture_output=True, text=True, timeout=300
    )
    return proc, output, summary


def test_the_action_fails_the_step_on_no_go(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo(FILES)
    proc, output, summary = _run_action(repo, tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert "::warning file=app.py,line=1,title=gonogo no-secret (fail P2)::" in proc.stdout
    assert "verdict=NO-GO" in output.read_text()
    assert "**NO-GO**" in summary.read_text()
    assert "<!DOCTYPE html>" in (repo / "gonogo-report.html").read_text()


def test_the_action_runs_the_chosen_gates(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo(FILES)
    proc, output, _ = _run_action(
        repo, tmp_path, gate="build", format="junit", output="out/gonogo.xml", args="--jobs 2"
    )
    assert proc.returncode == 0, proc.stderr
    assert output.read_text().splitlines() == ["verdict=GO", "report=out/gonogo.xml"]
    assert '<testsuite name="build"' in (repo / "out" / "gonogo.xml").read_text()


def test_the_action_installs_from_its_own_checkout() -> None:
    install = _action()["runs"]["steps"][0]
    assert install["env"]["GONOGO_ACTION_PATH"] == "${{ github.action_path }}"
    assert 'pip install --quiet "$GONOGO_ACTION_PATH"' in install["run"]


def test_the_pre_commit_hook_runs_gonogo(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["gonogo"]
    tracked = ["git", "-C", str(REPO), "ls-files", "--error-unmatch", ".pre-commit-hooks.yaml"]
    if subprocess.run(tracked, capture_output=True, check=False).returncode:
        pytest.fail(".pre-commit-hooks.yaml must be committed for try-repo to see it")
    repo = make_repo(FILES)
    pre_commit = Path(sys.executable).parent / "pre-commit"
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "NO_COLOR": "1"}
    cmd = [str(pre_commit), "try-repo", str(REPO), "gonogo", "--all-files", "--verbose"]
    # One run: try-repo builds a fresh environment and installs gonogo from this checkout.
    run = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True, timeout=900)
    if "CalledProcessError" in run.stdout and "pip" in run.stdout:
        services.unavailable("pre-commit could not install gonogo's dependencies from PyPI")
    assert run.returncode == 1, run.stdout + run.stderr  # NO-GO stops the commit
    assert "gonogo readiness gate" in run.stdout
    assert "Failed" in run.stdout
    assert "no-secret" in run.stdout
    assert "NO-GO" in run.stdout
