"""A scanning worker: `python -m gonogo.secrets.worker ROOT [OPTION VALUE]...`

Options: `--exclude PATTERN` (gitignore syntax; repeatable), `--skip PATH` (repeatable),
`--baseline FILE` (hash the findings it lists), `--rewrite SALT` (hash every finding
with that salt, for `--update-baseline`), `--tool-allowlists on` (apply the allowlists
of other scanners found under ROOT, `gonogo.secrets.tools`; `--gitleaks-config PATH` is
`GITLEAKS_CONFIG`), `--max-hits N`, `--options stdin` (a worker started before its
caller knew the scan: standard input starts with the other options, an 8-byte big-endian
length then a JSON list of strings).

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
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from gonogo.secrets.allow import Allowlists
    from gonogo.secrets.baseline import Baseline

MAX_NAMED = 100
USAGE = (
    "usage: python -m gonogo.secrets.worker ROOT [--exclude PATTERN]... [--skip PATH]... "
    "[--baseline FILE] [--rewrite SALT] [--tool-allowlists on [--gitleaks-config PATH]] "
    "[--max-hits N] [--options stdin]"
)
_REPEATED = ("--exclude", "--skip")
_SINGLE = (
    "--baseline",
    "--rewrite",
    "--max-hits",
    "--tool-allowlists",
    "--gitleaks-config",
    "--options",
)
HEADER = 8  # bytes of the options' length, before them


def main(argv: list[str]) -> int:
    from gonogo.fs.globs import unignored
    from gonogo.secrets import scan
    from gonogo.secrets.excludes import keeper
    from gonogo.secrets.scan import MAX_HITS, Hit, Totals, scan_files, to_json, tree_read

    options = _options(argv[1:])
    scan.compiled()  # before the options and paths arrive: it overlaps the caller's work
    if options is not None and options["--options"]:  # the caller started it early
        given = _stdin_options(sys.stdin.buffer)
        if given is None:
            return 0  # the caller stopped before the scan began
        options = _options(argv[1:] + given)
    if not argv or options is None:
        print(USAGE, file=sys.stderr)
        return 2
    root = argv[0]
    keep = keeper(options["--exclude"], options["--skip"])
    review = _review(options)
    allow = _allow(root, options)
    limit = int(options["--max-hits"][0]) if options["--max-hits"] else MAX_HITS
    read = tree_read(root)
    hits: list[Hit] = []
    totals = Totals()
    for batch in batches(sys.stdin.buffer):
        rels = [r for r in unignored(batch) if keep(r)]
        found, counted = scan_files(root, rels, read, review, allow)
        room = max(0, limit - len(hits))
        hits += found[:room]
        totals.add(counted)
        totals.dropped_hits += max(0, len(found) - room)
        del totals.unreadable[MAX_NAMED:]  # the report names the first few
        del totals.truncated[MAX_NAMED:]
    sys.stdout.write(to_json(hits, totals))
    return 0


def _review(options: dict[str, list[str]]) -> Baseline | None:
    from gonogo.secrets import baseline

    if options["--rewrite"]:
        return baseline.Baseline.of(bytes.fromhex(options["--rewrite"][0]), (), everything=True)
    if options["--baseline"]:
        return baseline.load(Path(options["--baseline"][0]))
    return None


def _allow(root: str, options: dict[str, list[str]]) -> Allowlists | None:
    """The allowlists the caller loaded, loaded again here the same way (its warnings
    are the caller's to print)."""
    if options["--tool-allowlists"] != ["on"]:
        return None
    from gonogo.secrets import tools

    named = options["--gitleaks-config"]
    environ = {tools.GITLEAKS_ENV: named[0]} if named else {}
    allow = tools.load(Path(root), environ)
    return allow if allow.active else None


def _options(args: list[str]) -> dict[str, list[str]] | None:
    found: dict[str, list[str]] = {flag: [] for flag in _REPEATED + _SINGLE}
    if len(args) % 2:
        return None
    for flag, value in zip(args[::2], args[1::2], strict=True):
        if flag not in found or (flag in _SINGLE and found[flag]):
            return None
        found[flag].append(value)
    if found["--max-hits"] and not found["--max-hits"][0].isdigit():
        return None
    if found["--options"] and found["--options"] != ["stdin"]:
        return None
    return found


def _stdin_options(stream: BinaryIO) -> list[str] | None:
    """The options at the start of `stream`: an 8-byte length, then a JSON list of
    strings (anything else makes the usage error); None when the stream ends first."""
    import json

    head = stream.read(HEADER)
    if len(head) < HEADER:
        return None
    try:
        flags = json.loads(stream.read(int.from_bytes(head, "big")))
    except ValueError:
        return ["--options", "invalid"]
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return ["--options", "invalid"]
    return flags


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
