"""`gonogo audit REPORT`: check the claims of a hand-written readiness report."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

PLAN_NAME = "gonogo.yaml"


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "audit",
        help="verify the claims of a hand-written readiness report",
        description=(
            "Read a Markdown readiness report and judge each claim: evidence files cited "
            "by done rows, ticked checklists and File:/Evidence: labels (exist, non-empty, "
            "executable for scripts, parse as YAML/JSON/TOML/XML/Python, cited lines "
            "exist); numbers against the JUnit, coverage or benchmark file they cite; "
            "summaries, percents and totals against what they sum up; statuses (READY, "
            "GO, 'Blockers: None', a ✅ heading) against the open items beside them; "
            "sign-off tables. Prints 'N hold, M broken, K open, U unverifiable', broken "
            "claims first. Exit 0 when no claim is broken, 1 otherwise, 2 for unreadable "
            "input (missing, not a regular file, binary, or over 10 MiB)."
        ),
    )
    p.add_argument("report", help="the report (Markdown or text)")
    p.add_argument(
        "--root",
        help="repository the report speaks of (default: the git work tree holding the "
        "report, else the report's folder)",
    )
    p.add_argument(
        "--junit",
        action="append",
        default=[],
        metavar="GLOB",
        help="JUnit XML files to check test counts against (relative to the root); repeatable",
    )
    p.add_argument("--format", choices=("term", "json", "md"), default="term")
    p.add_argument(
        "--only",
        choices=("broken", "open", "unverifiable", "holds"),
        help="show only the claims with this verdict (the summary still counts all)",
    )
    p.add_argument(
        "--to-plan",
        action="store_true",
        help=f"also write a plan ({PLAN_NAME} in the root, or -o) with a check per claim",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write the plan (or the audit) here")
    p.add_argument("--force", action="store_true", help="overwrite an existing plan file")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo import atomic
    from gonogo.audit.core import audit
    from gonogo.audit.render import FORMATS
    from gonogo.errors import UsageError
    from gonogo.redact import Redactor

    mask = Redactor().text  # a report may quote a credential: none is printed again
    report = Path(args.report)
    if not report.exists():
        raise UsageError(f"{args.report}: no such report")
    root = Path(args.root).resolve() if args.root else default_root(report)
    if not root.is_dir():
        raise UsageError(f"--root {args.root}: not a directory")
    plan_path = _plan_target(args, root) if args.to_plan else None
    result = audit(report, root, junit_globs=args.junit)
    if plan_path is not None:
        atomic.write_text(plan_path, mask(plan_text(result, report, root)))
        print(f"gonogo: wrote {plan_path}", file=sys.stderr)
    to_file = args.output not in (None, "-") and not args.to_plan
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ and not to_file
    if args.format != "term" or to_file:  # the terminal report shows its warnings itself
        for warning in result.warnings:
            print(f"gonogo: warning: {mask(warning)}", file=sys.stderr)
    text = mask(FORMATS[args.format](result, color=color, width=_width(), only=args.only))
    if to_file:
        atomic.write_text(Path(args.output), text)
    else:
        sys.stdout.write(text)
    return result.exit_code


def _plan_target(args: argparse.Namespace, root: Path) -> Path:
    from gonogo.errors import UsageError

    path = Path(args.output) if args.output else root / PLAN_NAME
    if path.exists() and not args.force:
        raise UsageError(f"{path} already exists; pass --force to replace it, or -o FILE")
    return path


def plan_text(result: Any, report: Path, root: Path) -> str:
    from gonogo.audit import toplan

    return toplan.render(result, project=root.name or "project", report=report.name)


def default_root(report: Path) -> Path:
    from gonogo.git import git_output

    folder = report.resolve().parent
    top = git_output(folder, "rev-parse", "--show-toplevel")
    return Path(top) if top else folder


def _width() -> int:
    import shutil

    return max(80, min(160, shutil.get_terminal_size((100, 24)).columns))
