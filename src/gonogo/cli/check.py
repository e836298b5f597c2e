"""`gonogo check`: run the plan (or the auto-detected default) and report GO / NO-GO."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gonogo.models import RunReport
    from gonogo.plan.model import Plan

OUTPUT_DIR = ".gonogo"


def add_parser(sub: Any) -> None:
    from gonogo.report import FORMATS

    p = sub.add_parser("check", help="run the readiness plan and print GO / NO-GO")
    p.add_argument("path", nargs="?", default=".", help="project root (default: .)")
    p.add_argument(
        "-p",
        "--plan",
        help="plan file (default: gonogo.yaml in PATH, else the auto-detected default plan)",
    )
    p.add_argument(
        "--gate",
        action="append",
        default=[],
        metavar="ID",
        help="run only this gate (and the gates it requires); repeatable",
    )
    p.add_argument(
        "--format", choices=sorted(FORMATS), default="term", help="output format (default: term)"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the report here, not stdout (- is stdout)"
    )
    p.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=16,
        metavar="N",
        help="checks run at once (default: 16)",
    )
    p.add_argument("--no-history", action="store_true", help="do not record this run")
    from gonogo.store.checkrun import add_options

    add_options(p)
    p.add_argument("-v", "--verbose", action="store_true", help="list every check")
    p.set_defaults(handler=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.models import Verdict

    root = Path(args.path).resolve()
    if not root.is_dir():
        raise UsageError(f"{args.path} is not a directory")
    from gonogo.probes.registry import all_probes

    probes = all_probes()  # entry points are read once per command
    plan = resolve_plan(root, args.plan, probes)
    if args.gate:
        unknown = [g for g in args.gate if g not in {x.id for x in plan.gates}]
        if unknown:
            raise UsageError(
                f"--gate {unknown[0]}: no such gate in {plan.source}; gates: "
                + ", ".join(g.id for g in plan.gates)
            )
        plan = plan.select(args.gate)
    from gonogo.store.checkrun import CheckHistory

    with CheckHistory.open(root, args) as history:
        extra = history.run_options(plan, root)
        report = execute(plan, root, probes, jobs=args.jobs, extra=extra)
        report = history.finish(report)
        write_outputs(report, root, args, history=history.store)
        history.publish(report, args)
    if report.interrupted:
        return 130
    return 0 if report.verdict is Verdict.GO else 1


def resolve_plan(root: Path, plan_arg: str | None, probes: Mapping[str, Any] | None = None) -> Plan:
    from gonogo.detect import default_plan
    from gonogo.errors import UsageError
    from gonogo.plan.loader import find_plan, load_plan
    from gonogo.probes.registry import all_probes

    probes = all_probes() if probes is None else probes
    if plan_arg:
        path = Path(plan_arg)
        if not path.is_file():
            raise UsageError(f"plan file {plan_arg} does not exist")
        return load_plan(path, probes)
    found = find_plan(root)
    if found is not None:
        return load_plan(found, probes)
    return default_plan(root, probes)


def execute(
    plan: Plan,
    root: Path,
    probes: Mapping[str, Any],
    *,
    jobs: int,
    extra: dict[str, Any] | None = None,
) -> RunReport:
    import asyncio
    import signal

    from gonogo.engine.scheduler import RunOptions, run_plan
    from gonogo.report.progress import DELAY_S, progress_listener

    async def main() -> RunReport:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
        with progress_listener(len(plan.checks)) as listener:
            loop.call_later(DELAY_S, listener.show)
            options = RunOptions(jobs=jobs, listener=listener, stop=stop, **(extra or {}))
            return await run_plan(plan, root, probes, options)

    return asyncio.run(main())


def write_outputs(
    report: RunReport, root: Path, args: argparse.Namespace, history: Any = None
) -> None:
    from gonogo import atomic
    from gonogo.report import RenderOptions, render

    out_dir = root / OUTPUT_DIR
    base = RenderOptions(root=root)
    kept = {fmt: render(report, fmt, base) for fmt in ("json", "md")}  # read no options
    try:
        atomic.write_text(out_dir / "last.json", kept["json"])
        atomic.write_text(out_dir / "last.md", kept["md"])
    except OSError as exc:
        print(f"gonogo: warning: cannot write {out_dir}: {exc.strerror or exc}", file=sys.stderr)
    to_file = args.output not in (None, "-")
    color = not to_file and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    options = RenderOptions(
        color=color, width=_width(), root=root, history=history, extra={"verbose": args.verbose}
    )
    text = kept.get(args.format) or render(report, args.format, options)
    if to_file:
        atomic.write_text(Path(args.output), text)
    else:
        sys.stdout.write(text)


def _width() -> int:
    import shutil

    return max(80, min(160, shutil.get_terminal_size((100, 24)).columns))
