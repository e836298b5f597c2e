"""`gonogo diff [RUN_A] [RUN_B]`: what changed between two recorded runs."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from gonogo.report.rundiff import SECTIONS, Change, RunDiff, compare

if TYPE_CHECKING:
    from gonogo.models import RunReport

__all__ = ["Change", "RunDiff", "compare", "render", "run"]


def add_parser(sub: Any) -> None:
    from gonogo.cli.common import add_project, add_store_option

    p = sub.add_parser("diff", help="compare two recorded runs (default: the last two)")
    p.add_argument("run_a", nargs="?", metavar="RUN_A", help="older run id or prefix")
    p.add_argument("run_b", nargs="?", metavar="RUN_B", help="newer run id (default: latest)")
    add_project(p, positional=False)
    add_store_option(p)
    p.add_argument("--format", choices=["term", "json"], default="term")
    p.add_argument(
        "--exit-code",
        action="store_true",
        help="exit 1 when a check newly fails (or errors) in RUN_B, as git diff --exit-code",
    )
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.common import open_existing, project_path
    from gonogo.errors import UsageError

    store = open_existing(args, project_path(args))
    if store is None:
        raise UsageError("no runs recorded yet: `gonogo diff` needs two (run `gonogo check`)")
    try:
        a, b = _pick(store, args.run_a, args.run_b)
        older, newer = store.get(a), store.get(b)
    except LookupError as exc:
        raise UsageError(str(exc.args[0])) from None
    finally:
        store.close()
    diff = compare(older, newer)
    if args.format == "json":
        body = {"a": older.run_id, "b": newer.run_id, **asdict(diff)}
        print(json.dumps(body, indent=2))
    else:
        print(render(older, newer, diff))
    return 1 if args.exit_code and diff.newly_failing else 0


def _pick(store: Any, run_a: str | None, run_b: str | None) -> tuple[str, str]:
    from gonogo.errors import UsageError

    if run_a and run_b:
        return run_a, run_b
    latest = store.latest_ids(2)
    if run_a:
        return run_a, latest[0]
    if len(latest) < 2:
        raise UsageError(f"`gonogo diff` needs two recorded runs; found {len(latest)}")
    return latest[1], latest[0]


def _label(r: RunReport) -> str:
    rate = "empty" if r.pass_rate is None else f"{r.pass_rate:g}%"
    commit = f", {r.git.commit[:8]}" if r.git.commit else ""
    return f"{r.run_id[:12]} ({r.started_at}{commit}, {r.verdict.value} {rate})"


def render(a: RunReport, b: RunReport, diff: RunDiff) -> str:
    out = [f"{_label(a)} → {_label(b)}"]
    for key, title in SECTIONS:
        changes: tuple[Change, ...] = getattr(diff, key)
        if not changes:
            continue
        out += ["", f"{title} ({len(changes)})"]
        width = max(len(c.check_id) for c in changes)
        for c in changes:
            move = f"{c.before or '—'} → {c.after or '—'}"
            out.append(f"  {c.check_id.ljust(width)}  [{c.gate}]  {move}: {c.message}")
    if len(out) == 1:
        out += ["", "no check failed, was fixed, added or removed between these runs"]
    return "\n".join(out)
