"""Safe writes. A reader sees a file's old content or its new one, never half of it, and
nothing but the file asked for is ever replaced: a device, FIFO or socket is written
through, a symlink is followed to its target (the link stays), an existing file keeps
its mode, and a new one gets the usual 0666 & ~umask.

gonogo's own state directory is different: a repository nobody vetted may commit a
`.gonogo/` that is a symlink, or holds symlinks, to make gonogo truncate or append to
files elsewhere. Under a `.gonogo` directory nothing is followed: that directory and
every directory below it must be real directories (`guard`), files are opened with
O_NOFOLLOW (`open_state`, `read_state`) or replaced by rename, and each refusal is an
`OutputError` (`InputError` for reads) naming the link. Permissions follow one policy:
state (history, orchestrator state, lock, escalations, task logs) is 0600, reports
(`last.json`, `last.md`, `progress.md`) 0644.

Every `.gonogo/` directory gonogo creates carries a `.gitignore` of `*`, so run output,
history and state never show up as untracked files in the user's repository.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path

from gonogo.errors import InputError, OutputError

STATE_DIR = ".gonogo"
STATE_MODE = 0o600
REPORT_MODE = 0o644
_IGNORE_ALL = "# gonogo's run output, history and state: never committed\n*\n"
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


def guard(path: Path, error: type[Exception] = OutputError) -> None:
    """Refuse PATH when it lies under a `.gonogo` directory and that directory, one
    below it, or PATH itself is a symlink (or not what it should be). Paths elsewhere
    pass: the user's own `-o` target may be a link."""
    parts = path.parts
    if STATE_DIR not in parts:
        return
    start = len(parts) - parts[::-1].index(STATE_DIR)  # just past the last `.gonogo`
    for end in range(start, len(parts) + 1):
        step = Path(*parts[:end])
        try:
            info = step.lstat()
        except FileNotFoundError:
            return  # made below by gonogo itself
        except OSError as exc:
            raise error(f"cannot use {step}: {exc.strerror or exc}") from None
        if stat.S_ISLNK(info.st_mode):
            which = "it" if step == path else str(step)
            raise error(
                f"refusing to use {path}: {which} is a symbolic link (to "
                f"{os.readlink(step)}); gonogo keeps its state in real files inside the "
                "project and never follows links there; remove the link"
            )
        if end < len(parts) and not stat.S_ISDIR(info.st_mode):
            raise error(f"refusing to use {path}: {step} is not a directory")


def open_state(path: Path, flags: int, mode: int = STATE_MODE) -> int:
    """os.open for a state file: its directories made and guarded, the file itself
    never followed if it is a link, created (and kept) at `mode`."""
    ensure_dir(path.parent)
    guard(path)
    try:
        fd = os.open(path, flags | _NOFOLLOW, mode)
    except OSError as exc:
        raise OutputError(f"cannot open {path}: {exc.strerror or exc}") from None
    try:
        _own_regular(fd, path, OutputError)
        os.fchmod(fd, mode)
    except BaseException:
        os.close(fd)
        raise
    return fd


def read_state(path: Path, limit: int) -> bytes | None:
    """At most `limit` bytes of a state file; None when there is none. A link, FIFO or
    device in its place is an `InputError`, never followed or waited on."""
    guard(path, InputError)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | _NOFOLLOW)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None
    try:
        _own_regular(fd, path, InputError)
        return os.read(fd, limit)
    finally:
        os.close(fd)


def _own_regular(fd: int, path: Path, error: type[Exception]) -> None:
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        raise error(f"refusing to use {path}: it is not a regular file")


def ensure_dir(path: Path) -> Path:
    """mkdir -p PATH; a `.gonogo` directory among the new ones gets its `.gitignore`.
    Under a `.gonogo` directory no component may be a symlink (`guard`)."""
    guard(path)
    path.mkdir(parents=True, exist_ok=True)
    guard(path)  # what mkdir found in place is what gets used
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


def write_bytes(path: Path, data: bytes, *, mode: int | None = None, durable: bool = True) -> None:
    """Atomically replace the regular file PATH (created with its parents if missing).
    `durable` fsyncs before the rename: the new content survives a power cut, not only
    a killed process."""
    ensure_dir(path.parent)
    guard(path)
    if mode is None:
        try:
            mode = stat.S_IMODE(path.stat().st_mode)
        except FileNotFoundError:
            mode = _default_mode()
    _replace(path, data, mode, durable)


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


def _replace(path: Path, data: bytes, mode: int, durable: bool = True) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
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
