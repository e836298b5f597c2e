"""`gonogo secrets`: scan for hardcoded credentials; `--update-baseline` records the
current findings as reviewed."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("secrets", help="scan for hardcoded secrets (redacted findings)")
    p.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    p.add_argument(
        "--baseline",
        default=None,
        metavar="FILE",
        help="reviewed findings, relative to PATH (default: .gonogo-secrets.json)",
    )
    p.add_argument(
        "--exclude", action="append", default=[], metavar="GLOB", help="skip files; repeatable"
    )
    p.add_argument(
        "--update-baseline",
        action="store_true",
        help="write every current finding to the baseline (review the diff before committing)",
    )
    p.add_argument(
        "--format",
        choices=("term", "json", "text"),
        default="term",
        help="output format (default: term; text is the same as term)",
    )
    p.add_argument("-j", "--jobs", type=int, default=2, help="worker processes for big trees")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from gonogo import atomic
    from gonogo.errors import UsageError
    from gonogo.fs.index import FileIndex
    from gonogo.secrets import baseline as bl
    from gonogo.secrets.tree import find_secrets, finding

    root = Path(args.path).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.path} is not a directory")
    rel_baseline = args.baseline or bl.DEFAULT_PATH
    try:
        previous = bl.load(root / rel_baseline)
    except bl.BaselineError as exc:
        raise UsageError(str(exc)) from None
    files = FileIndex(root)
    scan = find_secrets(files, "**", args.exclude, rel_baseline, max(1, args.jobs))
    hits, totals = asyncio.run(scan)
    if args.update_baseline:
        atomic.write_text(root / rel_baseline, bl.render(hits, previous))
        print(f"{rel_baseline}: {len(hits)} finding(s) recorded from {totals.files} file(s)")
        return 0
    fresh = [h for h in hits if not previous.accepts(h)]
    found = [finding(h) for h in fresh]
    if args.format == "json":
        out: dict[str, Any] = {"files": totals.files, "baselined": len(hits) - len(fresh)}
        out["findings"] = [f.to_dict() for f in found]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        for f in found:
            print(f"{f.path}:{f.line}: {f.rule}: {f.message}")
        print(
            f"{len(found)} secret(s) in {totals.files} file(s)"
            + (f"; {len(hits) - len(fresh)} accepted by {rel_baseline}" if hits != fresh else "")
        )
    return 1 if found else 0
