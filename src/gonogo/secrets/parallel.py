"""A big tree's scan, shared between worker processes (`gonogo.secrets.worker`).

The workers can start before the scan is described: `gonogo secrets` starts them as
soon as git's index says the tree is big, so their start-up overlaps the caller's own
(reading its configuration, the baseline, the allowlists) and the tree's walk for
untracked files. They load the compiled prefilter from the cache and wait on standard
input for their options, then for NUL-terminated paths, which are dealt to them as
listings are made: git's tracked files at once, its untracked ones when its walk is
done. A listing stays in the bytes git printed, cut into chunks dealt in turn, so a
tree of a million files never becomes a million strings here.

Plain threads and pipes, no event loop: the command imports no asyncio, and a check
running in the engine's loop hands the whole scan to a thread (`find_secrets`).
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import IO, TYPE_CHECKING

from gonogo.secrets.worker import HEADER

if TYPE_CHECKING:
    from gonogo.fs.index import FileIndex
    from gonogo.secrets.scan import Hit, Totals

Listing = bytes | Callable[[], bytes]
"""NUL-terminated paths, or how to get them: called once the listings before it are dealt."""

Queue = queue.SimpleQueue[bytes | memoryview | None]
"""A worker's standard input in order; None closes it."""

PARALLEL_MIN_FILES = 4000  # a tree this big is scanned by workers
UNTRACKED = ("-o", "--exclude-standard")
CHUNK = 1 << 16
OUTPUT_CAP = 64 << 20  # a worker prints at most --max-hits hits: far below this
_ERR_CAP = 64 << 10


class Workers:
    """Up to `jobs` scanning workers over `root`, for one scan: started by `start()` (at
    most once) and stopped, if still running, by `close()`, which also makes any later
    `start()` fail: a scan cancelled while it starts leaves no process behind."""

    def __init__(self, root: str, jobs: int) -> None:
        self.root = root
        self.jobs = jobs
        self._procs: list[subprocess.Popen[bytes]] = []
        self._lock = threading.Lock()
        self._closed = False

    @property
    def started(self) -> bool:
        return bool(self._procs)

    def start(self) -> None:
        with self._lock:
            if self._closed:
                raise RuntimeError("the secrets scan was stopped")
            if self._procs:
                return
            from gonogo.secrets.fingerprint import fingerprint_key

            fingerprint_key()  # made once here, not raced by the workers
            argv = [sys.executable, "-m", "gonogo.secrets.worker", self.root, "--options", "stdin"]
            for _ in range(self.jobs):
                self._procs.append(
                    subprocess.Popen(
                        argv,
                        cwd=self.root,
                        stdin=subprocess.PIPE,
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        start_new_session=True,
                    )
                )

    def close(self) -> None:
        with self._lock:
            self._closed = True
            procs, self._procs = self._procs, []
        for proc in procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    proc.kill()
            proc.wait()
            for pipe in (proc.stdin, proc.stdout, proc.stderr):
                if pipe is not None:
                    with contextlib.suppress(OSError):  # unwritten input of a killed worker
                        pipe.close()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def scan(self, listings: Sequence[Listing], flags: list[str]) -> list[bytes]:
        """Each worker's output once `listings` are scanned: the workers take `flags`
        (their command-line options, `gonogo.secrets.worker`) first. Raises RuntimeError
        when a worker fails."""
        self.start()
        procs = list(self._procs)
        if any(p.stdin is None or p.stdin.closed for p in procs):
            raise RuntimeError("these workers have scanned already")
        header = json.dumps(flags).encode()
        queues: list[Queue] = []
        feeders = []
        for proc in procs:
            q: Queue = queue.SimpleQueue()
            q.put(len(header).to_bytes(HEADER, "big") + header)
            queues.append(q)
            feeders.append(_thread(_feed, proc.stdin, q))
        readers = [(_Drain(p.stdout, OUTPUT_CAP), _Drain(p.stderr, _ERR_CAP)) for p in procs]
        try:
            _deal(listings, queues)
        finally:
            for q in queues:
                q.put(None)
        for feeder in feeders:
            feeder.join()
        outputs = []
        for proc, (out, err) in zip(procs, readers, strict=True):
            stdout, stderr = out.result(), err.result()
            code = proc.wait()
            if code != 0 or out.dropped:
                # only the exception's type: its text could quote file content
                text = stderr.decode(errors="replace").strip()
                last = (text.splitlines() or ["no output"])[-1].split(":")[0]
                raise RuntimeError(f"secrets worker exited {code} ({last[:80]})")
            outputs.append(stdout)
        return outputs


def scan_parallel(
    workers: Workers, listings: Sequence[Listing], flags: list[str], max_hits: int
) -> tuple[list[Hit], Totals]:
    """The listed files scanned by `workers` with `flags` (`worker_flags`): each worker
    keeps `max_hits` hits; the scan keeps `max_hits` in all and counts the rest."""
    from gonogo.secrets.scan import Totals, from_json

    hits: list[Hit] = []
    totals = Totals()
    for out in workers.scan(listings, flags):
        part_hits, part_totals = from_json(out.decode())
        hits.extend(part_hits)
        totals.add(part_totals)
    hits.sort(key=lambda h: (h.path, h.line, h.kind))
    totals.dropped_hits += max(0, len(hits) - max_hits)
    return hits[:max_hits], totals


def _deal(listings: Sequence[Listing], queues: list[Queue]) -> None:
    """Chunks of each listing to the workers in turn."""
    n = 0
    for listing in listings:
        raw = listing if isinstance(listing, bytes) else listing()
        for chunk in chunks(raw):
            queues[n % len(queues)].put(chunk)
            n += 1


def _feed(stdin: IO[bytes], q: Queue) -> None:
    """What the dealer queued, written in order; stdin is closed at the end (or when
    the worker is gone: it then reports its own failure)."""
    try:
        while (chunk := q.get()) is not None:
            stdin.write(chunk)
        stdin.close()
    except (BrokenPipeError, ValueError):  # the worker exited or was killed
        pass


class _Drain:
    """A pipe read to its end in a thread: the first `cap` bytes kept, the rest counted."""

    def __init__(self, pipe: IO[bytes] | None, cap: int) -> None:
        self._pipe, self._cap = pipe, cap
        self._kept = bytearray()
        self.dropped = 0
        self._thread = _thread(self._run)

    def _run(self) -> None:
        if self._pipe is None:
            return
        try:
            while block := self._pipe.read1(1 << 16):  # type: ignore[attr-defined]
                room = self._cap - len(self._kept)
                self._kept += block[:room]
                self.dropped += max(0, len(block) - room)
        except (OSError, ValueError):  # closed under it by `close()`
            pass

    def result(self) -> bytes:
        self._thread.join()
        return bytes(self._kept)


def _thread(target: Callable[..., object], *args: object) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def worker_flags(
    *,
    exclude: Iterable[str] = (),
    skip: Iterable[str] = (),
    review: Iterable[str] = (),
    max_hits: int,
) -> list[str]:
    """The options a worker takes: what `exclude` patterns and `skip` paths drop,
    `review` (its `--baseline FILE` or `--rewrite SALT`, and `--tool-allowlists on` when
    other scanners' allowlists apply) and the hits it keeps."""
    flags = [arg for g in exclude for arg in ("--exclude", g)]
    flags += [arg for p in skip for arg in ("--skip", p)]
    return [*flags, *review, "--max-hits", str(max_hits)]


def start_early(files: FileIndex, workers: Workers, min_files: int = PARALLEL_MIN_FILES) -> None:
    """Start `workers` now if the whole tree's scan will need them (git's index lists
    `min_files` or more), and git's walk for untracked files with them: both then run
    while the caller reads its configuration."""
    if big_tree(files, workers.jobs, min_files) is not None:
        workers.start()
        _thread(files.git_listing, *UNTRACKED)  # `files` keeps the answer for the scan


def big_tree(files: FileIndex, jobs: int, min_files: int) -> bytes | None:
    """git's listing of the tracked files when the whole tree goes to `jobs` workers: a
    git work tree whose index holds `min_files` or more, not listed another way yet."""
    if jobs < 2 or files.listed:
        return None
    tracked = files.git_listing("-c")
    return tracked if tracked is not None and tracked.count(b"\0") >= min_files else None


def chunks(raw: bytes, size: int = CHUNK) -> Iterator[memoryview]:
    """`raw` in pieces of about `size` bytes, each ending at a path's NUL."""
    if raw and not raw.endswith(b"\0"):
        raw += b"\0"
    view = memoryview(raw)
    start = 0
    while start < len(raw):
        cut = raw.rfind(b"\0", start, start + size)
        if cut == -1:  # one path longer than a chunk
            cut = raw.find(b"\0", start)
        yield view[start : cut + 1]
        start = cut + 1


def paths_bytes(rels: Iterable[str]) -> bytes:
    """Paths as a worker reads them: NUL-terminated, UTF-8 (undecodable bytes restored)."""
    listed = list(rels)
    return ("\0".join(listed) + "\0").encode("utf-8", "surrogateescape") if listed else b""
