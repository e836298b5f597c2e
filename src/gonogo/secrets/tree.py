"""A whole tree's scan: which files, and where they are read.

A small tree is scanned in this process through the run's shared read cache. A big one
goes to worker processes; in a git work tree they start on the tracked files, which git
lists from its index at once, while the walk for untracked files (most of a listing's
cost) runs beside them, and deleted files are not looked for at all: a worker skips a
file it cannot find. Nothing here imports pydantic, so `gonogo secrets`
starts as fast as the scan allows.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Iterable

from gonogo.fsindex import FileIndex, glob_to_regex
from gonogo.models import Finding
from gonogo.secrets.baseline import DEFAULT_PATH
from gonogo.secrets.detectors import TITLES
from gonogo.secrets.scan import READ_CAP, Hit, Totals, scan_files, scan_parallel

PARALLEL_MIN_FILES = 4000
_ALL = ("", "**", "**/*", ".")


def keeper(exclude: Iterable[str], baseline: str) -> Callable[[str], bool]:
    """The test a listed file passes to be scanned: not excluded, not the baseline."""
    globs = [g.strip().removeprefix("./") for g in exclude]
    if not globs:
        return lambda rel: rel != baseline
    skip = [re.compile(glob_to_regex(g)) for g in globs]
    skip_dir = tuple(g.rstrip("/") + "/" for g in globs if not any(c in g for c in "*?["))

    def keep(rel: str) -> bool:
        return (
            rel != baseline
            and not rel.startswith(skip_dir)
            and not any(s.fullmatch(rel) for s in skip)
        )

    return keep


def select(files: FileIndex, path: str, exclude: Iterable[str], baseline: str) -> list[str]:
    """The files to scan: `path` minus `exclude` and the baseline file itself."""
    rels = files.files if path.strip() in _ALL else files.glob(path)
    return list(filter(keeper(exclude, baseline), rels))


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
    keep = keeper(exclude, baseline)
    if jobs > 1 and path.strip() in _ALL and not files.listed:
        tracked = await asyncio.to_thread(files.tracked)
        if tracked is not None and len(tracked) >= parallel_min_files:
            return await _scan_while_listing(files, tracked, keep, jobs)
    rels = select(files, path, exclude, baseline)
    if jobs > 1 and len(rels) >= parallel_min_files:
        return await scan_parallel(str(files.root), rels, jobs)

    def read(rel: str) -> bytes | None:
        return files.read_regular(rel, READ_CAP + 1)

    return await asyncio.to_thread(scan_files, str(files.root), rels, read)


async def _scan_while_listing(
    files: FileIndex, tracked: tuple[str, ...], keep: Callable[[str], bool], jobs: int
) -> tuple[list[Hit], Totals]:
    """Workers scan the tracked files while git looks for untracked ones, then those; a
    tracked file deleted from the work tree is skipped as a worker meets it."""

    async def untracked() -> list[str]:
        others = await asyncio.to_thread(files.untracked)
        if others is None:  # git failed after listing the tracked files: list it all
            known = frozenset(tracked)
            others = tuple(
                r for r in await asyncio.to_thread(lambda: files.files) if r not in known
            )
        return [rel for rel in others if keep(rel)]

    first = [rel for rel in tracked if keep(rel)]
    return await scan_parallel(str(files.root), first, jobs, more=untracked)


def finding(hit: Hit) -> Finding:
    title = TITLES.get(hit.kind, hit.kind)
    return Finding(
        f"secrets.{hit.kind}",
        f"{title} {hit.preview}… ({hit.length} chars)",
        path=hit.path,
        line=hit.line,
    )
