"""The shipped integrations, run for real: the composite action's command line (the step
script from action.yml, with its inputs as environment variables) and the pre-commit
hook through `pre-commit try-repo` (which installs gonogo from this checkout)."""

from __future__ import annotations

import json
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


def _step_env(step: dict[str, Any], inputs: dict[str, str], runner_temp: Path) -> dict[str, str]:
    """Resolve the step's `${{ inputs.X }}` and `${{ runner.temp }}` as the runner would."""
    defaults = {k: str(v.get("default", "")) for k, v in _action()["inputs"].items()}
    values = {**defaults, **inputs}
    env = {}
    for name, expr in step.get("env", {}).items():
        text = str(expr).replace("${{ runner.temp }}", str(runner_temp))
        match = re.fullmatch(r"\$\{\{\s*inputs\.(\w+)\s*\}\}", text)
        assert match or "${{" not in text, f"{name}: only inputs reach the check step, got {expr}"
        env[name] = values[match.group(1)] if match else text
    return env


def _run_action(
    repo: Path, tmp: Path, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], Path, Path]:
    step = next(s for s in _action()["runs"]["steps"] if s.get("id") == "check")
    assert step["shell"] == "bash"
    assert "${{" not in step["run"], "inputs must reach the script as variables, not text"
    output, summary = tmp / "github-output", tmp / "step-summary.md"
    runner_temp = tmp / "runner-temp"
    runner_temp.mkdir()
    # the install step's cached environment: here, the test run's own
    (runner_temp / "gonogo-venv").symlink_to(Path(sys.executable).parent.parent)
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "NO_COLOR": "1",
        **_step_env(step, inputs, runner_temp),
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
    sarif = json.loads((repo / "gonogo.sarif").read_text())  # the `sarif` input's default
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["file.forbidden-pattern"]


def test_the_action_runs_the_chosen_gates(make_repo: Callable[..., Path], tmp_path: Path) -> None:
    repo = make_repo(FILES)
    proc, output, _ = _run_action(
        repo, tmp_path, gate="build", format="junit", output="out/gonogo.xml", args="--jobs 2"
    )
    assert proc.returncode == 0, proc.stderr
    assert output.read_text().splitlines() == [
        "verdict=GO",
        "report=out/gonogo.xml",
        "sarif=gonogo.sarif",
        "junit=",
    ]
    assert '<testsuite name="build"' in (repo / "out" / "gonogo.xml").read_text()


def test_the_action_installs_its_own_python_and_caches_the_environment() -> None:
    python, cache, install = _action()["runs"]["steps"][:3]
    assert python["uses"] == "actions/setup-python@v5"
    assert python["with"]["update-environment"] is False  # the job's own Python is untouched
    assert cache["uses"] == "actions/cache@v4"
    assert cache["with"]["path"] == "${{ runner.temp }}/gonogo-venv"
    assert install["if"] == "steps.cache.outputs.cache-hit != 'true'"
    assert install["env"]["GONOGO_PYTHON"] == "${{ steps.python.outputs.python-path }}"
    assert '"$GONOGO_VENV/bin/pip" install --quiet "$GONOGO_ACTION_PATH"' in install["run"]


def test_the_action_also_writes_junit_when_asked(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    repo = make_repo(FILES)
    proc, output, _ = _run_action(repo, tmp_path, junit="reports/gonogo.xml", sarif="")
    assert proc.returncode == 1, proc.stderr
    assert "junit=reports/gonogo.xml" in output.read_text().splitlines()
    assert (
        '<testcase name="gate verdict" classname="ship"'
        in (repo / "reports" / "gonogo.xml").read_text()
    )
    assert not (repo / "gonogo.sarif").exists()


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


def test_the_built_wheel_installs_as_a_tool_and_runs(
    make_repo: Callable[..., Path], tmp_path: Path
) -> None:
    """`uv tool install` from the wheel `uv build` makes: templates and migrations are in
    it, and the installed command runs a check (HTML report, history) outside the checkout."""
    import shutil
    import zipfile

    uv = shutil.which("uv")
    if uv is None:
        services.unavailable("uv is not on PATH; it builds and installs the wheel")
    env = {
        **os.environ,
        "UV_TOOL_DIR": str(tmp_path / "tools"),
        "UV_TOOL_BIN_DIR": str(tmp_path / "bin"),
        "UV_PYTHON_DOWNLOADS": "never",
    }
    dist = tmp_path / "dist"
    build = [uv, "build", "--wheel", "-q", "-o", str(dist), str(REPO)]
    subprocess.run(build, env=env, check=True, capture_output=True, timeout=300)
    (wheel,) = dist.glob("gonogo-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {
        "gonogo/report/templates/report.html.j2",
        "gonogo/store/migrations/env.py",
        "gonogo/store/migrations/versions/0001_runs.py",
        "gonogo/py.typed",
    } <= names
    assert not [n for n in names if "__pycache__" in n]
    pins = tmp_path / "pins.txt"
    export = [uv, "export", "--frozen", "--no-dev", "--no-hashes", "--no-emit-project", "-q"]
    subprocess.run([*export, "-o", str(pins)], cwd=REPO, env=env, check=True, timeout=120)
    install = [uv, "tool", "install", "-q", "-c", str(pins), "--python", sys.executable, str(wheel)]
    done = subprocess.run(install, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0 and "network" in done.stderr.lower():
        services.unavailable(f"uv could not fetch gonogo's dependencies: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr
    gonogo = tmp_path / "bin" / "gonogo"
    repo = make_repo({"README.md": "x\n"})
    report = tmp_path / "report.html"
    run = subprocess.run(
        [str(gonogo), "check", str(repo), "--format", "html", "-o", str(report)],
        cwd=tmp_path,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 1, run.stderr  # no CI workflow: NO-GO
    assert "NO-GO" in report.read_text()
    history = subprocess.run(
        [str(gonogo), "history", str(repo)], capture_output=True, text=True, timeout=60
    )
    assert history.returncode == 0, history.stderr
    assert "NO-GO" in history.stdout
