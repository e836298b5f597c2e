"""One listing of a project's files, shared by every file-reading probe.

In a git work tree the listing is `git ls-files -co --exclude-standard` (tracked
and untracked, `.gitignore` honoured); elsewhere an `os.walk` filtered by the
`.gitignore` files found on the way. Globs are matched against the listing, so
a plan of many file checks lists the tree once, and a literal path costs one
set lookup.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import subprocess
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import Any

ALWAYS_IGNORED = (".git", ".gonogo")
READ_LIMIT = 16 * 1024 * 1024
_CACHE_LIMIT = 64 * 1024 * 1024
_MAGIC = re.compile(r"[*?\[]")


class FileIndex:
    """The files under `root` (posix, relative), listed on first use and then kept."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root_str = str(self.root)
        self._lock = threading.Lock()
        self._tracked_lock = threading.Lock()
        self._tracked: tuple[str, ...] | None = None
        self._tracked_read = False
        self._files: tuple[str, ...] | None = None
        self._set: frozenset[str] = frozenset()
        self._by_dir: dict[str, list[str]] = {}
        self._cache: dict[str, bytes] = {}
        self._globs: dict[str, list[str]] = {}
        self._cached_bytes = 0
        self.reader = TreeReader(self._root_str)
        self.source = ""

    @property
    def files(self) -> tuple[str, ...]:
        if self._files is None:
            with self._lock:
                if self._files is None:
                    self._build()
        assert self._files is not None
        return self._files

    @property
    def listed(self) -> bool:
        """True once `files` has been made."""
        return self._files is not None

    def tracked(self) -> tuple[str, ...] | None:
        """What git tracks, read from its index without walking the tree (deleted files
        included); None outside a git work tree. A scan can start on these while `files`
        is still looking for untracked and deleted ones."""
        if not self._tracked_read:
            with self._tracked_lock:
                if not self._tracked_read:
                    found = _git_lines(self.root, ["-c"])
                    if found is not None:
                        self._tracked = tuple(f for f in found[0] if not _ignored(f))
                    self._tracked_read = True
        return self._tracked

    def _build(self) -> None:
        tracked = self.tracked()
        listed = None if tracked is None else _git_files(self.root, tracked)
        self.source = "git ls-files"
        if listed is None:
            listed = _walk_files(self.root)
            self.source = "walk+.gitignore"
        files = sorted(f for f in set(listed) if not _ignored(f))
        by_dir: dict[str, list[str]] = {}
        for rel in files:
            parent = rel.rpartition("/")[0]
            by_dir.setdefault(parent, []).append(rel)
        self._set = frozenset(files)
        self._by_dir = by_dir
        self._files = tuple(files)

    def glob(self, pattern: str) -> list[str]:
        """Listed files matching `pattern` (`*` within a segment, `**` across segments)."""
        pattern = pattern.strip().removeprefix("./")
        files = self.files
        if not _MAGIC.search(pattern):
            return [pattern] if self._literal(pattern) else []
        cached = self._globs.get(pattern)
        if cached is not None:
            return list(cached)
        prefix = _literal_dir(pattern)
        regex = _compile(pattern)
        if prefix and "**" not in pattern.removeprefix(prefix):
            parent_dir = pattern.rpartition("/")[0]
            if not _MAGIC.search(parent_dir):
                candidates: Iterable[str] = self._by_dir.get(parent_dir, ())
            else:
                candidates = self._under(prefix)
        elif prefix:
            candidates = self._under(prefix)
        else:
            candidates = files
        found = [f for f in candidates if regex.fullmatch(f)]
        self._globs[pattern] = found
        return list(found)

    def dir_exists(self, rel: str) -> bool:
        rel = rel.strip().rstrip("/")
        return any(True for _ in self._under(rel + "/")) or (self.root / rel).is_dir()

    def _under(self, prefix: str) -> Iterable[str]:
        import bisect

        files = self.files
        start = bisect.bisect_left(files, prefix)
        for rel in files[start:]:
            if not rel.startswith(prefix):
                break
            yield rel

    def _literal(self, rel: str) -> bool:
        """A literal path names one file: listed, or present on disk even when ignored
        (CI output such as reports/junit.xml is usually gitignored, and is still evidence)."""
        if rel in self._set:
            return self._exists(rel)
        if not rel or rel.startswith(ALWAYS_IGNORED_PREFIXES) or rel.endswith("/"):
            return False
        return os.path.isfile(self.abspath(rel)) and self.inside(rel)

    def _exists(self, rel: str) -> bool:
        return os.path.lexists(self.abspath(rel))

    def abspath(self, rel: str) -> str:
        """`rel` joined to the root as a string (cheaper than pathlib on hot paths)."""
        return f"{self._root_str}/{rel}"

    def path(self, rel: str) -> Path:
        return self.root / rel

    def inside(self, rel: str) -> bool:
        """True when `rel` resolves (through symlinks) to a path inside the root."""
        try:
            return (self.root / rel).resolve().is_relative_to(self.root)
        except OSError:
            return False

    def read_bytes(self, rel: str, limit: int = READ_LIMIT) -> bytes:
        """File content, at most `limit` bytes; refuses paths that escape the root."""
        data = self.read_regular(rel, limit)
        if data is None:
            raise OSError(f"{rel} is not a regular file")
        return data

    def read_regular(self, rel: str, limit: int = READ_LIMIT) -> bytes | None:
        """As `read_bytes`, but None for a FIFO, socket, device or directory."""
        cached = self._cache.get(rel)
        if cached is not None:
            return cached[:limit]
        data = self.reader.read(rel, limit)
        if data is not None and len(data) < min(limit, 1024 * 1024):
            with self._lock:  # only whole files: a cut read is not the file
                if self._cached_bytes + len(data) <= _CACHE_LIMIT:
                    self._cache[rel] = data
                    self._cached_bytes += len(data)
        return data

    def read_text(self, rel: str, limit: int = READ_LIMIT) -> str:
        return self.read_bytes(rel, limit).decode("utf-8", errors="replace")


_OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC


class TreeReader:
    """Reads files under one root and never outside it, at three system calls a file.

    The file itself is opened with O_NOFOLLOW (a symlink is resolved and checked only when
    met) and each directory on the way is checked once per reader, with one lstat, so a
    tree of many files costs what open/fstat/read cost, not a path resolution per file.
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
            self._check_dir(parent, rel)
        path = f"{self.root}/{rel}"
        try:
            fd = os.open(path, _OPEN_FLAGS)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
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

    def _check(self, path: str, rel: str) -> str:
        real = os.path.realpath(path)
        if real != self.root and not real.startswith(self._prefix):
            raise PermissionError(f"{rel} resolves outside the project root")
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


ALWAYS_IGNORED_PREFIXES = tuple(f"{d}/" for d in ALWAYS_IGNORED)
_NESTED_IGNORED = tuple(f"/{d}/" for d in ALWAYS_IGNORED)


def _ignored(rel: str) -> bool:
    """gonogo's own output and git's internals, at any depth."""
    return rel.startswith(ALWAYS_IGNORED_PREFIXES) or any(d in rel for d in _NESTED_IGNORED)


def _git_files(root: Path, tracked: tuple[str, ...]) -> list[str] | None:
    """`tracked` and the untracked files .gitignore lets through, less tracked files
    deleted from the work tree: both looked up at once, as both walk the tree."""
    found = _git_lines(root, ["-o", "--exclude-standard"], ["-d"])
    if found is None:
        return None
    others, deleted = found
    if deleted:
        gone = set(deleted)
        return [p for p in tracked if p not in gone] + others
    return [*tracked, *others]


def _git_lines(root: Path, *arg_lists: list[str]) -> list[list[str]] | None:
    """`git ls-files ARGS -z` for each list of ARGS, side by side; None if any fails."""
    procs: list[subprocess.Popen[bytes]] = []
    try:
        for args in arg_lists:
            argv = ["git", "ls-files", *args, "-z"]
            procs.append(subprocess.Popen(argv, cwd=root, stdout=PIPE, stderr=DEVNULL))
        outs = [proc.communicate(timeout=60)[0] for proc in procs]
    except (OSError, subprocess.TimeoutExpired):
        return None
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    if any(proc.returncode != 0 for proc in procs):
        return None
    return [
        [p for p in out.decode("utf-8", errors="surrogateescape").split("\0") if p] for out in outs
    ]


def _walk_files(root: Path) -> list[str]:
    import pathspec

    out: list[str] = []
    specs: list[tuple[str, pathspec.PathSpec[Any]]] = []
    for dirpath, dirnames, filenames in os.walk(root):
        rel_dir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        specs = [(base, s) for base, s in specs if rel_dir.startswith(base)]
        if ".gitignore" in filenames:
            try:
                lines = (Path(dirpath) / ".gitignore").read_text(errors="replace").splitlines()
                specs.append((rel_dir, pathspec.GitIgnoreSpec.from_lines(lines)))
            except OSError:
                pass

        def ignored(rel: str, specs: list[tuple[str, pathspec.PathSpec[Any]]] = specs) -> bool:
            return any(s.match_file(rel[len(base) :]) for base, s in specs)

        dirnames[:] = sorted(
            d for d in dirnames if d not in ALWAYS_IGNORED and not ignored(f"{rel_dir}{d}/")
        )
        out.extend(rel for f in filenames if not ignored(rel := f"{rel_dir}{f}"))
    return out


def _literal_dir(pattern: str) -> str:
    """The directory prefix of `pattern` before its first wildcard, with trailing slash."""
    match = _MAGIC.search(pattern)
    head = pattern[: match.start()] if match else pattern
    return head.rpartition("/")[0] + "/" if "/" in head else ""


@lru_cache(maxsize=4096)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(glob_to_regex(pattern))


def glob_to_regex(pattern: str) -> str:
    """Translate a path glob: `**/` any directories, `*` and `?` within a segment, `[...]`."""
    out: list[str] = []
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = end + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "".join(out)
