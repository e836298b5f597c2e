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
        "--exclude",
        action="append",
        default=[],
        metavar="PATTERN",
        help="skip files, gitignore syntax; repeatable (`.gonogoignore` and the plan's "
        "secrets checks add theirs)",
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
    p.add_argument(
        "--max-findings",
        type=int,
        default=None,
        metavar="N",
        help="findings listed at most (default 1000); the output says when more were found",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from gonogo import atomic
    from gonogo.errors import UsageError
    from gonogo.fs.index import FileIndex
    from gonogo.secrets import baseline as bl
    from gonogo.secrets.excludes import gather, plan_excludes
    from gonogo.secrets.scan import MAX_HITS
    from gonogo.secrets.tree import Scan, find_secrets, finding

    root = Path(args.path).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.path} is not a directory")
    limit = MAX_HITS if args.max_findings is None else args.max_findings
    if limit < 1:
        raise UsageError(f"--max-findings: a positive number expected, got {limit}")
    rel_baseline = args.baseline or bl.DEFAULT_PATH
    try:
        previous = bl.load(root / rel_baseline)
    except bl.BaselineError as exc:
        if not args.update_baseline or "--update-baseline" not in str(exc):
            raise UsageError(str(exc)) from None
        previous = bl.empty()  # an old schema, rewritten
    plan_file, from_plan = plan_excludes(root)
    excludes = gather(root, {"--exclude": args.exclude, f"{plan_file} secrets checks": from_plan})
    if getattr(args, "verbose", 0):
        _print_excludes(excludes.describe())
    scan = Scan(
        exclude=excludes.patterns,
        baseline=rel_baseline,
        review=previous,
        rewrite=args.update_baseline,
        max_hits=limit,
        jobs=max(1, args.jobs),
    )
    hits, totals = asyncio.run(find_secrets(FileIndex(root), scan))
    if args.update_baseline:
        atomic.write_text(root / rel_baseline, bl.render(hits, previous))
        print(f"{rel_baseline}: {len(hits)} finding(s) recorded from {totals.files} file(s)")
        return 0
    found = [finding(h) for h in hits]
    total = len(found) + totals.dropped_hits
    if args.format == "json":
        out: dict[str, Any] = {"files": totals.files, "baselined": totals.baselined}
        out |= {"total": total, "listed": len(found), "max_findings": limit}
        out["findings"] = [f.to_dict() for f in found]
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        for f in found:
            print(f"{f.path}:{f.line}: {f.rule}: {f.message}")
        print(_summary(total, totals, rel_baseline, limit))
    return 1 if any(f.severity == "error" for f in found) or totals.dropped_hits else 0


def _summary(total: int, totals: Any, baseline: str, limit: int) -> str:
    line = f"{total} secret(s) in {totals.files} file(s)"
    if totals.baselined:
        line += f"; {totals.baselined} accepted by {baseline}"
    if totals.dropped_hits:
        line += f"; {totals.dropped_hits} not listed (--max-findings {limit})"
    return line


def _print_excludes(lines: list[str]) -> None:
    print("excludes in effect:" if lines else "excludes in effect: none", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
