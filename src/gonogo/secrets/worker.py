"""A scanning worker: `python -m gonogo.secrets.worker ROOT [--exclude GLOB]... [--skip PATH]...`

Paths relative to ROOT arrive on standard input, NUL-terminated, exactly as `git ls-files
-z` prints them, and the worker scans them as they come, so it can start while its
caller is still listing the tree. It drops what `--exclude`/`--skip` name and what gonogo
never reads itself. At the end of its input it prints one JSON line per hit (kind, path,
line, preview, length, fingerprint; never the value) and a totals line. Running as a
separate program, not a forked copy of gonogo, keeps it independent of the caller's
threads and main module.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

MAX_HITS = 2000
MAX_NAMED = 100
USAGE = "usage: python -m gonogo.secrets.worker ROOT [--exclude GLOB]... [--skip PATH]..."


def main(argv: list[str]) -> int:
    from gonogo.fs.globs import keeper, unignored
    from gonogo.secrets.scan import Hit, Totals, compiled, scan_files, to_json, tree_read

    options = _options(argv[1:])
    if not argv or options is None:
        print(USAGE, file=sys.stderr)
        return 2
    root = argv[0]
    keep = keeper(options["--exclude"], options["--skip"])
    compiled()  # before the paths arrive: the compile overlaps the caller's listing
    read = tree_read(root)
    hits: list[Hit] = []
    totals = Totals()
    for batch in batches(sys.stdin.buffer):
        found, counted = scan_files(root, [r for r in unignored(batch) if keep(r)], read)
        room = MAX_HITS - len(hits)
        hits += found[:room]
        totals.add(counted)
        totals.dropped_hits += max(0, len(found) - room)
        del totals.unreadable[MAX_NAMED:]  # the report names the first few
        del totals.truncated[MAX_NAMED:]
    sys.stdout.write(to_json(hits, totals))
    return 0


def _options(args: list[str]) -> dict[str, list[str]] | None:
    found: dict[str, list[str]] = {"--exclude": [], "--skip": []}
    if len(args) % 2:
        return None
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag not in found:
            return None
        found[flag].append(value)
    return found


def batches(stream: BinaryIO) -> Iterator[list[str]]:
    """The NUL-terminated paths on `stream`, a batch for each read that completes some."""
    tail = b""
    while chunk := stream.read1(1 << 16):  # type: ignore[attr-defined]
        *done, tail = (tail + chunk).split(b"\0")
        if done:
            yield [p.decode("utf-8", "surrogateescape") for p in done if p]
    if tail:
        yield [tail.decode("utf-8", "surrogateescape")]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
