"""Reading a project's files without leaving the project: symlinks are followed only
while they stay inside the root, and FIFOs and devices are never read or waited on.

Kept apart from the listing (`gonogo.fs.index`) so a secrets worker imports only `os`.
"""

from __future__ import annotations

import errno
import os
import stat

from gonogo.fs import contain

READ_LIMIT = 16 * 1024 * 1024

_MAX_DIRS = 8192
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_OPEN_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_SYMLINK_ERRNOS = (errno.ELOOP, errno.EMLINK)  # what O_NOFOLLOW meets: Linux/macOS, FreeBSD


class OutsideRoot(PermissionError):
    """A path that resolves (through a symlink) outside the project root: not followed."""

    def __init__(self, rel: str) -> None:
        super().__init__(f"{rel} resolves outside the project root")
        self.rel = rel


class TreeReader:
    """Reads files under one root and never outside it, at four system calls a file.

    The file itself is opened with O_NOFOLLOW (a symlink is resolved and checked only when
    met) and each directory on the way is checked once per reader, with one lstat, so a
    tree of many files costs open, fstat, read and close, not a path resolution per file.
    """

    def __init__(self, root: str) -> None:
        self.root = os.path.realpath(root)
        self._prefix = self.root.rstrip(os.sep) + os.sep
        self._safe_dirs: set[str] = {""}

    def read(self, rel: str, limit: int = READ_LIMIT) -> bytes | None:
        """At most `limit` bytes of the regular file `rel`; None for a FIFO, socket,
        device or directory (opened without blocking, never read). Raises
        PermissionError for a path that resolves outside the root, OSError when
        unreadable."""
        parent = rel.rpartition("/")[0]
        if parent not in self._safe_dirs:
            if len(self._safe_dirs) > _MAX_DIRS:  # memory stays flat; a recheck is one lstat
                self._safe_dirs = {""}
            self._check_dir(parent, rel)
        path = f"{self.root}/{rel}"
        if not _NOFOLLOW and os.path.islink(path):  # no O_NOFOLLOW here: ask first
            path = self._check(path, rel)
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno not in _SYMLINK_ERRNOS:
                raise
            fd = os.open(self._check(path, rel), _OPEN_FLAGS)  # a symlink: follow it inside
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return None
            want = min(st.st_size + 1, limit)  # one byte more than the size sees EOF
            data = os.read(fd, want)
            if len(data) < want or len(data) >= limit:
                return data
            return data + _read_on(fd, limit - len(data))  # the file grew since fstat
        finally:
            os.close(fd)

    def _check_dir(self, parent: str, rel: str) -> None:
        """A directory is safe when its parent is and it is no symlink leading out: climb
        to the nearest checked ancestor, then check the way down, one lstat a step."""
        todo = []
        while parent not in self._safe_dirs:  # "" (the root) always is
            todo.append(parent)
            parent = parent.rpartition("/")[0]
        for step in reversed(todo):
            path = f"{self.root}/{step}"
            name = step.rpartition("/")[2]
            if name in ("", ".", "..") or stat.S_ISLNK(os.lstat(path).st_mode):
                self._check(path, rel)
            self._safe_dirs.add(step)

    def inside(self, rel: str) -> bool:
        """True when `rel` resolves (through symlinks) to a path inside the root."""
        return contain.inside(self.root, f"{self.root}/{rel}")

    def contains(self, rel: str) -> bool:
        """As `inside`, at one lstat for a file that is no link (its directories are
        checked once per reader); True for a path that does not exist."""
        try:
            parent = rel.rpartition("/")[0]
            if parent not in self._safe_dirs:
                self._check_dir(parent, rel)
            st = os.lstat(f"{self.root}/{rel}")
        except PermissionError:
            return False
        except OSError:
            return True  # nothing there: nothing to follow
        return not stat.S_ISLNK(st.st_mode) or self.inside(rel)

    def _within(self, real: str) -> bool:
        return real == self.root or real.startswith(self._prefix)

    def _check(self, path: str, rel: str) -> str:
        real = os.path.realpath(path)
        if not self._within(real):
            raise OutsideRoot(rel)
        return real


def _read_on(fd: int, budget: int) -> bytes:
    parts = []
    while budget > 0:
        chunk = os.read(fd, min(budget, 1 << 20))
        if not chunk:
            break
        parts.append(chunk)
        budget -= len(chunk)
    return b"".join(parts)
