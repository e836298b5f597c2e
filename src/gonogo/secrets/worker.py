"""A scanning worker: `python -m gonogo.secrets.worker ROOT`, paths on standard input.

The paths, relative to ROOT, arrive NUL-terminated, and the worker scans them as they
come, so it can start while its caller is still listing the tree. At the end of its
input it prints one JSON line per hit (kind, path, line, preview, length, fingerprint;
never the value) and a totals line. Running as a separate program, not a forked copy of
gonogo, keeps it independent of the caller's threads and main module.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import BinaryIO

MAX_HITS = 2000
MAX_NAMED = 100


def main(argv: list[str]) -> int:
    from gonogo.secrets.scan import READ_CAP, Hit, Totals, compiled, scan_files, to_json
    from gonogo.treeread import TreeReader

    if len(argv) != 1:
        print("usage: python -m gonogo.secrets.worker ROOT < NUL-terminated paths", file=sys.stderr)
        return 2
    root = argv[0]
    compiled()  # before the paths arrive: the compile overlaps the caller's listing
    reader = TreeReader(root)

    def read(rel: str) -> bytes | None:
        return reader.read(rel, READ_CAP + 1)

    hits: list[Hit] = []
    totals = Totals()
    for batch in batches(sys.stdin.buffer):
        found, counted = scan_files(root, batch, read)
        hits += found
        totals.add(counted)
    totals.dropped_hits += max(0, len(hits) - MAX_HITS)
    totals.unreadable = totals.unreadable[:MAX_NAMED]  # the report names the first few
    totals.truncated = totals.truncated[:MAX_NAMED]
    sys.stdout.write(to_json(hits[:MAX_HITS], totals))
    return 0


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
