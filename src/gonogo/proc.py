"""Child processes: argv only, their own session, capped output, killed on cancel.

Every program a check or task starts (a `command` check, the `git`, `bench` and
`python.api` probes, a secrets worker, an orchestrator task) goes through `run_process`,
so none can outlive its deadline or flood memory. (The file listing's short `git
ls-files` calls run in a thread through `subprocess`, with a timeout of their own.)

User programs run `contain`ed: on Linux through `gonogo.supervise`, a child subreaper
that dies with gonogo and kills the whole tree, session-escaping descendants included,
when the program exits, at the timeout, or when the answer is settled early. Output
is kept up to `cap` bytes a stream; the rest is read, counted and dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import signal
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

OUTPUT_CAP = 1024 * 1024
PIPE_GRACE_S = 2.0  # once the program has exited, how long its pipes may stay open
STOP_GRACE_S = 2.0  # how long the supervisor has to kill the tree before SIGKILL
_CHUNK = 1 << 20
_SUPERVISOR = str(Path(__file__).with_name("supervise.py"))
CAN_CONTAIN = sys.platform == "linux"

Feed = Callable[[asyncio.StreamWriter], Awaitable[None]]
"""Writes the child's standard input; it is closed when the feed returns."""
Settled = Callable[[str, bytes], bool]
"""Called once a stream ("stdout", "stderr") has more than `cap` bytes, with the bytes
kept: True when the check's answer can no longer change, and the program is stopped."""


@dataclass(frozen=True, slots=True)
class Completed:
    exit_code: int
    stdout: str
    stderr: str
    truncated: bool
    stopped: bool = False  # stopped early: `settled` said the answer could not change
    dropped: int = 0  # bytes read beyond the caps


@dataclass
class _Capture:
    buf: bytearray
    dropped: int = 0

    def text(self) -> str:
        return self.buf.decode(errors="replace")


async def run_process(
    argv: list[str],
    *,
    cwd: str,
    env: dict[str, str],
    cap: int = OUTPUT_CAP,
    feed: Feed | None = None,
    contain: bool = False,
    settled: Settled | None = None,
    started: Callable[[int], None] | None = None,
) -> Completed:
    """Run `argv` in its own session; on cancellation everything it started is killed.

    Standard input is empty unless `feed` writes it, which it does while the output is
    read, so a child may answer as its input arrives. `started` gets the pid gonogo
    started (the supervisor's, when contained) as soon as it runs.
    """
    supervised = contain and CAN_CONTAIN
    cmd = _supervised(argv, cwd, env) if supervised else argv
    proc = await asyncio.create_subprocess_exec(
        *cmd,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE if feed else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
        limit=_CHUNK,
    )
    try:
        return await _collect(proc, supervised, cap, feed, settled, started)
    finally:
        transport: Any = getattr(proc, "_transport", None)
        if transport is not None:  # closed here, not by the garbage collector later
            transport.close()


async def _collect(
    proc: asyncio.subprocess.Process,
    supervised: bool,
    cap: int,
    feed: Feed | None,
    settled: Settled | None,
    started: Callable[[int], None] | None,
) -> Completed:
    out, err = _Capture(bytearray()), _Capture(bytearray())
    stopped = False

    def full(name: str, capture: _Capture) -> None:
        nonlocal stopped
        if settled is not None and not stopped and settled(name, bytes(capture.buf)):
            stopped = True
            _stop(proc.pid, supervised)

    assert proc.stdout is not None
    assert proc.stderr is not None
    reading = asyncio.gather(
        _read(proc.stdout, out, cap, lambda: full("stdout", out)),
        _read(proc.stderr, err, cap, lambda: full("stderr", err)),
        _feed(proc.stdin, feed),
    )
    try:
        if started is not None:
            started(proc.pid)
        code = await proc.wait()
        kill_group(proc.pid)  # orphans that kept running after the leader exited
        await _drain(reading)
    except BaseException:
        await asyncio.shield(_end(proc, supervised, reading))
        raise
    dropped = out.dropped + err.dropped
    return Completed(code, out.text(), err.text(), dropped > 0, stopped, dropped)


def _supervised(argv: list[str], cwd: str, env: dict[str, str]) -> list[str]:
    program = _program(argv[0], cwd, env.get("PATH", os.defpath))
    return [sys.executable, "-I", "-S", _SUPERVISOR, str(os.getpid()), program, *argv]


def _program(name: str, cwd: str, path: str) -> str:
    """The file `name` runs as (execvp's search, from the child's `cwd`); raises the
    FileNotFoundError or PermissionError starting it directly would."""
    if "/" in name:
        candidates = [os.path.join(cwd, name)]
    else:
        candidates = [os.path.join(cwd, folder or ".", name) for folder in path.split(os.pathsep)]
    denied = ""
    for candidate in candidates:
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
        if os.path.exists(candidate):
            denied = denied or candidate
    if denied:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), denied)
    raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), name)


async def _drain(reading: asyncio.Future[Any]) -> None:
    """The rest of the output, for at most PIPE_GRACE_S: a descendant that escaped
    every kill (no supervisor here) must not hold the check open."""
    try:
        await asyncio.wait_for(asyncio.shield(reading), PIPE_GRACE_S)
    except TimeoutError:
        reading.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reading


async def _end(proc: asyncio.subprocess.Process, supervised: bool, reading: Any) -> None:
    """Stop the program and its tree, reap it, and stop reading its pipes."""
    _stop(proc.pid, supervised)
    try:
        await asyncio.wait_for(proc.wait(), STOP_GRACE_S)
    except TimeoutError:
        kill_group(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        # reap it now (SIGKILL is prompt): a transport left to the garbage collector
        # would try to close itself on an event loop that is gone by then
        await proc.wait()
    reading.cancel()
    await asyncio.gather(reading, return_exceptions=True)


def _stop(pid: int, supervised: bool) -> None:
    if not supervised:
        kill_group(pid)
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)  # the supervisor kills the tree, then exits


async def _feed(stdin: asyncio.StreamWriter | None, feed: Feed | None) -> None:
    if stdin is None or feed is None:
        return
    # a child that exits early closes the pipe: its exit code tells what happened
    with contextlib.suppress(BrokenPipeError, ConnectionResetError):
        try:
            await feed(stdin)
        finally:
            stdin.close()
            await stdin.wait_closed()


async def _read(
    stream: asyncio.StreamReader, capture: _Capture, cap: int, full: Callable[[], None]
) -> None:
    while chunk := await stream.read(_CHUNK):
        room = max(0, cap - len(capture.buf))
        capture.buf += chunk[:room]
        if len(chunk) > room:
            first = capture.dropped == 0
            capture.dropped += len(chunk) - room
            if first:
                full()


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def start_time(pid: int) -> str:
    """When `pid` started (clock ticks since boot, from /proc), or '' when it is gone,
    a zombie, or cannot be read: with the pid, it names one process for good."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rpartition(")")[2].split()
    except OSError:
        return ""
    return "" if fields[0] == "Z" else fields[19]


async def end_process(pid: int, started: str, grace_s: float = 5.0) -> bool:
    """End a process a crashed gonogo left running (`started` from `start_time`):
    SIGTERM (a supervisor then kills its tree), SIGKILL to its group after `grace_s`.
    False when that process is already gone."""
    if not started or start_time(pid) != started:
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGTERM)
    for sig in (signal.SIGKILL, 0):
        for _ in range(int(grace_s / 0.05)):
            if start_time(pid) != started:
                return True
            await asyncio.sleep(0.05)
        if sig:
            kill_group(pid)
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
    return True
