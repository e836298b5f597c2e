"""A whole tree's scan: which files, and where they are read.

A small tree is scanned in this process through the run's shared read cache. A big one
goes to worker processes; in a git work tree they start on the tracked files, which git
lists from its index at once, while git walks the tree for untracked files (most of a
listing's cost). Deleted files are not looked for at all: a worker skips a file it
cannot find. Nothing here imports pydantic, so `gonogo secrets` starts as fast as the
scan allows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from gonogo.fs.index import FileIndex
from gonogo.models import Finding
from gonogo.secrets.allow import Allowlists
from gonogo.secrets.baseline import DEFAULT_PATH, Baseline
from gonogo.secrets.detectors import TITLES
from gonogo.secrets.excludes import keeper
from gonogo.secrets.parallel import (
    PARALLEL_MIN_FILES,
    UNTRACKED,
    Listing,
    Workers,
    big_tree,
    paths_bytes,
    scan_parallel,
    worker_flags,
)
from gonogo.secrets.scan import MAX_HITS, READ_CAP, Hit, Totals, scan_files

_ALL = ("", "**", "**/*", ".")
_CONTEXT_NOTES = {
    "test": "in a test file (a warning: real credentials in tests leak too)",
    "dev": "in a development configuration (a warning: make sure it is not a real credential)",
    "example": "in an example file (a warning: make sure it is not a real credential)",
    "docs": "in documentation (a warning: make sure it is not a real credential)",
    "comment": "in a comment (a warning: not in effect, but make sure it is not a real one)",
}


@dataclass(frozen=True, slots=True)
class Scan:
    """What to scan and how: the selection, the excludes in effect, the baseline the
    scanner hashes findings for (`rewrite`: hash every finding), the other scanners'
    allowlists in effect, the limit of findings."""

    path: str = "**"
    exclude: tuple[str, ...] = ()
    baseline: str = DEFAULT_PATH
    review: Baseline | None = None
    rewrite: bool = False
    allow: Allowlists | None = None
    max_hits: int = MAX_HITS
    jobs: int = 2


def select(files: FileIndex, scan: Scan) -> list[str]:
    """The files to scan: `path` minus the excludes, the baseline file itself and the
    files of the other scanners whose allowlists are read."""
    rels = files.files if scan.path.strip() in _ALL else files.glob(scan.path)
    return list(filter(keeper(scan.exclude, _skipped(scan)), rels))


def _skipped(scan: Scan) -> list[str]:
    return [scan.baseline, *(scan.allow.files if scan.allow is not None else ())]


def scan_tree(
    files: FileIndex,
    scan: Scan = Scan(),
    *,
    workers: Workers | None = None,
    parallel_min_files: int = PARALLEL_MIN_FILES,
) -> tuple[list[Hit], Totals]:
    """Scan the selected files: here for a small tree, in `scan.jobs` workers for a big
    one (`parallel_min_files` files or more): `workers`, perhaps started already
    (`start_early`), or workers of its own."""
    root = str(files.root)
    if workers is None:
        with Workers(root, scan.jobs) as own:
            return scan_tree(files, scan, workers=own, parallel_min_files=parallel_min_files)
    if scan.path.strip() in _ALL:
        tracked = big_tree(files, scan.jobs, parallel_min_files)
        if tracked is not None:

            def untracked() -> bytes:
                found = files.git_listing(*UNTRACKED)
                if found is None:  # git failed after listing the tracked files: list it all
                    known = set(files.tracked() or ())
                    found = paths_bytes(rel for rel in files.files if rel not in known)
                return found

            return _workers(workers, [tracked, untracked], scan, skip=_skipped(scan))
    rels = select(files, scan)
    if scan.jobs > 1 and len(rels) >= parallel_min_files:
        return _workers(workers, [paths_bytes(rels)], scan)

    def read(rel: str) -> bytes | None:
        return files.read_regular(rel, READ_CAP + 1)

    review = scan.review.rewriting() if scan.review and scan.rewrite else scan.review
    allow = scan.allow if scan.allow is not None and scan.allow.active else None
    hits, totals = scan_files(root, rels, read, review, allow)
    totals.dropped_hits += max(0, len(hits) - scan.max_hits)
    return hits[: scan.max_hits], totals


async def find_secrets(
    files: FileIndex, scan: Scan = Scan(), *, parallel_min_files: int = PARALLEL_MIN_FILES
) -> tuple[list[Hit], Totals]:
    """`scan_tree` in a thread; cancelled, it stops the workers it started."""
    import asyncio

    workers = Workers(str(files.root), scan.jobs)
    try:
        return await asyncio.to_thread(
            scan_tree, files, scan, workers=workers, parallel_min_files=parallel_min_files
        )
    finally:
        workers.close()


def _workers(
    workers: Workers, listings: list[Listing], scan: Scan, skip: Iterable[str] = ()
) -> tuple[list[Hit], Totals]:
    root = workers.root
    review: list[str] = []
    if scan.review is not None and scan.rewrite:
        review = ["--rewrite", scan.review.salt.hex()]
    elif scan.review is not None and scan.review.entries:
        review = ["--baseline", f"{root}/{scan.baseline}"]
    if scan.allow is not None and scan.allow.active:
        review += scan.allow.worker_args
    flags = worker_flags(exclude=scan.exclude, skip=skip, review=review, max_hits=scan.max_hits)
    return scan_parallel(workers, listings, flags, scan.max_hits)


def finding(hit: Hit) -> Finding:
    title = TITLES.get(hit.kind, hit.kind)
    notes = [n for n in (_CONTEXT_NOTES.get(hit.context), hit.note) if n]
    return Finding(
        f"secrets.{hit.kind}",
        " ".join([f"{title} {hit.preview}… ({hit.length} chars)", *notes]),
        path=hit.path,
        line=hit.line,
        severity=hit.severity,
        key=hit.fingerprint,
    )
