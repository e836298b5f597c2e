"""The supervisor of one child program (Linux): `python -I -S supervise.py PARENT PROGRAM ARGV…`.

gonogo starts user programs (a `command` check, an orchestrator task) through it, so
that the whole tree the program grows dies with the program, with gonogo, or at the
check's timeout, even the parts that left the session (`setsid`, double forks):

- it is a child subreaper (PR_SET_CHILD_SUBREAPER): every orphan of the tree is
  reparented to it, however it escaped its process group;
- it dies with gonogo: PR_SET_PDEATHSIG sends it SIGTERM when gonogo ends, even by
  `kill -9`, and the program itself gets SIGKILL if the supervisor goes;
- when the program exits, or on SIGTERM/SIGINT/SIGHUP, it kills every process left
  in the tree, round after round (each orphan reparents to it) until none remains,
  then exits as the program did (the same exit code, or the same signal).

It imports only the standard library (no gonogo, no site): it starts in ~20 ms.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
_STOPS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class _Stop(Exception):
    pass


def _prctl(option: int, value: int) -> None:
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl here: the group kill still applies
        pass


def _stop(signum: int, frame: object) -> None:
    for sig in _STOPS:
        signal.signal(sig, signal.SIG_IGN)
    raise _Stop


def _children() -> list[int]:
    """Our live children, from /proc (the `children` files, else a scan of ppids)."""
    me = os.getpid()
    found: set[int] = set()
    try:
        for tid in os.listdir("/proc/self/task"):
            with open(f"/proc/self/task/{tid}/children") as fh:
                found.update(int(p) for p in fh.read().split())
        return sorted(found)
    except OSError:
        pass
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with (
                contextlib.suppress(OSError, ValueError, IndexError),
                open(f"/proc/{entry}/stat") as fh,
            ):
                if int(fh.read().rpartition(")")[2].split()[1]) == me:
                    found.add(int(entry))
    return sorted(found)


def _kill_tree(leader: int, parent_group: int) -> None:
    """SIGKILL everything below us until nothing is left to reap."""
    own = {os.getpgrp(), parent_group}
    if leader:
        with contextlib.suppress(OSError):
            os.killpg(leader, signal.SIGKILL)
    while True:
        for pid in _children():
            with contextlib.suppress(OSError):
                group = os.getpgid(pid)
                if group not in own:
                    os.killpg(group, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        try:
            os.waitpid(-1, 0)  # one at a time: its orphans reparent to us meanwhile
        except ChildProcessError:
            return


def _start(program: str, argv: list[str]) -> int:
    leader = os.fork()
    if leader == 0:  # the program: its own group, and it dies if we do
        try:
            os.setpgid(0, 0)
            for sig in _STOPS:
                signal.signal(sig, signal.SIG_DFL)
            _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
            os.execv(program, argv)  # noqa: S606 (argv, never a shell)
        except OSError as exc:
            os.write(2, f"gonogo: cannot run {program}: {exc.strerror or exc}\n".encode())
        os._exit(127)
    with contextlib.suppress(OSError):
        os.setpgid(leader, leader)  # also here: no race with the first signal
    return leader


def _wait(leader: int) -> int:
    """The program's wait status; orphans that end meanwhile are reaped on the way."""
    while True:
        pid, status = os.waitpid(-1, 0)
        if pid == leader:
            return status


def main(args: list[str]) -> None:
    parent, program, argv = int(args[0]), args[1], args[2:]
    for sig in _STOPS:
        signal.signal(sig, _stop)
    _prctl(PR_SET_CHILD_SUBREAPER, 1)
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # gonogo ended before the death signal was armed
        os._exit(137)
    parent_group = os.getpgid(parent)
    status = -1
    leader = 0
    try:
        leader = _start(program, argv)
        status = _wait(leader)
    except _Stop:
        status = -1
    finally:
        for sig in _STOPS:
            signal.signal(sig, signal.SIG_IGN)
        _kill_tree(leader, parent_group)
    _exit_as(status)


def _exit_as(status: int) -> None:
    if status < 0:
        os._exit(128 + signal.SIGTERM)
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        signal.signal(sig, signal.SIG_DFL)
        os.kill(os.getpid(), sig)
    os._exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    main(sys.argv[1:])
