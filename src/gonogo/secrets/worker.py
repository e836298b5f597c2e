"""A scanning worker: `python -m gonogo.secrets.worker ROOT LISTFILE`.

LISTFILE holds NUL-separated paths relative to ROOT. The worker prints one JSON line per
hit (kind, path, line, preview, length, fingerprint; never the value) and a totals line.
Running as a separate program, not a forked copy of gonogo, keeps it independent of the
caller's threads and main module.
"""

from __future__ import annotations

import sys

MAX_HITS = 2000


def main(argv: list[str]) -> int:
    from gonogo.secrets.scan import scan_files, to_json

    if len(argv) != 2:
        print("usage: python -m gonogo.secrets.worker ROOT LISTFILE", file=sys.stderr)
        return 2
    root, listfile = argv
    with open(listfile, "rb") as fh:
        rels = [p.decode("utf-8", "surrogateescape") for p in fh.read().split(b"\0") if p]
    hits, totals = scan_files(root, rels)
    totals.dropped_hits = max(0, len(hits) - MAX_HITS)
    sys.stdout.write(to_json(hits[:MAX_HITS], totals))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
