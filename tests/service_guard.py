"""Keeps one test server alive exactly as long as the test session that owns it.

    python service_guard.py OWNER_PID -- ARGV...

Starts ARGV as its child (in the guard's own process group, which the caller makes a
new session) and waits. When the owner process disappears (pytest killed, a crashed
controller) or the guard is sent SIGTERM/SIGINT, it asks the server to stop (SIGINT:
PostgreSQL's fast shutdown, Redis's and Prometheus's clean exit), gives it ten
seconds, and then kills whatever is left in its process group, itself included, so
no server, backend or helper survives the session.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

POLL_S = 0.25
GRACE_S = 10.0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stop(child: subprocess.Popen[bytes]) -> None:
    if child.poll() is None:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(GRACE_S)
        except subprocess.TimeoutExpired:
            child.kill()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.killpg(os.getpgrp(), signal.SIGKILL)  # anything the server left behind, and us


def main(argv: list[str]) -> int:
    owner = int(argv[0])
    command = argv[argv.index("--") + 1 :]
    child = subprocess.Popen(command)
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stopping and _alive(owner):
        code = child.poll()
        if code is not None:
            return code
        time.sleep(POLL_S)
    _stop(child)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
