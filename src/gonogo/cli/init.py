"""`gonogo init`: write a commented starter plan from what the repository contains."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("init", help="write a starter gonogo.yaml from what it detects")
    from gonogo.cli.common import add_project

    add_project(p)
    p.add_argument("--force", action="store_true", help="overwrite an existing gonogo.yaml")
    p.add_argument("--stdout", action="store_true", help="print the plan instead of writing it")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo import atomic
    from gonogo.cli.common import project_path
    from gonogo.errors import UsageError
    from gonogo.plan.jsonschema import schema_text
    from gonogo.probes.registry import all_probes

    root = project_path(args)
    text, gates, checks = starter_plan(root)
    if args.stdout:
        print(text, end="")
        return 0
    target = root / "gonogo.yaml"
    if target.exists() and not args.force:
        raise UsageError(f"{target} already exists; use --force to overwrite it")
    atomic.write_text(target, text)
    atomic.write_text(root / SCHEMA_FILE, schema_text(all_probes()))  # for editors
    shown = args.path or args.chdir or "."
    print(f"wrote {target} ({checks} checks in {gates} gates); run `gonogo check {shown}`")
    return 0


SCHEMA_FILE = ".gonogo/plan.schema.json"


def starter_plan(root: Path) -> tuple[str, int, int]:
    """The commented plan text, and how many gates and checks it holds."""
    from gonogo.packs import detected
    from gonogo.probes.registry import all_probes

    probes = all_probes()
    lines = [
        f"# yaml-language-server: $schema={SCHEMA_FILE}",
        "# gonogo readiness plan: gates of checks, judged GO / NO-GO on evidence.",
        "# Docs for any check kind: `gonogo explain KIND`; schema: `gonogo schema`.",
        "version: 1",
        f"project: {json.dumps(root.name)}",
        "targets:",
        "  pass_rate: 100        # a gate is GO at or above this pass rate (percent)",
        "defaults:",
        "  timeout: 30s          # per check",
        "  retries: 0            # retries of `error` results (never of `fail`)",
        "gates:",
    ]
    found = detected(root)
    for pack, checks in found:
        lines += [
            f"  # pack `{pack.name}`",
            f"  - id: {pack.name}",
            f"    title: {json.dumps(pack.title)}",
            "    checks:",
        ]
        for check in checks:
            probe = probes.get(check["kind"])
            if probe is not None:
                lines.append(f"      # {check['kind']}: {probe.doc.summary}")
            first = True
            for key, value in check.items():
                lead = "      - " if first else "        "
                lines.append(f"{lead}{key}: {json.dumps(value, ensure_ascii=False)}")
                first = False
    total = sum(len(checks) for _, checks in found)
    return "\n".join(lines) + "\n", len(found), total
