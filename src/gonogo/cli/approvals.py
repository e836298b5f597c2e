"""`gonogo approvals`: required vs given approvals per gate for the current commit."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict
from typing import Any


def add_parser(sub: Any) -> None:
    from gonogo.cli.common import add_plan_option, add_project, add_store_option

    p = sub.add_parser("approvals", help="required and given approvals for this commit")
    add_project(p)
    add_plan_option(p)
    p.add_argument(
        "--all", action="store_true", help="every recorded approval, void and revoked too"
    )
    p.add_argument("--format", choices=["term", "json"], default="term")
    add_store_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.common import current, open_existing

    root, plan, git = current(args)
    store = open_existing(args, root)
    try:
        recorded = store.approvals(active_only=False) if store is not None else []
    finally:
        if store is not None:
            store.close()
    valid = [
        a for a in recorded if a.active and a.commit == git.commit and a.plan_hash == plan.hash
    ]
    gates = []
    for g in plan.gates:
        if not g.approvals:
            continue
        given = [a for a in valid if a.gate_id == g.id and a.role in g.approvals]
        roles = {a.role for a in given}
        gates.append(
            {
                "gate": g.id,
                "required": list(g.approvals),
                "given": [asdict(a) for a in given],
                "missing": [r for r in g.approvals if r not in roles],
            }
        )
    if args.format == "json":
        body: dict[str, Any] = {"commit": git.commit, "plan_hash": plan.hash, "gates": gates}
        if args.all:
            body["recorded"] = [
                asdict(a) | {"state": _state(a, git.commit, plan.hash)} for a in recorded
            ]
        print(json.dumps(body, indent=2))
        return 0
    print(_render(gates, git.commit or "", plan.hash))
    if args.all:
        print(_render_all(recorded, git.commit or "", plan.hash))
    return 0


def _state(a: Any, commit: str | None, plan_hash: str) -> str:
    if not a.active:
        return f"revoked {a.revoked_at} by {a.revoked_by}"
    if a.commit != commit:
        return "void: another commit"
    if a.plan_hash != plan_hash:
        return "void: the plan changed"
    return "valid"


def _render(gates: list[dict[str, Any]], commit: str, plan_hash: str) -> str:
    out = [f"approvals for commit {commit[:12]} (plan {plan_hash or 'default'})"]
    if not gates:
        out.append("no gate in this plan asks for approvals")
    for g in gates:
        have = len(g["required"]) - len(g["missing"])
        out.append(f"  {g['gate']}: {have}/{len(g['required'])} given")
        for a in g["given"]:
            note = f" — {a['note']}" if a["note"] else ""
            out.append(f"    ✔ {a['role']} by {a['approver']} at {a['created_at']}{note}")
        for role in g["missing"]:
            out.append(f"    ✘ {role}: missing (`gonogo approve {g['gate']} --as {role}`)")
    return "\n".join(out)


def _render_all(recorded: list[Any], commit: str, plan_hash: str) -> str:
    out = ["", "all recorded approvals"]
    for a in recorded:
        out.append(
            f"  {a.created_at}  {a.gate_id}  {a.role}  {a.approver}  {a.commit[:12]}  "
            f"{_state(a, commit, plan_hash)}"
        )
    if not recorded:
        out.append("  none")
    return "\n".join(out)
