"""`gonogo orchestrate`: run the plan's remediation tasks until their acceptance checks
pass, escalating what cannot be fixed automatically; resumable after a crash."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gonogo.orchestrate.session import Outcome
    from gonogo.orchestrate.state import Selection
    from gonogo.plan.model import Plan


def add_parser(sub: Any) -> None:
    p = sub.add_parser(
        "orchestrate",
        help="run remediation tasks by priority and dependency; escalate; resume",
        description="Run the plan's `tasks:` until their acceptance checks pass. Failures are "
        "retried with backoff, then escalated (.gonogo/escalations.jsonl and the plan's "
        "webhook); state is saved on every step so --resume continues after a crash.",
    )
    from gonogo.cli.common import add_plan_option, add_project

    add_project(p)
    add_plan_option(p)
    which = p.add_mutually_exclusive_group()
    which.add_argument(
        "--mode", choices=["all"], default="all", help="every task (default; autonomous mode)"
    )
    which.add_argument(
        "--gate", metavar="ID", help="the tasks whose acceptance checks belong to this gate"
    )
    which.add_argument("--task", metavar="ID", help="one task and its dependencies")
    p.add_argument("--dry-run", action="store_true", help="print the order and what would run")
    p.add_argument(
        "--every",
        metavar="DURATION",
        help="repeat a cycle this often (e.g. 6h) until every gate is GO",
    )
    p.add_argument(
        "--max-cycles", type=_positive, metavar="N", help="with --every: stop after N cycles"
    )
    p.add_argument("--resume", action="store_true", help="continue the saved run in .gonogo/")
    p.add_argument(
        "-j",
        "--jobs",
        type=_positive,
        default=4,
        metavar="N",
        help="tasks run at once (default: 4)",
    )
    p.add_argument(
        "--backoff",
        metavar="DURATION",
        help="first retry delay, doubling each attempt (default: the plan's defaults.backoff)",
    )
    p.set_defaults(handler=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _duration(flag: str, text: str | None) -> float | None:
    from gonogo.durations import parse_duration
    from gonogo.errors import UsageError

    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"{flag}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.common import project_path, resolve_plan, say
    from gonogo.errors import UsageError
    from gonogo.orchestrate.state import Selection

    start = project_path(args)
    every = _duration("--every", args.every)
    if every is not None and every <= 0:
        raise UsageError("--every must be longer than 0s")
    backoff = _duration("--backoff", args.backoff)
    if args.max_cycles and every is None:
        raise UsageError("--max-cycles needs --every (a single run is one cycle)")
    if args.resume and (args.gate or args.task or every is not None or args.max_cycles):
        raise UsageError(
            "--resume continues the saved run with its own selection and schedule; "
            "drop --gate/--task/--every/--max-cycles"
        )
    from gonogo.probes.registry import all_probes

    probes = all_probes()
    resolved = resolve_plan(start, args.plan, probes)
    say(args, resolved.origin)
    plan, root = resolved.plan, resolved.root
    if not plan.tasks:
        raise UsageError(f"{plan.source or 'the plan'} has no `tasks:`; nothing to orchestrate")
    mode, target = (
        ("gate", args.gate) if args.gate else ("task", args.task) if args.task else ("all", None)
    )
    selection = Selection(mode, target, every, args.max_cycles)
    if args.dry_run:
        return _dry_run(plan, selection)
    return _execute(root, plan, selection, args, backoff, probes)


def _dry_run(plan: Plan, selection: Selection) -> int:
    from gonogo.orchestrate.progress import plan_lines
    from gonogo.orchestrate.session import selected_tasks

    tasks = selected_tasks(plan, selection)
    what = selection.target or "all tasks"
    print(f"gonogo orchestrate --dry-run: {len(tasks)} task(s) for {what}, in this order:")
    for line in plan_lines(tasks):
        print(line)
    print("nothing was run.")
    return 0


def _execute(
    root: Path,
    plan: Plan,
    selection: Selection,
    args: argparse.Namespace,
    backoff: float | None,
    probes: Mapping[str, Any],
) -> int:
    from gonogo.orchestrate.progress import TerminalEvents
    from gonogo.orchestrate.session import Request, Session

    req = Request(root, plan, selection, args.resume, args.jobs, backoff)
    outcome = Session(req, probes, dict(os.environ), TerminalEvents(sys.stderr)).run()
    _summary(outcome, root)
    return outcome.exit_code


_MARKS = {"done": "✓", "escalated": "✗", "blocked": "⊘", "pending": "…", "running": "…"}


def _summary(outcome: Outcome, root: Path) -> None:
    state = outcome.state
    counts: dict[str, int] = {}
    for t in outcome.tasks:
        counts[state.task(t.id).status.value] = counts.get(state.task(t.id).status.value, 0) + 1
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    head = "interrupted" if state.status == "interrupted" else "finished"
    print(f"gonogo orchestrate {head} (cycle {state.cycle}): {len(outcome.tasks)} task(s): {parts}")
    width = max((len(t.id) for t in outcome.tasks), default=4)
    for t in outcome.tasks:
        st = state.task(t.id)
        note = f"{st.message}: {st.last_error}" if st.status.value == "escalated" else st.message
        mark = _MARKS.get(st.status.value, "·")
        print(f"  {mark} {t.priority} {t.id:<{width}}  {st.status.value:<9} {note}")
    gonogo_dir = root / ".gonogo"
    print(
        f"progress: {gonogo_dir / 'progress.md'}; escalations: {gonogo_dir / 'escalations.jsonl'}"
    )
    if state.status == "interrupted":
        print("continue with: gonogo orchestrate --resume")
