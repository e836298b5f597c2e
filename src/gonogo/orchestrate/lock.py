"""One orchestrator per state directory: `.gonogo/orchestrate.lock`.

The kernel lock (`flock`) is the mutual exclusion, so a crashed holder can never
wedge the next run; the file's content (pid, host, start time) names the holder in
the refusal message and reveals a stale lock: content left behind by a process that
died without releasing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gonogo import atomic
from gonogo.errors import GonogoError

LOCK_FILE = "orchestrate.lock"


class LockHeld(GonogoError):
    """Another orchestrator is running on the same state."""


@dataclass(frozen=True, slots=True)
class Holder:
    pid: int
    host: str
    started_at: str

    def alive(self) -> bool:
        if self.host != socket.gethostname():
            return False
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True

    def describe(self) -> str:
        return f"pid {self.pid} on {self.host}, started {self.started_at}"


class OrchestratorLock:
    """One holder at a time of `path`; `command` names the holder in the refusal (the
    fleet runner takes the same kind of lock as `gonogo fleet run`)."""

    def __init__(self, path: Path, *, command: str = "gonogo orchestrate") -> None:
        self.path = path
        self.command = command
        self._fd: int | None = None
        self.stale: Holder | None = None

    def acquire(self, started_at: str) -> Holder | None:
        """Take the lock or raise `LockHeld`. Returns the stale holder it replaced, if any."""
        import fcntl

        fd = atomic.open_state(self.path, os.O_RDWR | os.O_CREAT)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            os.close(fd)
            who = holder.describe() if holder else "another process"
            then = ", then use --resume" if self.command == "gonogo orchestrate" else ""
            raise LockHeld(
                f"another `{self.command}` ({who}) holds {self.path}; "
                f"wait for it to finish or stop it{then}"
            ) from None
        self.stale = _read(fd)
        me = Holder(os.getpid(), socket.gethostname(), started_at)
        _write(fd, json.dumps({"pid": me.pid, "host": me.host, "started_at": started_at}))
        self._fd = fd
        return self.stale

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            _write(self._fd, "")  # an empty file is a cleanly released lock
        os.close(self._fd)  # closing drops the flock
        self._fd = None

    def __enter__(self) -> OrchestratorLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read(fd: int) -> Holder | None:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        raw = os.read(fd, 4096)
        data: Any = json.loads(raw) if raw.strip() else None
        if not isinstance(data, dict):
            return None
        return Holder(int(data["pid"]), str(data["host"]), str(data.get("started_at", "?")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(fd: int, text: str) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode())
    os.fsync(fd)
