"""One listing of a project's files, shared by every file-reading probe.

In a git work tree the listing is what git tracks (`git ls-files -c`) and the untracked
files `.gitignore` lets through (`-o --exclude-standard`), less tracked files deleted
from the work tree (`-d`); each is asked once, and the secrets scan can take the raw
output of the first two without waiting for the rest. Elsewhere it is an `os.walk`
filtered by the `.gitignore` files found on the way. Globs are matched against the
listing, so a plan of many file checks lists the tree once, and a literal path costs one
set lookup. Reads go through `gonogo.fs.reader`, which never leaves the root.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Iterable
from pathlib import Path
from subprocess import DEVNULL, PIPE
from typing import Any

from gonogo.fs.globs import (
    ALWAYS_IGNORED,
    ALWAYS_IGNORED_PREFIXES,
    compile_glob,
    keeper,
    unignored,
)
from gonogo.fs.reader import READ_LIMIT, TreeReader

_CACHE_LIMIT = 64 * 1024 * 1024
GIT_TIMEOUT_S = 300  # a cold tree on a slow disk; walking it again would be slower still
_MAGIC = re.compile(r"[*?\[{]")


class FileIndex:
    """The files under `root` (posix, relative), listed on first use and then kept."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root_str = str(self.root)
        self._lock = threading.Lock()
        self._git_locks: dict[tuple[str, ...], threading.Lock] = {}
        self._git_raw: dict[tuple[str, ...], bytes | None] = {}
        self._files: tuple[str, ...] | None = None
        self._set: frozenset[str] = frozenset()
        self._dirs: dict[str, list[str]] | None = None
        self._cache: dict[str, bytes] = {}
        self._globs: dict[str, list[str]] = {}
        self._stats: dict[str, os.stat_result | None] = {}
        self._outside: dict[str, bool] = {}
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
        included); None outside a git work tree."""
        return self._git_paths("-c")

    def untracked(self) -> tuple[str, ...] | None:
        """Files git does not track and .gitignore lets through (a walk of the tree)."""
        return self._git_paths("-o", "--exclude-standard")

    def git_listing(self, *args: str) -> bytes | None:
        """What `git ls-files ARGS -z` printed (NUL-terminated paths, undecoded), asked
        once per index whoever asks first; None outside a git work tree. A scan can hand
        these bytes on without making a string of each path."""
        with self._git_locks.setdefault(args, threading.Lock()):
            if args not in self._git_raw:
                self._git_raw[args] = _git_finish(_git_start(self.root, args))
        return self._git_raw[args]

    def _git_paths(self, *args: str) -> tuple[str, ...] | None:
        raw = self.git_listing(*args)
        return None if raw is None else tuple(unignored(_paths(raw)))

    def _git_listing(self) -> list[str] | None:
        """Tracked and untracked files, less tracked files deleted from the work tree:
        the deleted ones are looked for while the untracked ones are, as both walk."""
        tracked = self.tracked()
        if tracked is None:
            return None
        deleted_proc = _git_start(self.root, ["-d"])
        others = self.untracked()
        deleted = _git_finish(deleted_proc)
        if others is None or deleted is None:
            return None
        gone = set(_paths(deleted))
        return [p for p in tracked if p not in gone] + list(others) if gone else [*tracked, *others]

    def _build(self) -> None:
        listed = self._git_listing()
        self.source = "git ls-files"
        if listed is None:
            listed = _walk_files(self.root)
            self.source = "walk+.gitignore"
        # git lists in order already, so this sort is nearly free; dict drops repeats
        files = tuple(dict.fromkeys(sorted(listed)))
        self._set = frozenset(files)
        self._files = files

    @property
    def _by_dir(self) -> dict[str, list[str]]:
        """Listed files by parent directory, made on the first glob that needs it."""
        if self._dirs is None:
            by_dir: dict[str, list[str]] = {}
            for rel in self.files:
                by_dir.setdefault(rel.rpartition("/")[0], []).append(rel)
            self._dirs = by_dir
        return self._dirs

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
        regex = compile_glob(pattern)
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

    def select(self, pattern: str, exclude: Iterable[str] = ()) -> list[str]:
        """`glob(pattern)` less the files an `exclude` glob or directory name matches."""
        found = self.glob(pattern)
        return list(filter(keeper(exclude), found)) if exclude else found

    def in_listing(self, rel: str) -> bool:
        """Whether `rel` is in the listing: tracked, or untracked and not ignored (a
        gitignored file on disk is not part of what the repository ships)."""
        return rel.removeprefix("./") in self._set if self.files else False

    def dir_exists(self, rel: str) -> bool:
        rel = rel.strip().rstrip("/")
        if any(True for _ in self._under(rel + "/")):
            return True
        return (self.root / rel).is_dir() and not self.outside(rel)

    def outside(self, rel: str) -> bool:
        """True when `rel` is, or lies under, a symlink leading out of the root: it is
        never followed (`gonogo.fs.contain`). Asked once per path per run, as `stat` is."""
        known = self._outside.get(rel)
        if known is None:
            known = self._outside[rel] = not self.reader.contains(rel)
        return known

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
        return os.path.isfile(self.abspath(rel)) and self.reader.inside(rel)

    def _exists(self, rel: str) -> bool:
        return os.path.lexists(self.abspath(rel))

    def stat(self, rel: str) -> os.stat_result | None:
        """`os.stat` of a file (through symlinks), None when it cannot be read; asked once
        per run, as the listing is: many checks naming one file stat it once."""
        try:
            return self._stats[rel]
        except KeyError:
            pass
        try:
            found: os.stat_result | None = os.stat(self.abspath(rel))
        except OSError:
            found = None
        self._stats[rel] = found
        return found

    def abspath(self, rel: str) -> str:
        """`rel` joined to the root as a string (cheaper than pathlib on hot paths)."""
        return f"{self._root_str}/{rel}"

    def path(self, rel: str) -> Path:
        return self.root / rel

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


def _git_start(root: Path, args: Iterable[str]) -> subprocess.Popen[bytes] | None:
    try:
        argv = ["git", "ls-files", *args, "-z"]
        return subprocess.Popen(argv, cwd=root, stdout=PIPE, stderr=DEVNULL)
    except OSError:
        return None


def _git_finish(proc: subprocess.Popen[bytes] | None) -> bytes | None:
    """What a `git ls-files -z` printed; None when it failed or ran out of time."""
    if proc is None:
        return None
    try:
        out = proc.communicate(timeout=GIT_TIMEOUT_S)[0]
    except subprocess.TimeoutExpired:
        return None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return out if proc.returncode == 0 else None


def _paths(raw: bytes) -> list[str]:
    return [p for p in raw.decode("utf-8", errors="surrogateescape").split("\0") if p]


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
