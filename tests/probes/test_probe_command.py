"""`command`: argv vs shell, expectations, missing programs, timeouts that kill the whole
process group, capped output, and a clean environment whose secrets stay out of reports."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.models import CheckResult, GitInfo, Status
from gonogo.plan.loader import parse_plan
from gonogo.probes.command import OUTPUT_CAP
from gonogo.probes.registry import BUILTIN

PY = sys.executable
BASE_ENV = {"PATH": os.environ.get("PATH", os.defpath), "HOME": os.environ.get("HOME", "/")}
PASS, FAIL, ERROR = Status.PASS, Status.FAIL, Status.ERROR


def run_checks(
    root: Path, checks: list[dict[str, Any]], environ: dict[str, str] | None = None
) -> dict[str, CheckResult]:
    """Load `checks` as a one-gate plan and run it; results by check id."""
    plan = parse_plan(json.dumps({"gates": [{"id": "g", "checks": checks}]}), BUILTIN)
    options = RunOptions(environ={**BASE_ENV, **(environ or {})}, git=GitInfo())
    report = asyncio.run(run_plan(plan, root, BUILTIN, options))
    return {c.check_id: c for c in report.checks}


def run_one(root: Path, environ: dict[str, str] | None = None, **check: Any) -> CheckResult:
    return run_checks(root, [{"id": "c", "kind": "command", **check}], environ)["c"]


# --- argv, shell, expectations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("check", "status", "message"),
    [
        ({"run": [PY, "-c", "print('ok')"]}, PASS, "exited 0"),
        ({"run": [PY, "-c", "import sys; sys.exit(3)"]}, FAIL, "exited 3; expected 0"),
        ({"run": [PY, "-c", "import sys; sys.exit(3)"], "expect": {"exit": 3}}, PASS, "exited 3"),
        ({"run": [PY, "-c", "raise SystemExit(4)"], "expect": {"exit": [0, 4]}}, PASS, "exited 4"),
        ({"run": [PY, "-c", "raise SystemExit(5)"], "expect": {"exit": [0, 4]}}, FAIL,
         "expected [0, 4]"),
        ({"run": [PY, "-c", "import sys; sys.stderr.write('boom: disk full\\n'); sys.exit(1)"]},
         FAIL, "exited 1; expected 0: boom: disk full"),
        ({"run": [PY, "-c", "print('12 passed')"], "expect": {"stdout": r"^\d+ passed$"}}, PASS,
         "exited 0"),
        ({"run": [PY, "-c", "print('1 failed')"], "expect": {"stdout": "passed"}}, FAIL,
         "stdout does not match /passed/"),
        ({"run": [PY, "-c", "import sys; sys.stderr.write('warn')"], "expect": {"stderr": "^warn"}},
         PASS, "exited 0"),
        ({"run": [PY, "-c", "pass"], "expect": {"stderr": "warn"}}, FAIL,
         "stderr does not match /warn/"),
        ({"run": "echo one two | tr a-z A-Z", "shell": True, "expect": {"stdout": "^ONE TWO$"}},
         PASS, "`echo one two | tr a-z A-Z` exited 0"),
        ({"run": ["echo", "one | tr a-z A-Z"], "expect": {"stdout": r"^one \| tr"}}, PASS,
         "exited 0"),  # an argv list is never given to a shell
        ({"run": "exit 7", "shell": True}, FAIL, "exited 7"),
        ({"run": ["no-such-program-gonogo"]}, ERROR,
         "program 'no-such-program-gonogo' not found on PATH"),
        ({"run": ["./data.txt"]}, ERROR, "'./data.txt' is not executable"),
        ({"run": [PY, "-c", "import os; print(os.getcwd())"], "cwd": "sub",
          "expect": {"stdout": "/sub$"}}, PASS, "exited 0"),
        ({"run": [PY, "-c", "pass"], "cwd": "out"}, ERROR, "cwd out is outside the project root"),
    ],
)  # fmt: skip
def test_command(tmp_path: Path, check: dict[str, Any], status: Status, message: str) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "out").symlink_to(tmp_path.parent)  # `..` itself is a plan error
    (tmp_path / "data.txt").write_text("not a program\n")
    result = run_one(tmp_path, **check)
    assert result.status is status, result.message
    assert message in result.message


def test_evidence_holds_exit_code_and_output_tails(tmp_path: Path) -> None:
    code = "import sys\nfor i in range(50): print('line', i)\nsys.stderr.write('E\\n')\nsys.exit(2)"
    result = run_one(tmp_path, run=[PY, "-c", code])
    assert result.evidence["exit"] == 2
    tail = result.evidence["stdout_tail"].splitlines()
    assert (len(tail), tail[-1]) == (20, "line 49")
    assert result.evidence["stderr_tail"] == "E"
    assert "truncated" not in result.evidence


def test_string_run_without_shell_is_a_plan_error(
    make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    plan = "gates:\n  - id: g\n    checks:\n      - id: deploy\n        kind: command\n"
    plan += '        run: "make deploy"\n'
    root = make_repo({"gonogo.yaml": plan})
    res = cli("check", cwd=root)
    assert res.code == 2
    assert "gonogo.yaml:6:" in res.stderr  # the `run:` line
    assert "gates[0].checks[0].run" in res.stderr
    assert "shell: true" in res.stderr
    assert "Traceback" not in res.stderr
    assert not (root / ".gonogo" / "last.json").exists()


# --- timeouts kill the process group ----------------------------------------------------------


def _alive(pid: int) -> bool:
    """True while `pid` runs; a zombie nobody reaped yet has finished running."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_timeout_kills_children_and_grandchildren(tmp_path: Path) -> None:
    pidfile = tmp_path / "grandchild.pid"
    spawn = (
        "import subprocess, sys, time\n"
        "p = subprocess.Popen(['sleep', '60'])\n"
        f"open({str(pidfile)!r}, 'w').write(str(p.pid))\n"
        "time.sleep(60)\n"
    )
    t0 = time.monotonic()
    result = run_one(tmp_path, run=[PY, "-c", spawn], timeout="1s")
    assert result.status is ERROR
    assert "timed out after 1.0s" in result.message
    assert time.monotonic() - t0 < 30
    pid = int(pidfile.read_text())
    deadline = time.monotonic() + 5
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(pid), f"grandchild {pid} survived the timeout"


# --- capped output ----------------------------------------------------------------------------


def test_stdout_over_one_mib_is_capped_and_noted(tmp_path: Path) -> None:
    code = "import sys\nsys.stdout.write('x' * (3 * 1024 * 1024) + '\\nEND\\n')"
    result = run_one(tmp_path, run=[PY, "-c", code], expect={"stdout": "END"})
    assert result.status is FAIL  # the tail past the cap was not kept, so END is not seen
    assert result.evidence["truncated"] == f"output capped at {OUTPUT_CAP} bytes per stream"
    assert OUTPUT_CAP == 1024 * 1024
    assert 0 < len(result.evidence["stdout_tail"]) <= 4096  # the report stays small


def test_output_under_the_cap_is_whole(tmp_path: Path) -> None:
    code = "import sys\nsys.stdout.write('x' * (OUT - 10) + '\\nEND\\n')".replace(
        "OUT", str(OUTPUT_CAP)
    )
    result = run_one(tmp_path, run=[PY, "-c", code], expect={"stdout": "^END$"})
    assert result.status is PASS
    assert "truncated" not in result.evidence


# --- a clean, explicit environment ------------------------------------------------------------

DUMP_ENV = [PY, "-c", "import json, os; print(json.dumps(dict(os.environ)))"]


def test_environment_is_clean_unless_passed(tmp_path: Path) -> None:
    environ = {"GONOGO_TEST_LEAK": "from-gonogo", "LANG": "C.UTF-8"}
    plain = run_one(tmp_path, environ, run=DUMP_ENV)
    seen = json.loads(plain.evidence["stdout_tail"])
    assert "GONOGO_TEST_LEAK" not in seen
    assert seen["PATH"] == BASE_ENV["PATH"]
    assert seen["LANG"] == "C.UTF-8"

    passed = run_one(tmp_path, environ, run=DUMP_ENV, pass_env=["GONOGO_TEST_LEAK", "UNSET_X"])
    seen = json.loads(passed.evidence["stdout_tail"])
    assert seen["GONOGO_TEST_LEAK"] == "***"  # passed, and its value masked in the report
    assert "UNSET_X" not in seen


def test_env_values_are_expanded_and_their_secrets_redacted(tmp_path: Path) -> None:
    secret = "s3cr3t-Token-9f8e7d"
    environ = {"DEPLOY_TOKEN": secret}
    env = {
        "TOKEN": "${DEPLOY_TOKEN}",
        "MODE": "${MODE:-staging}",
        "URL": "https://x/${DEPLOY_TOKEN}",
    }
    code = (
        "import os, sys\n"
        "print(os.environ['MODE'], os.environ['TOKEN'] == os.environ['URL'].rsplit('/', 1)[1])\n"
        "print('token is', os.environ['TOKEN'])\n"
        "sys.stderr.write('auth failed for ' + os.environ['TOKEN'] + '\\n')\n"
        "sys.exit(1)\n"
    )
    result = run_one(tmp_path, environ, run=[PY, "-c", code], env=env)
    assert result.status is FAIL
    assert result.evidence["stdout_tail"] == "staging True\ntoken is ***"
    assert result.evidence["stderr_tail"] == "auth failed for ***"
    assert result.message.endswith("auth failed for ***")
    assert secret not in json.dumps(result.to_dict())


def test_env_naming_an_unset_variable_is_an_error(tmp_path: Path) -> None:
    result = run_one(tmp_path, run=[PY, "-c", "pass"], env={"TOKEN": "${GONOGO_NOT_SET_ANYWHERE}"})
    assert result.status is ERROR
    assert "GONOGO_NOT_SET_ANYWHERE is not set" in result.message


def test_secret_redacted_in_the_written_report(
    make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    plan = (
        "gates:\n  - id: g\n    checks:\n"
        "      - id: leak\n        kind: command\n"
        f"        run: [{json.dumps(PY)}, -c, \"import os; print('key=' + os.environ['K'])\"]\n"
        "        env: {K: '${GONOGO_TEST_API_KEY}'}\n"
    )
    root = make_repo({"gonogo.yaml": plan})
    secret = "api-key-5d41402abc4b2a76"
    res = cli("check", cwd=root, env={"GONOGO_TEST_API_KEY": secret})
    assert res.code == 0, res.stderr
    report = (root / ".gonogo" / "last.json").read_text()
    assert json.loads(report)["checks"][0]["evidence"]["stdout_tail"] == "key=***"
    assert secret not in report
    assert secret not in (root / ".gonogo" / "last.md").read_text()
    assert secret not in res.stdout + res.stderr


def test_variables_in_arguments_are_expanded_and_masked(tmp_path: Path) -> None:
    environ = {"DEPLOY_URL": "https://deploy.internal/x9Kq2", "STAGE": "blue"}
    run = [PY, "-c", "import sys; print(sys.argv[1:])", "${DEPLOY_URL}/health", "${STAGE:-x}"]
    result = run_one(tmp_path, environ, run=run)
    assert result.status is PASS
    assert result.evidence["stdout_tail"] == "['***/health', 'blue']"  # ≥ 6 characters: masked
    missing = run_one(tmp_path, {}, run=[PY, "-c", "pass", "${DEPLOY_URL}"])
    assert missing.status is ERROR
    assert missing.message.endswith(": environment variable DEPLOY_URL is not set")
    shell = run_one(tmp_path, environ, run="echo '${STAGE}'", shell=True)
    assert shell.evidence["stdout_tail"] == "${STAGE}"  # a shell line is never pasted into
