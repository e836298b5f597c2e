"""`gonogo push [REPORT] --server URL`: send a run (default `.gonogo/last.json`) to the
team server, with the project's ingest token from $GONOGO_TOKEN."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

DEFAULT_REPORT = ".gonogo/last.json"


def add_parser(sub: Any) -> None:
    from gonogo.cli.common import add_server_option

    p = sub.add_parser("push", help="send a recorded run to the team server (gonogo serve)")
    p.add_argument(
        "report",
        nargs="?",
        default=DEFAULT_REPORT,
        metavar="REPORT",
        help=f"a gonogo.report/v1 JSON file (default: {DEFAULT_REPORT})",
    )
    add_server_option(p)
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import json

    from gonogo.cli.common import send
    from gonogo.errors import InputError

    path = Path(args.report)
    try:
        body = path.read_bytes()
        project = json.loads(body).get("project") or ""
    except OSError as exc:
        raise InputError(
            f"cannot read {path}: {exc.strerror or exc} (run `gonogo check` first)"
        ) from None
    except (ValueError, AttributeError):
        raise InputError(
            f"{path} is not a gonogo JSON report (`gonogo check --format json`)"
        ) from None
    if not project:
        raise InputError(f"{path}: the report names no project (set `project:` in the plan)")
    print(send(body, project, args, os.environ))
    return 0
