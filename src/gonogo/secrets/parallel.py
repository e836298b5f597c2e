"""A big tree's scan, shared between worker processes (`gonogo.secrets.worker`).

The workers take NUL-terminated paths on standard input as they come, so listings are
dealt to them as they are made: git's tracked files at once, its untracked ones when
its walk is done. A listing stays in the bytes git printed, cut into chunks dealt in
turn, so a tree of a million files never becomes a million strings here.
"""

from __future__ import annotations

import asyncio
import os
import sys
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence

from gonogo.proc import run_process
from gonogo.secrets.fingerprint import fingerprint_key
from gonogo.secrets.scan import MAX_HITS, Hit, Totals, compiled, from_json
from gonogo.secrets.worker import HEADER

Listing = bytes | Callable[[], Awaitable[bytes]]
"""NUL-terminated paths, or how to get them: awaited once the listings before it are dealt."""

CHUNK = 1 << 16


async def scan_parallel(
    root: str,
    listings: Sequence[Listing],
    jobs: int = 2,
    *,
    exclude: Iterable[str] = (),
    skip: Iterable[str] = (),
    review: Iterable[str] = (),
    max_hits: int = MAX_HITS,
) -> tuple[list[Hit], Totals]:
    """Scan the listed files in `jobs` workers, which drop what `exclude` patterns and
    `skip` paths name; `review` holds the worker's `--baseline FILE` or `--rewrite SALT`,
    and `--tool-allowlists on` when other scanners' allowlists apply.
    Each worker keeps `max_hits` hits; the scan keeps `max_hits` in all and counts the
    rest. Cancelling kills them."""
    fingerprint_key()  # made once here, not raced by the workers
    queues: list[asyncio.Queue[memoryview | None]] = [asyncio.Queue() for _ in range(jobs)]
    # Compiled here while the workers start, and sent to them first: each loads it in
    # microseconds instead of compiling it again.
    blob = asyncio.ensure_future(asyncio.to_thread(_compiled_prefilter))
    dealer = asyncio.ensure_future(_deal(listings, queues))
    flags = [arg for g in exclude for arg in ("--exclude", g)]
    flags += [arg for p in skip for arg in ("--skip", p)]
    flags += [*review, "--max-hits", str(max_hits), "--prefilter", "stdin"]
    argv = [sys.executable, "-m", "gonogo.secrets.worker", root, *flags]
    env = dict(os.environ)
    try:
        done_all = await asyncio.gather(
            *(run_process(argv, cwd=root, env=env, feed=_feeder(q, blob)) for q in queues)
        )
    finally:
        for task in (dealer, blob):
            if not task.done():
                task.cancel()
    dealer.result()  # a listing that failed fails the scan
    hits: list[Hit] = []
    totals = Totals()
    for done in done_all:
        if done.exit_code != 0 or done.truncated:
            # only the exception's type: its text could quote file content
            last = (done.stderr.strip().splitlines() or ["no output"])[-1].split(":")[0]
            raise RuntimeError(f"secrets worker exited {done.exit_code} ({last[:80]})")
        part_hits, part_totals = from_json(done.stdout)
        hits.extend(part_hits)
        totals.add(part_totals)
    hits.sort(key=lambda h: (h.path, h.line, h.kind))
    totals.dropped_hits += max(0, len(hits) - max_hits)
    return hits[:max_hits], totals


async def _deal(
    listings: Sequence[Listing], queues: list[asyncio.Queue[memoryview | None]]
) -> None:
    """Chunks of each listing to the workers in turn; then the end of input to each,
    also when a listing fails (a worker waiting for more would wait for ever)."""
    n = 0
    try:
        for listing in listings:
            raw = listing if isinstance(listing, bytes) else await listing()
            for chunk in chunks(raw):
                queues[n % len(queues)].put_nowait(chunk)
                n += 1
    finally:
        for queue in queues:
            queue.put_nowait(None)


def _compiled_prefilter() -> bytes:
    return compiled().hints.dumps() or b""


def _feeder(
    queue: asyncio.Queue[memoryview | None], prefilter: asyncio.Future[bytes]
) -> Callable[[asyncio.StreamWriter], Awaitable[None]]:
    async def feed(stdin: asyncio.StreamWriter) -> None:
        blob = await prefilter
        stdin.write(len(blob).to_bytes(HEADER, "big") + blob)
        while (chunk := await queue.get()) is not None:
            stdin.write(chunk)
            await stdin.drain()

    return feed


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
