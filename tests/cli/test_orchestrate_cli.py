"""`gonogo orchestrate` as a user runs it: plan errors, dry run, usage errors, the lock,
and a SIGKILL in the middle of a run followed by `--resume`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gonogo.orchestrate.lock import LockHeld, OrchestratorLock

PY = sys.executable
CHECKS = (
    "gates:\n  - id: infra\n    checks:\n"
    "      - {id: compose-env, kind: file.exists, path: compose.yml}\n"
    "      - {id: no-secrets, kind: file.absent, path: .env}\n"
)


def write_plan(root: Path, text: str) -> Path:
    path = root / "gonogo.yaml"
    path.write_text("version: 1\n" + text)
    return path


@pytest.mark.parametrize(
    ("tasks", "field", "message"),
    [
        (
            "  - {id: a, run: [make], depends_on: [b]}\n"
            "  - {id: b, run: [make], depends_on: [a]}\n",
            "tasks[",
            "`depends_on` cycle: ",
        ),
        (
            "  - {id: harden, run: [make, harden], acceptance: [compose-envv]}\n",
            "tasks[0].acceptance[0]",
            "unknown check 'compose-envv' (did you mean 'compose-env'?)",
        ),
        (
            "  - {id: think, title: Think hard}\n",
            "tasks[0]",
            "a task needs `run`, `acceptance`, or both",
        ),
        (
            "  - {id: a, run: make harden}\n",
            "tasks[0]",
            "`run` is a string; write an argv list, or set `shell: true`",
        ),
    ],
    ids=["cycle", "unknown-acceptance", "no-work", "string-run"],
)
def test_bad_tasks_are_plan_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], tasks: str, field: str, message: str
) -> None:
    from gonogo.cli.main import main

    plan = write_plan(tmp_path, CHECKS + "tasks:\n" + tasks)
    assert main(["orchestrate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"gonogo: error: {plan}:")
    assert field in err
    assert message in err
    assert "Traceback" not in err
    assert not (tmp_path / ".gonogo").exists(), "nothing is written for a bad plan"


def test_dry_run_prints_order_and_runs_nothing(tmp_path: Path, cli: Callable[..., Any]) -> None:
    write_plan(
        tmp_path,
        CHECKS
        + "tasks:\n"
        + f"  - {{id: deploy, priority: P0, run: [{PY}, -c, \"open('x', 'w')\"], "
        "depends_on: [harden]}\n"
        + "  - {id: harden, priority: P1, run: [make, harden], acceptance: [compose-env]}\n"
        + "  - {id: cleanup, priority: P2, run: [rm, .env], shell: false}\n",
    )
    res = cli("orchestrate", str(tmp_path), "--dry-run")
    assert res.code == 0, res.stderr
    lines = [ln for ln in res.stdout.splitlines() if ln[:5].strip().rstrip(".").isdigit()]
    assert [ln.split()[2] for ln in lines] == ["harden", "deploy", "cleanup"]
    assert "run: `make harden`" in res.stdout
    assert "done when: compose-env pass" in res.stdout
    assert "after: harden" in res.stdout
    assert not (tmp_path / "x").exists()
    assert not (tmp_path / ".gonogo").exists()


@pytest.mark.parametrize(
    ("args", "message", "plan_read"),
    [
        (["--resume"], "--resume: no saved state at", True),
        (["--max-cycles", "3"], "--max-cycles needs --every", False),
        (["--every", "soon"], "--every: 'soon' is not a duration", False),
        (["--gate", "nope"], "--gate nope: no such gate", True),
        (["--task", "nope"], "--task nope: no such task", True),
        (["--resume", "--task", "harden"], "--resume continues the saved run", False),
    ],
)
def test_usage_errors(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
    plan_read: bool,
) -> None:
    """Options are checked before the plan is read; the plan line comes first when it is."""
    from gonogo.cli.main import main

    write_plan(
        tmp_path, CHECKS + "tasks:\n  - {id: harden, run: [make], acceptance: [compose-env]}\n"
    )
    assert main(["orchestrate", str(tmp_path), *args]) == 2
    err = capsys.readouterr().err
    *status, error = err.splitlines()
    assert status == ([f"gonogo: plan: {tmp_path / 'gonogo.yaml'}"] if plan_read else [])
    assert error.startswith("gonogo: error: ")
    assert message in error
    assert not (tmp_path / ".gonogo" / "orchestrate.json").exists()


def test_second_lock_is_refused_and_a_dead_holder_is_stale(tmp_path: Path) -> None:
    path = tmp_path / ".gonogo" / "orchestrate.lock"
    with OrchestratorLock(path) as first:
        assert first.acquire("t0") is None
        with pytest.raises(LockHeld, match=rf"pid {os.getpid()} on .* holds {path}"):
            OrchestratorLock(path).acquire("t1")
    # released cleanly: the next holder finds no stale owner
    with OrchestratorLock(path) as again:
        assert again.acquire("t2") is None
    dead = subprocess.Popen([PY, "-c", "pass"])
    dead.wait()
    holder = json.loads('{"pid": 0, "host": "", "started_at": "yesterday"}')
    holder.update(pid=dead.pid, host=os.uname().nodename)
    path.write_text(json.dumps(holder))
    with OrchestratorLock(path) as taker:
        stale = taker.acquire("t3")
        assert stale is not None
        assert stale.pid == dead.pid
        assert not stale.alive()
        assert json.loads(path.read_text())["pid"] == os.getpid()


def _wait_for(
    predicate: Callable[[], bool], child: subprocess.Popen[Any], timeout: float = 30
) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if child.poll() is not None:
            _, err = child.communicate()
            raise AssertionError(f"orchestrator exited {child.returncode}: {err.decode()}")
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting for the orchestrator")
        time.sleep(0.05)


SLOW = """\
import os, pathlib, time
open("runs.log", "a").write("slow ")
pathlib.Path("slow.pid").write_text(str(os.getpid()))
while not pathlib.Path("release").exists():
    time.sleep(0.05)
pathlib.Path("slow.done").write_text("1")
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False


def _wait_until(predicate: Callable[[], bool], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def _crash_plan(root: Path) -> None:
    (root / "slow.py").write_text(SLOW)
    write_plan(
        root,
        "defaults: {backoff: 10ms, backoff_max: 20ms}\n"
        "gates:\n  - id: g\n    checks:\n"
        "      - {id: first-ok, kind: file.exists, path: first.done}\n"
        "      - {id: slow-ok, kind: file.exists, path: slow.done}\n"
        "tasks:\n"
        f"  - {{id: first, priority: P0, acceptance: [first-ok], run: [{PY}, -c, "
        "\"open('runs.log', 'a').write('first '); open('first.done', 'w').write('1')\"]}\n"
        f"  - {{id: bad, priority: P1, retries: 0, run: [{PY}, -c, "
        "\"open('runs.log', 'a').write('bad '); raise SystemExit(9)\"]}\n"
        f"  - {{id: slow, priority: P2, depends_on: [first], acceptance: [slow-ok], "
        f"run: [{PY}, slow.py]}}\n",
    )


def test_sigkill_then_resume(tmp_path: Path, cli: Callable[..., Any]) -> None:
    _crash_plan(tmp_path)
    gonogo = tmp_path / ".gonogo"
    env = {**os.environ, "NO_COLOR": "1"}
    child = subprocess.Popen(
        [PY, "-m", "gonogo", "orchestrate", str(tmp_path), "-j", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    slow_pid = None
    try:
        _wait_for(
            lambda: (tmp_path / "slow.pid").exists() and (gonogo / "escalations.jsonl").exists(),
            child,
        )
        slow_pid = int((tmp_path / "slow.pid").read_text())
        busy = cli("orchestrate", str(tmp_path))
        assert busy.code == 2
        assert f"another `gonogo orchestrate` (pid {child.pid} on" in busy.stderr
        assert "wait for it to finish or stop it" in busy.stderr
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        # the task dies with the orchestrator (its supervisor gets a death signal)
        _wait_until(lambda: not _alive(slow_pid))
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if slow_pid is not None and _alive(slow_pid):  # the assertion above failed
            os.kill(slow_pid, signal.SIGKILL)
    state = json.loads((gonogo / "orchestrate.json").read_text())
    assert state["tasks"]["first"]["status"] == "done"
    assert state["tasks"]["bad"]["status"] == "escalated"
    assert state["tasks"]["slow"]["status"] == "running"

    (tmp_path / "release").write_text("go")
    res = cli("orchestrate", str(tmp_path), "--resume")
    assert res.code == 1, res.stderr  # `bad` stays escalated
    assert f"stale lock from pid {child.pid}" in res.stderr
    assert "no longer running" in res.stderr
    # finished and escalated tasks did not run again; the killed `slow` ran once more
    runs = sorted((tmp_path / "runs.log").read_text().split())
    assert runs == ["bad", "first", "slow", "slow"]
    state = json.loads((gonogo / "orchestrate.json").read_text())
    assert {k: v["status"] for k, v in state["tasks"].items()} == {
        "first": "done",
        "bad": "escalated",
        "slow": "done",
    }
    assert state["status"] == "finished"
    lines = (gonogo / "escalations.jsonl").read_text().splitlines()
    assert [json.loads(ln)["task_id"] for ln in lines] == ["bad"]
    assert len(state["escalations"]) == 1
    assert "✗ P1 bad" in res.stdout
    md = (gonogo / "progress.md").read_text()
    assert "**2/3 tasks done (67%)**" in md
    assert "| `bad` | P1 | 1 |" in md


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split(") ")[-1].startswith("Z")


def test_sigterm_stops_cleanly_and_resume_finishes(tmp_path: Path, cli: Callable[..., Any]) -> None:
    (tmp_path / "slow.py").write_text(SLOW)
    write_plan(
        tmp_path,
        "gates:\n  - id: g\n    checks:\n"
        "      - {id: slow-ok, kind: file.exists, path: slow.done}\n"
        f"tasks:\n  - {{id: slow, acceptance: [slow-ok], run: [{PY}, slow.py]}}\n",
    )
    child = subprocess.Popen(
        [PY, "-m", "gonogo", "orchestrate", str(tmp_path)],
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(lambda: (tmp_path / "slow.pid").exists(), child)
        slow_pid = int((tmp_path / "slow.pid").read_text())
        child.send_signal(signal.SIGTERM)
        out, _ = child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130
    assert "continue with: gonogo orchestrate --resume" in out
    _wait_for(lambda: _gone(slow_pid), child)
    state = json.loads((tmp_path / ".gonogo" / "orchestrate.json").read_text())
    assert state["status"] == "interrupted"
    assert state["tasks"]["slow"]["status"] == "pending"
    assert state["tasks"]["slow"]["attempts"] == 0  # an interrupted attempt does not count
    assert json.loads((tmp_path / ".gonogo" / "orchestrate.lock").read_text() or "null") is None

    (tmp_path / "release").write_text("go")
    res = cli("orchestrate", str(tmp_path), "--resume")
    assert res.code == 0, res.stderr
    assert "stale lock" not in res.stderr
    assert "✓ P2 slow" in res.stdout


def test_backoff_option_overrides_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import re

    from gonogo.cli.main import main

    write_plan(
        tmp_path,
        "defaults: {backoff: 1m, backoff_max: 1m}\ngates: []\n"
        f"tasks:\n  - {{id: nope, retries: 3, run: [{PY}, -c, 'raise SystemExit(1)']}}\n",
    )
    assert main(["orchestrate", str(tmp_path), "--backoff", "20ms"]) == 1
    captured = capsys.readouterr()
    delays = [float(d) for d in re.findall(r"retry in (\d+)ms", captured.err)]
    # exponential with jitter over the upper half: 10-20ms, 20-40ms, 40-80ms
    assert len(delays) == 3
    for n, d in enumerate(delays):
        assert 10 * 2**n <= d <= 20 * 2**n
    assert "✗ P2 nope" in captured.out


def test_resume_keeps_the_schedule_between_cycles(tmp_path: Path, cli: Callable[..., Any]) -> None:
    write_plan(
        tmp_path,
        "gates:\n  - id: g\n    checks:\n"
        "      - {id: fixed, kind: file.exists, path: fixed.txt}\n"
        f"tasks:\n  - {{id: fix, retries: 0, acceptance: [fixed], run: [{PY}, -c, 'pass']}}\n",
    )
    state_path = tmp_path / ".gonogo" / "orchestrate.json"

    def waiting() -> bool:
        try:
            return json.loads(state_path.read_text())["next_cycle_at"] is not None
        except (OSError, ValueError):
            return False

    child = subprocess.Popen(
        [PY, "-m", "gonogo", "orchestrate", str(tmp_path), "--every", "4s", "--max-cycles", "2"],
        env={**os.environ, "NO_COLOR": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for(waiting, child)
        child.send_signal(signal.SIGTERM)
        child.communicate(timeout=20)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    assert child.returncode == 130
    saved = json.loads(state_path.read_text())
    assert saved["cycle"] == 2
    due = saved["next_cycle_at"]
    assert "Next cycle at" in (tmp_path / ".gonogo" / "progress.md").read_text()

    (tmp_path / "fixed.txt").write_text("fixed by a human meanwhile")
    res = cli("orchestrate", str(tmp_path), "--resume")
    assert res.code == 0, res.stderr
    final = json.loads(state_path.read_text())
    import datetime as dt

    done_at = dt.datetime.fromisoformat(final["tasks"]["fix"]["updated_at"].replace("Z", "+00:00"))
    assert done_at.timestamp() >= due, "the resumed run waited for the saved next-cycle time"
    assert final["cycle"] == 2
    assert final["status"] == "finished"
    assert final["next_cycle_at"] is None
    assert final["tasks"]["fix"]["status"] == "done"
    lines = (tmp_path / ".gonogo" / "escalations.jsonl").read_text().splitlines()
    assert [json.loads(ln)["cycle"] for ln in lines] == [1]


def test_recorded_approvals_count_for_the_gate_verdict(make_repo, cli) -> None:
    plan = (
        "gates:\n  - id: ship\n    approvals: [lead]\n    checks:\n"
        "      - {id: built, kind: file.exists, path: out/built.txt, non_empty: false}\n"
        "tasks:\n  - {id: build, run: [touch, out/built.txt], acceptance: [built]}\n"
    )
    root = make_repo({"gonogo.yaml": plan, "out/.keep": ""})
    first = cli("orchestrate", str(root))
    assert first.code == 0, first.stderr
    progress = (root / ".gonogo/progress.md").read_text()
    assert "| ship | NO-GO |" in progress
    assert cli("approve", "ship", "--as", "lead", "--by", "ada", cwd=root).code == 0
    second = cli("orchestrate", str(root))
    assert second.code == 0, second.stderr
    assert "| ship | GO |" in (root / ".gonogo/progress.md").read_text()
