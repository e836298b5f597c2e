"""After `kill -9` of `gonogo orchestrate`, no task process lives on (not even one that
left its session), and `--resume` ends a task process recorded as running before it
runs the task again."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from harness import alive, run_gonogo

from gonogo.proc import end_process

pytestmark = pytest.mark.slow
PY = sys.executable

# The task forks a child that leaves the session; both write their pids, then wait.
TASK = """\
import os, pathlib, sys, time
open("runs.log", "a").write("work ")
if pathlib.Path("release").exists():
    pathlib.Path("work.done").write_text("1")
    sys.exit(0)
if os.fork() == 0:
    os.setsid()
    pathlib.Path("escaped.pid").write_text(str(os.getpid()))
    time.sleep(300)
    os._exit(0)
pathlib.Path("task.pid").write_text(str(os.getpid()))
time.sleep(300)
"""

PLAN = (
    "gates:\n  - id: g\n    checks:\n"
    "      - {id: work-ok, kind: file.exists, path: work.done}\n"
    "tasks:\n"
    f"  - {{id: work, acceptance: [work-ok], timeout: 10m, run: [{PY}, task.py]}}\n"
)


def _project(root: Path) -> Path:
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    (root / "task.py").write_text(TASK)
    (root / "gonogo.yaml").write_text(PLAN)
    return root


def _wait_until(predicate: Callable[[], bool], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def _pids(root: Path) -> list[int]:
    return [int((root / f).read_text()) for f in ("task.pid", "escaped.pid")]


def test_task_processes_die_with_a_killed_orchestrator(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    env = {**os.environ, "NO_COLOR": "1"}
    child = subprocess.Popen(
        [PY, "-m", "gonogo", "orchestrate", str(root)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    pids: list[int] = []
    try:
        assert _wait_until(lambda: (root / "task.pid").exists() and (root / "escaped.pid").exists())
        pids = _pids(root)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert _wait_until(lambda: not any(alive(p) for p in pids), timeout=10), [
            p for p in pids if alive(p)
        ]
    finally:
        for pid in [child.pid, *pids]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    state = json.loads((root / ".gonogo/orchestrate.json").read_text())
    assert state["tasks"]["work"]["status"] == "running"

    (root / "release").write_text("go")
    ran = run_gonogo("orchestrate", "--resume", str(root), cwd=root, limit_s=60)
    assert ran.code == 0, ran.stderr
    assert (root / "runs.log").read_text().split() == ["work", "work"]


def test_resume_ends_a_task_process_recorded_as_running(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    (root / "release").write_text("go")
    assert run_gonogo("orchestrate", str(root), cwd=root, limit_s=60).code == 0
    leftover = subprocess.Popen([PY, "-c", "import time; time.sleep(300)"], start_new_session=True)
    try:
        path = root / ".gonogo/orchestrate.json"
        state = json.loads(path.read_text())
        record = {"status": "running", "pid": leftover.pid, "pid_start": _start_time(leftover.pid)}
        state["tasks"]["work"].update(record)
        path.write_text(json.dumps(state))
        ran = run_gonogo("orchestrate", "--resume", str(root), cwd=root, limit_s=60)
        assert ran.code == 0, ran.stderr
        assert (
            f"task work: its process {leftover.pid} from the interrupted run was still "
            "running; ended it before running the task again"
        ) in ran.stdout + ran.stderr
        assert leftover.wait(timeout=10) == -signal.SIGTERM
    finally:
        if leftover.poll() is None:
            leftover.kill()
            leftover.wait()


def test_a_reused_pid_is_never_ended(tmp_path: Path) -> None:
    other = subprocess.Popen([PY, "-c", "import time; time.sleep(300)"], start_new_session=True)
    try:
        started = _start_time(other.pid)
        wrong = str(int(started) - 1)  # the recorded process started at another time
        assert asyncio.run(end_process(other.pid, wrong, grace_s=0.1)) is False
        assert other.poll() is None
        assert asyncio.run(end_process(other.pid, started, grace_s=5)) is True
        assert other.wait(timeout=10) == -signal.SIGTERM
    finally:
        if other.poll() is None:
            other.kill()
            other.wait()


def _start_time(pid: int) -> str:
    with open(f"/proc/{pid}/stat") as fh:
        return fh.read().rpartition(")")[2].split()[19]
