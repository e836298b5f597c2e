"""Safe writes. A reader sees a file's old content or its new one, never half of it, and
nothing but the file asked for is ever replaced: a device, FIFO or socket is written
through, a symlink is followed to its target (the link stays), an existing file keeps
its mode, and a new one gets the usual 0666 & ~umask.

Every `.gonogo/` directory gonogo creates carries a `.gitignore` of `*`, so run output,
history and state never show up as untracked files in the user's repository.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from gonogo.errors import OutputError

STATE_DIR = ".gonogo"
_IGNORE_ALL = "# gonogo's run output, history and state: never committed\n*\n"


def ensure_dir(path: Path) -> Path:
    """mkdir -p PATH; a `.gonogo` directory among the new ones gets its `.gitignore`."""
    path.mkdir(parents=True, exist_ok=True)
    for part in (path, *path.parents):
        if part.name == STATE_DIR:
            ignore = part / ".gitignore"
            if not ignore.exists():
                with contextlib.suppress(OSError):
                    _replace(ignore, _IGNORE_ALL.encode(), _default_mode())
            break
    return path


def write_text(path: Path, text: str, *, mode: int | None = None) -> None:
    write_bytes(path, text.encode("utf-8"), mode=mode)


def write_bytes(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Atomically replace the regular file PATH (created with its parents if missing)."""
    ensure_dir(path.parent)
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = _default_mode()
    _replace(path, data, mode)


def write_output(target: str | Path, data: bytes) -> Path:
    """Write a report where the user pointed `-o`: through a device, FIFO or socket;
    through a symlink to the file it names; atomically into a regular file, keeping its
    mode. Refuses a directory. Returns the path written."""
    path = Path(target)
    try:
        info = path.stat()  # follows symlinks
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {target}: it is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_through(path, data)
        return path
    real = Path(os.path.realpath(path))  # a symlink's target, dangling or not
    try:
        write_bytes(real, data)
    except OSError as exc:
        raise OutputError(f"cannot write {target}: {exc.strerror or exc}") from None
    return real


def _write_through(path: Path, data: bytes) -> None:
    """A character device, FIFO or socket: open it and write, as a shell's `>` would."""
    try:
        with path.open("wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None


def _replace(path: Path, data: bytes, mode: int) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _default_mode() -> int:
    """0666 without the umask's bits, as open(2) would create the file."""
    current = os.umask(0o022)
    os.umask(current)
    return 0o666 & ~current
