"""Child processes: argv only, their own process group, capped output, killed on cancel.

Every program a check or task starts (a `command` check, the `git`, `bench` and
`python.api` probes, a secrets worker, an orchestrator task) goes through `run_process`,
so none can outlive its deadline or flood memory. (The file listing's short `git
ls-files` calls run in a thread through `subprocess`, with a timeout of their own.)
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

OUTPUT_CAP = 1024 * 1024

Feed = Callable[[asyncio.StreamWriter], Awaitable[None]]
"""Writes the child's standard input; it is closed when the feed returns."""


@dataclass(frozen=True, slots=True)
class Completed:
    exit_code: int
    stdout: str
    stderr: str
    truncated: bool


async def run_process(
    argv: list[str],
    *,
    cwd: str,
    env: dict[str, str],
    cap: int = OUTPUT_CAP,
    feed: Feed | None = None,
) -> Completed:
    """Run `argv` in its own process group; on cancellation the whole group is killed.

    Standard input is empty unless `feed` writes it, which it does while the output is
    read, so a child may answer as its input arrives.
    """
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=asyncio.subprocess.PIPE if feed else asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        start_new_session=True,
    )
    try:
        assert proc.stdout is not None
        assert proc.stderr is not None
        (out, t1), (err, t2), _ = await asyncio.gather(
            _read_capped(proc.stdout, cap),
            _read_capped(proc.stderr, cap),
            _feed(proc.stdin, feed),
        )
        code = await proc.wait()
    except BaseException:
        kill_group(proc.pid)
        with contextlib.suppress(ProcessLookupError):
            proc.kill()
        # reap it now (SIGKILL is prompt): a transport left to the garbage collector
        # would try to close itself on an event loop that is gone by then
        await asyncio.shield(proc.wait())
        raise
    kill_group(proc.pid)  # orphans that kept running after the leader exited
    return Completed(code, out.decode(errors="replace"), err.decode(errors="replace"), t1 or t2)


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


async def _read_capped(stream: asyncio.StreamReader, cap: int) -> tuple[bytes, bool]:
    buf = bytearray()
    truncated = False
    while chunk := await stream.read(65536):
        room = cap - len(buf)
        if room > 0:
            buf += chunk[:room]
        if len(chunk) > room:
            truncated = True
    return bytes(buf), truncated


def kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
