"""`gonogo approve GATE --as ROLE`: sign off a gate for the current commit and plan."""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    pass


def add_parser(sub: Any) -> None:
    from gonogo.cli.common import add_plan_option, add_project, add_store_option

    p = sub.add_parser(
        "approve", help="approve a gate in a role, for this commit and plan (or --revoke)"
    )
    p.add_argument("gate", metavar="GATE", help="gate id")
    p.add_argument("--as", dest="role", required=True, metavar="ROLE", help="role approving")
    p.add_argument("--by", metavar="NAME", help="who approves (default: git user.name, $USER)")
    p.add_argument("--note", metavar="TEXT", help="why, or what was looked at")
    p.add_argument("--revoke", action="store_true", help="withdraw this role's approval")
    add_plan_option(p)
    add_project(p, positional=False)
    add_store_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace, now: dt.datetime | None = None) -> int:
    from gonogo.cli.common import current
    from gonogo.errors import UsageError
    from gonogo.store import Approval, open_store, store_url

    root, plan, git = current(args)
    gate = next((g for g in plan.gates if g.id == args.gate), None)
    if gate is None:
        known = ", ".join(g.id for g in plan.gates)
        raise UsageError(f"no gate {args.gate!r} in {plan.source}; gates: {known}")
    if args.role not in gate.approvals:
        asks = ", ".join(gate.approvals) or "none"
        raise UsageError(
            f"gate {gate.id} in {plan.source} does not ask for approval by {args.role!r}; "
            f"it asks for: {asks} (list roles under the gate's `approvals:`)"
        )
    assert git.commit is not None
    if git.tracked_changes and not args.revoke:
        raise UsageError(
            f"refusing to approve gate {gate.id}: tracked files have uncommitted changes "
            f"(see `git status`), and an approval covers commit {git.commit[:12]} with a "
            "clean tree only; commit or stash the changes, then approve"
        )
    by = args.by or _user(root)
    at = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds").replace("+00:00", "Z")
    store = open_store(store_url(args.store, os.environ, root))
    try:
        if args.revoke:
            n = store.revoke(gate.id, args.role, git.commit, plan.hash, by, at)
            if not n:
                raise UsageError(
                    f"no active {args.role} approval of gate {gate.id} for commit "
                    f"{git.commit[:12]} and this plan to revoke"
                )
            print(f"revoked the {args.role} approval of gate {gate.id} for {git.commit[:12]}")
            return 0
        store.approve(Approval(gate.id, args.role, by, git.commit, plan.hash, at, note=args.note))
    finally:
        store.close()
    print(
        f"approved gate {gate.id} as {args.role} by {by} for commit {git.commit[:12]} "
        f"(plan {plan.hash or 'default'}); a new commit or plan change voids it"
    )
    return 0


def _user(root: Path) -> str:
    from gonogo.git import git_output

    name = git_output(root, "config", "user.name")
    return name or os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"
