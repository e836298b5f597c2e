"""`gonogo explain KIND`: purpose, params and an example of a check kind."""

from __future__ import annotations

import argparse
import difflib
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("explain", help="describe a check kind: purpose, params, example")
    p.add_argument("kind", nargs="?", help="check kind (omit to list all kinds)")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError
    from gonogo.probes.registry import all_probes

    probes = all_probes()
    if not args.kind:
        width = max(len(k) for k in probes)
        for kind in sorted(probes):
            print(f"{kind:<{width}}  {probes[kind].doc.summary}")
        return 0
    probe = probes.get(args.kind)
    if probe is None:
        close = difflib.get_close_matches(args.kind, sorted(probes), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UsageError(f"unknown check kind {args.kind!r}{hint} (`gonogo explain` lists them)")
    print(explain_text(probe))
    return 0


def explain_text(probe: Any) -> str:
    doc = probe.doc
    out = [f"{probe.kind}: {doc.summary}", "", f"Why: {doc.why}", "", "Params:"]
    for name, info in probe.params.model_fields.items():
        required = info.is_required()
        default = "" if required else f" = {info.get_default(call_default_factory=True)!r}"
        kind = _type_name(info.annotation)
        desc = f"  {info.description}" if info.description else ""
        out.append(f"  {name}: {kind}{' (required)' if required else default}{desc}")
    out += ["", "Example:", f"  - {doc.example}"]
    if doc.remediation:
        out += ["", f"Remediation: {doc.remediation}"]
    return "\n".join(out)


def _type_name(annotation: Any) -> str:
    text = getattr(annotation, "__name__", None) or str(annotation)
    return text.replace("typing.", "").replace("gonogo.probes.", "")
