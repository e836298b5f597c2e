"""Run gonogo on a hostile input from outside: a real subprocess under a hard outer limit.

The limit is generous (the check's own timeout plus `MARGIN_S`), so CI noise cannot
flake it; what it catches is a run that does not end at all. The peak RSS is gonogo's
own (VmHWM, polled). Shared by `tests/hostile/` and `benchmarks/hostile.py`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

MARGIN_S = 30.0


@dataclass(frozen=True, slots=True)
class Ran:
    code: int | None  # None: still running at the outer limit (killed there)
    stdout: str
    stderr: str
    elapsed_s: float
    peak_rss_mb: float

    @property
    def hung(self) -> bool:
        return self.code is None


def run_gonogo(*args: str, cwd: Path, limit_s: float, env: dict[str, str] | None = None) -> Ran:
    """`gonogo ARGS` in its own session, killed (with everything in that session) at
    `limit_s`. Output goes to files, so a leaked descendant holding a pipe cannot hang
    the harness itself."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-m", "gonogo", *args],
            cwd=cwd,
            env=full_env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=True,
        )
        pid = proc.pid
        code, rss_kb = _wait(pid, t0 + limit_s)
        proc.returncode = -1 if code is None else code  # reaped here, by wait4
        elapsed = time.monotonic() - t0
        out.seek(0)
        err.seek(0)
        return Ran(
            code,
            out.read().decode(errors="replace"),
            err.read().decode(errors="replace"),
            elapsed,
            rss_kb / 1024,
        )


def _wait(pid: int, deadline: float) -> tuple[int | None, int]:
    """Exit code (None: killed at the deadline) and peak RSS in KiB, polled from
    /proc (wait4's ru_maxrss would count the harness's own memory at fork time)."""
    peak = 0
    while True:
        peak = max(peak, _hwm_kb(pid))
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status), peak
        if time.monotonic() > deadline:
            kill_session(pid)
            os.waitpid(pid, 0)
            return None, peak
        time.sleep(0.01)


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration, ValueError):
        return 0


def kill_session(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rpartition(")")[2].split()[0] != "Z"
    except OSError:
        return False
