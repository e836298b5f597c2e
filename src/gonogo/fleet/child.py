"""`python -m gonogo.fleet.child MEMORY DISK -- gonogo-args…`: one repository's
`gonogo check`, bounded before anything else is imported.

- address space capped (RLIMIT_AS): a check that allocates without end gets MemoryError,
  not the machine's OOM killer choosing a victim;
- largest file it may write capped (RLIMIT_FSIZE): a repository that fills the disk
  through its checks is stopped with EFBIG;
- the kernel kills it when the worker that started it dies (PR_SET_PDEATHSIG), so a
  worker killed with SIGKILL leaves no check running behind the redelivered task.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys

_PR_SET_PDEATHSIG = 1


def bound(memory: int, disk: int) -> None:
    """Caps of 0 are no caps."""
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    if disk > 0:
        resource.setrlimit(resource.RLIMIT_FSIZE, (disk, disk))
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() == 1:  # the worker died before the request took effect
            sys.exit(137)


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[2] != "--":
        print("usage: python -m gonogo.fleet.child MEMORY DISK -- ARGS…", file=sys.stderr)
        return 2
    bound(int(argv[0]), int(argv[1]))
    import runpy

    sys.argv = ["gonogo", *argv[3:]]
    try:
        runpy.run_module("gonogo", run_name="__main__")  # `python -m gonogo ARGS…`
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
