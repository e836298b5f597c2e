"""A whole tree's scan: which files, and where they are read.

A small tree is scanned in this process through the run's shared read cache. A big one
goes to worker processes; in a git work tree they start on the tracked files, which git
lists from its index at once, while git walks the tree for untracked files (most of a
listing's cost). Deleted files are not looked for at all: a worker skips a file it
cannot find. Nothing here imports pydantic, so `gonogo secrets` starts as fast as the
scan allows.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from dataclasses import dataclass

from gonogo.fs.index import FileIndex
from gonogo.models import Finding
from gonogo.secrets.allow import Allowlists
from gonogo.secrets.baseline import DEFAULT_PATH, Baseline
from gonogo.secrets.detectors import TITLES
from gonogo.secrets.excludes import keeper
from gonogo.secrets.parallel import Listing, paths_bytes, scan_parallel
from gonogo.secrets.scan import MAX_HITS, READ_CAP, Hit, Totals, scan_files

PARALLEL_MIN_FILES = 4000
_ALL = ("", "**", "**/*", ".")
_CONTEXT_NOTES = {
    "test": "in a test file (a warning: real credentials in tests leak too)",
    "dev": "in a development configuration (a warning: make sure it is not a real credential)",
    "example": "in an example file (a warning: make sure it is not a real credential)",
    "docs": "in documentation (a warning: make sure it is not a real credential)",
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


async def find_secrets(
    files: FileIndex, scan: Scan = Scan(), *, parallel_min_files: int = PARALLEL_MIN_FILES
) -> tuple[list[Hit], Totals]:
    """Scan the selected files: here for a small tree, in `scan.jobs` workers for a big
    one (`parallel_min_files` files or more)."""
    root = str(files.root)
    review = scan.review.rewriting() if scan.review and scan.rewrite else scan.review
    if scan.jobs > 1 and scan.path.strip() in _ALL and not files.listed:
        tracked = await asyncio.to_thread(files.git_listing, "-c")
        if tracked is not None and tracked.count(b"\0") >= parallel_min_files:

            async def untracked() -> bytes:
                found = await asyncio.to_thread(files.git_listing, "-o", "--exclude-standard")
                if found is None:  # git failed after listing the tracked files: list it all
                    known = set(files.tracked() or ())
                    listed = await asyncio.to_thread(lambda: files.files)
                    found = paths_bytes(rel for rel in listed if rel not in known)
                return found

            listings: list[Listing] = [tracked, untracked]
            return await _workers(root, listings, scan, skip=_skipped(scan))
    rels = select(files, scan)
    if scan.jobs > 1 and len(rels) >= parallel_min_files:
        return await _workers(root, [paths_bytes(rels)], scan)

    def read(rel: str) -> bytes | None:
        return files.read_regular(rel, READ_CAP + 1)

    allow = scan.allow if scan.allow is not None and scan.allow.active else None
    hits, totals = await asyncio.to_thread(scan_files, root, rels, read, review, allow)
    totals.dropped_hits += max(0, len(hits) - scan.max_hits)
    return hits[: scan.max_hits], totals


async def _workers(
    root: str, listings: list[Listing], scan: Scan, skip: Iterable[str] = ()
) -> tuple[list[Hit], Totals]:
    review: list[str] = []
    if scan.review is not None and scan.rewrite:
        review = ["--rewrite", scan.review.salt.hex()]
    elif scan.review is not None and scan.review.entries:
        review = ["--baseline", f"{root}/{scan.baseline}"]
    if scan.allow is not None and scan.allow.active:
        review += scan.allow.worker_args
    return await scan_parallel(
        root,
        listings,
        scan.jobs,
        exclude=scan.exclude,
        skip=skip,
        review=review,
        max_hits=scan.max_hits,
    )


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
