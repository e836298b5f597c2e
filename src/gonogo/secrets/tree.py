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

from gonogo.fs.globs import keeper
from gonogo.fs.index import FileIndex
from gonogo.models import Finding
from gonogo.secrets.baseline import DEFAULT_PATH
from gonogo.secrets.detectors import TITLES
from gonogo.secrets.parallel import Listing, paths_bytes, scan_parallel
from gonogo.secrets.scan import READ_CAP, Hit, Totals, scan_files

PARALLEL_MIN_FILES = 4000
_ALL = ("", "**", "**/*", ".")


def select(files: FileIndex, path: str, exclude: Iterable[str], baseline: str) -> list[str]:
    """The files to scan: `path` minus `exclude` and the baseline file itself."""
    rels = files.files if path.strip() in _ALL else files.glob(path)
    return list(filter(keeper(exclude, [baseline]), rels))


async def find_secrets(
    files: FileIndex,
    path: str = "**",
    exclude: Iterable[str] = (),
    baseline: str = DEFAULT_PATH,
    jobs: int = 2,
    *,
    parallel_min_files: int = PARALLEL_MIN_FILES,
) -> tuple[list[Hit], Totals]:
    """Scan the selected files: here for a small tree, in `jobs` workers for a big one
    (`parallel_min_files` files or more)."""
    exclude = list(exclude)
    root = str(files.root)
    if jobs > 1 and path.strip() in _ALL and not files.listed:
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
            return await scan_parallel(root, listings, jobs, exclude=exclude, skip=[baseline])
    rels = select(files, path, exclude, baseline)
    if jobs > 1 and len(rels) >= parallel_min_files:
        return await scan_parallel(root, [paths_bytes(rels)], jobs)

    def read(rel: str) -> bytes | None:
        return files.read_regular(rel, READ_CAP + 1)

    return await asyncio.to_thread(scan_files, root, rels, read)


def finding(hit: Hit) -> Finding:
    title = TITLES.get(hit.kind, hit.kind)
    return Finding(
        f"secrets.{hit.kind}",
        f"{title} {hit.preview}… ({hit.length} chars)",
        path=hit.path,
        line=hit.line,
    )
