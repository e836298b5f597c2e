"""`gonogo secrets`: scan for hardcoded credentials; `--update-baseline` records the
current findings as reviewed."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gonogo.fs.index import FileIndex
    from gonogo.secrets.parallel import Workers


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
    p.add_argument(
        "--no-tool-allowlists",
        action="store_true",
        help="report what .gitleaks.toml, .gitleaksignore and .secrets.baseline allow",
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
    from gonogo.errors import UsageError
    from gonogo.fs.index import FileIndex
    from gonogo.secrets.parallel import Workers, start_early

    root = Path(args.path).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.path} is not a directory")
    files = FileIndex(root)
    with Workers(str(root), max(1, args.jobs)) as workers:
        start_early(files, workers)  # they start while the configuration is read
        return _scan(args, files, workers)


def _scan(args: argparse.Namespace, files: FileIndex, workers: Workers) -> int:
    from gonogo import atomic
    from gonogo.errors import UsageError
    from gonogo.secrets import baseline as bl
    from gonogo.secrets import tools
    from gonogo.secrets.excludes import excludes_of, gather, plan_checks, setting
    from gonogo.secrets.scan import MAX_HITS
    from gonogo.secrets.tree import Scan, finding, scan_tree

    root = files.root
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
    plan_file, checks = plan_checks(root)
    from_plan = excludes_of(checks)
    excludes = gather(root, {"--exclude": args.exclude, f"{plan_file} secrets checks": from_plan})
    verbose = getattr(args, "verbose", 0)
    if verbose:
        _print_excludes(excludes.describe())
    off = "--no-tool-allowlists" if args.no_tool_allowlists else ""
    if not off and setting(checks, "tool_allowlists") is False:
        off = f"{plan_file}: tool_allowlists: false"
    allow = None if off else tools.load(root, os.environ)
    _print_allowlists(allow, off, verbose)
    scan = Scan(
        exclude=excludes.patterns,
        baseline=rel_baseline,
        review=previous,
        rewrite=args.update_baseline,
        allow=allow,
        max_hits=limit,
        jobs=max(1, args.jobs),
    )
    hits, totals = scan_tree(files, scan, workers=workers)
    if args.update_baseline:
        atomic.write_text(root / rel_baseline, bl.render(hits, previous))
        print(f"{rel_baseline}: {len(hits)} finding(s) recorded from {totals.files} file(s)")
        return 0
    found = [finding(h) for h in hits]
    total = len(found) + totals.dropped_hits
    if args.format == "json":
        out: dict[str, Any] = {"files": totals.files, "baselined": totals.baselined}
        out["allowed"] = dict(sorted(totals.allowed.items()))
        out |= {"total": total, "listed": len(found), "max_findings": limit}
        out["findings"] = [f.to_dict() for f in found]
        out["allowlist_problems"] = _problems(allow)
        sys.stdout.write(json.dumps(out, indent=2, ensure_ascii=False) + "\n")
    else:
        for f in found:
            print(f"{f.path}:{f.line}: {f.rule}: {f.message}")
        print(_summary(total, totals, rel_baseline, limit))
    return 1 if any(f.severity == "error" for f in found) or totals.dropped_hits else 0


def _summary(total: int, totals: Any, baseline: str, limit: int) -> str:
    from gonogo.secrets.allow import summary

    line = f"{total} secret(s) in {totals.files} file(s)"
    if totals.baselined:
        line += f"; {totals.baselined} accepted by {baseline}"
    if totals.allowed:
        line += f"; {summary(totals.allowed)}"
    if totals.dropped_hits:
        line += f"; {totals.dropped_hits} not listed (--max-findings {limit})"
    return line


def _print_allowlists(allow: Any, off: str, verbose: int) -> None:
    """Problems always (the scan goes on without what they name); with -v, every list in
    effect or left out, and why. Masked like every output: a pattern may quote a value."""
    for problem in _problems(allow):
        print(f"gonogo: warning: {problem}", file=sys.stderr)
    if not verbose:
        return
    if off:
        print(f"tool allowlists: off ({off})", file=sys.stderr)
        return
    print("tool allowlists:" if allow.notes else "tool allowlists: none", file=sys.stderr)
    for note in _masked(allow.notes):
        print(f"  {note}", file=sys.stderr)


def _problems(allow: Any) -> list[str]:
    return _masked([p.text() for p in allow.problems] if allow else [])


def _masked(texts: Any) -> list[str]:
    if not texts:
        return []
    from gonogo.redact import detected

    return [detected(t) for t in texts]


def _print_excludes(lines: list[str]) -> None:
    print("excludes in effect:" if lines else "excludes in effect: none", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
