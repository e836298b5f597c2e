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
    from gonogo.report import Provenance

OUTPUT_DIR = ".gonogo"


def add_parser(sub: Any) -> None:
    from gonogo.cli.checkrun import add_options
    from gonogo.cli.common import add_plan_option, add_project, add_server_option
    from gonogo.models import PRIORITIES
    from gonogo.report import FORMATS

    p = sub.add_parser("check", help="run the readiness plan and print GO / NO-GO")
    add_project(p)
    add_plan_option(p)
    p.add_argument(
        "--gate",
        action="append",
        default=[],
        metavar="ID",
        help="run only this gate (and the gates it requires); repeatable",
    )
    p.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="SEL",
        help="run only checks matching SEL: a check id, kind, gate, tag or priority (globs "
        "allowed), or a finding rule code or prefix; comma-separated, repeatable",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="SEL",
        help="leave out checks or finding rules matching SEL (as for --select)",
    )
    p.add_argument(
        "--fail-on",
        choices=PRIORITIES,
        metavar="PRIORITY",
        help="exit 1 only for blockers at this priority or above (P0..P3; default: any NO-GO)",
    )
    p.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even on NO-GO (usage errors stay 2)"
    )
    p.add_argument(
        "--format", choices=sorted(FORMATS), default="term", help="output format (default: term)"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the report here, not stdout (- is stdout)"
    )
    p.add_argument(
        "--also",
        action="append",
        default=[],
        metavar="FORMAT=FILE",
        type=_also,
        help="also write the report in FORMAT to FILE (e.g. sarif=gonogo.sarif); repeatable",
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
    p.add_argument(
        "--push",
        action="store_true",
        help="send the run to the team server (--server or $GONOGO_SERVER, token in $GONOGO_TOKEN)",
    )
    add_server_option(p)
    add_options(p)
    p.add_argument("-v", "--verbose", action="count", default=0, help="list every check")
    p.set_defaults(handler=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _also(text: str) -> tuple[str, str]:
    from gonogo.report import FORMATS

    fmt, sep, path = text.partition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"{text!r}: expected FORMAT=FILE, e.g. sarif=out.sarif")
    if fmt not in FORMATS:
        raise argparse.ArgumentTypeError(f"{fmt!r} is not a format: {', '.join(sorted(FORMATS))}")
    return fmt, path


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.checkrun import CheckHistory
    from gonogo.cli.common import project_path, provenance, resolve_plan, say
    from gonogo.engine.selection import Selection, apply, fails_on
    from gonogo.models import Verdict
    from gonogo.probes.registry import all_probes

    probes = all_probes()  # entry points are read once per command
    resolved = resolve_plan(project_path(args), args.plan, probes)
    say(args, resolved.origin)
    plan, root = _gates(resolved.plan, args.gate), resolved.root
    plan, rules = apply(plan, Selection.of(args.select, args.ignore))
    with CheckHistory.open(root, args) as history:
        extra = history.run_options(plan, root)
        if rules:
            extra["refine"] = rules
        report = execute(plan, root, probes, jobs=args.jobs, extra=extra, args=args)
        report = history.finish(report)
        formats = {args.format, *(fmt for fmt, _ in args.also)}
        wants_paths = "sarif" in formats or args.annotations == "github"
        prov = provenance(root, plan) if wants_paths else None
        written = write_outputs(report, root, args, history=history.store, prov=prov)
        history.publish(report, args, prov)
    if args.push and not report.interrupted:
        _push(args, report)
    if report.interrupted:
        return 130
    _tell(args, report, written)
    if args.exit_zero or report.verdict is Verdict.GO:
        return 0
    if not fails_on(report, args.fail_on):
        say(args, f"NO-GO from checks below {args.fail_on} only: exit 0 (--fail-on)")
        return 0
    return 1


def _push(args: argparse.Namespace, report: RunReport) -> None:
    """Send the run to the team server; a server that is down costs a warning, not the
    verdict (a usage mistake, such as no token, is still an error)."""
    from gonogo.cli.common import say, send, target, warn
    from gonogo.report import render
    from gonogo.server.client import PushError

    target(args, os.environ)
    try:
        say(args, send(render(report, "json").encode(), report.project, args, os.environ))
    except PushError as exc:
        warn(f"{exc}; the verdict stands")


def _gates(plan: Plan, gate_ids: list[str]) -> Plan:
    from gonogo.errors import UsageError

    if not gate_ids:
        return plan
    unknown = [g for g in gate_ids if g not in {x.id for x in plan.gates}]
    if unknown:
        raise UsageError(
            f"--gate {unknown[0]}: no such gate in {plan.source}; gates: "
            + ", ".join(g.id for g in plan.gates)
        )
    return plan.select(gate_ids)


def _tell(args: argparse.Namespace, report: RunReport, written: Path | None) -> None:
    """The verdict on stderr whenever stdout does not carry the terminal report."""
    from gonogo.cli.common import say
    from gonogo.report.common import summary_line

    if written is None and args.format == "term":
        return
    where = f"; report: {written}" if written is not None else ""
    say(args, summary_line(report) + where)


def execute(
    plan: Plan,
    root: Path,
    probes: Mapping[str, Any],
    *,
    jobs: int,
    extra: dict[str, Any] | None = None,
    args: argparse.Namespace | None = None,
) -> RunReport:
    import asyncio
    import signal

    from gonogo.cli.progress import DELAY_S, progress_listener
    from gonogo.engine.scheduler import RunOptions, run_plan

    quiet = bool(getattr(args, "quiet", 0))

    async def main() -> RunReport:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGINT, stop.set)
            loop.add_signal_handler(signal.SIGTERM, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
        with progress_listener(plan.checks, quiet=quiet) as listener:
            loop.call_later(DELAY_S, listener.show)
            options = RunOptions(jobs=jobs, listener=listener, stop=stop, **(extra or {}))
            return await run_plan(plan, root, probes, options)

    return asyncio.run(main())


def write_outputs(
    report: RunReport,
    root: Path,
    args: argparse.Namespace,
    history: Any = None,
    prov: Provenance | None = None,
) -> Path | None:
    """`.gonogo/last.json` and `last.md`, then the report asked for; returns the file the
    report went to (None for stdout)."""
    from dataclasses import replace

    from gonogo import atomic
    from gonogo.cli.common import emit, use_color, warn
    from gonogo.errors import OutputError
    from gonogo.report import Provenance, RenderOptions, render

    out_dir = root / OUTPUT_DIR
    base = RenderOptions(root=root)
    kept = {fmt: render(report, fmt, base) for fmt in ("json", "md")}  # read no options
    try:
        atomic.write_text(out_dir / "last.json", kept["json"], mode=atomic.REPORT_MODE)
        atomic.write_text(out_dir / "last.md", kept["md"], mode=atomic.REPORT_MODE)
    except OSError as exc:
        warn(f"cannot write {out_dir}: {exc.strerror or exc}")
    except OutputError as exc:  # a symlinked .gonogo: the verdict still stands
        warn(str(exc))
    to_stdout = args.output in (None, "-")
    color = to_stdout and use_color(args, sys.stdout, os.environ)
    wanted = {args.format, *(fmt for fmt, _ in getattr(args, "also", []))}
    options = RenderOptions(
        color=color,
        width=_width(),
        root=root,
        trends=_trends(history, report) if "html" in wanted else {},
        extra={"verbose": args.verbose},
        provenance=prov or Provenance(),
        docs=_docs() if "sarif" in wanted else {},
        rules=_rules() if "sarif" in wanted else {},
    )
    text = kept.get(args.format) or render(report, args.format, options)
    written = emit(text, args.output)
    file_options = replace(options, color=False)
    for fmt, path in getattr(args, "also", []):
        emit(kept.get(fmt) or render(report, fmt, file_options), path)
    return written


def _trends(history: Any, report: RunReport) -> dict[str, list[Any]]:
    """Each gate's recent runs, for the HTML report's charts; {} when unreadable."""
    from gonogo.cli.common import warn
    from gonogo.report.html import TREND_RUNS

    if history is None:
        return {}
    try:
        trends: dict[str, list[Any]] = history.trends([g.gate_id for g in report.gates], TREND_RUNS)
    except Exception as exc:  # the report still renders, with this run's point alone
        warn(f"cannot read pass-rate trends from the history: {exc}")
        return {}
    return trends


def _docs() -> dict[str, Any]:
    """Each check kind's doc, for the rule text of code-scanning results."""
    from gonogo.probes.registry import all_probes

    return {kind: probe.doc for kind, probe in all_probes().items()}


def _rules() -> dict[str, Any]:
    from gonogo.probes.registry import all_probes
    from gonogo.rules import catalogue

    return dict(catalogue(all_probes()))


def _width() -> int:
    import shutil

    return max(80, min(160, shutil.get_terminal_size((100, 24)).columns))
