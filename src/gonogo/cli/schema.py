"""`gonogo schema`: print (or write) the plan file's JSON Schema."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the plan's JSON Schema")
    p.add_argument("-o", "--output", metavar="FILE", help="write it here (- is stdout)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo.cli.common import emit
    from gonogo.plan.jsonschema import schema_text
    from gonogo.probes.registry import all_probes

    emit(schema_text(all_probes()), args.output)
    return 0
