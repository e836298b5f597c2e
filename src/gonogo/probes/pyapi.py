"""`python.api`: an attribute of the target project exists with the expected parameters.

The check runs in a subprocess of the project's own interpreter (`python`), never in
gonogo's process: the project's code is imported there and only a JSON description of
the signature comes back.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc
from gonogo.probes.command import clean_env
from gonogo.proc import run_process
from gonogo.rules import Rule

# Runs inside the target interpreter; prints one JSON object.
_INSPECT = r"""
import importlib, inspect, json, os, sys
sys.path[:0] = [os.getcwd(), os.path.join(os.getcwd(), "src")]
module, attr = sys.argv[1], sys.argv[2]
try:
    obj = importlib.import_module(module)
except BaseException as exc:
    detail = f"{type(exc).__name__}: {exc}"[:300]
    print(json.dumps({"error": "import", "detail": detail})); sys.exit(0)
for part in attr.split(".") if attr else []:
    if not hasattr(obj, part):
        near = [n for n in dir(obj) if not n.startswith("__")]
        print(json.dumps({"error": "attr", "missing": part, "near": near[:200]})); sys.exit(0)
    obj = getattr(obj, part)
try:
    sig = inspect.signature(obj)
except (TypeError, ValueError) as exc:
    print(json.dumps({"error": "signature", "detail": str(exc)[:300]})); sys.exit(0)
print(json.dumps({"params": [
    {"name": p.name, "kind": p.kind.name, "default": p.default is not p.empty}
    for p in sig.parameters.values()]}))
"""


class ApiParams(Params):
    module: str = Field(description="module to import, e.g. shop.payments")
    attr: str = Field(description="attribute path, e.g. PaymentService.refund")
    params: list[str] = Field(description="expected parameter names, in order")
    python: str = Field("python", description="the project's interpreter (on PATH or a path)")


def compare(expected: list[str], actual: list[dict[str, Any]]) -> list[str]:
    """What differs, in words: renamed, missing, extra required, order."""
    skip = {"self", "cls"} - set(expected)
    real = [a for a in actual if a["name"] not in skip]
    names = [a["name"] for a in real if a["kind"] not in ("VAR_POSITIONAL", "VAR_KEYWORD")]
    takes_kwargs = any(a["kind"] == "VAR_KEYWORD" for a in real)
    missing = [n for n in expected if n not in names]
    extra_required = [
        a["name"]
        for a in real
        if a["name"] not in expected
        and not a["default"]
        and a["kind"] not in ("VAR_POSITIONAL", "VAR_KEYWORD")
    ]
    out = []
    for i, name in enumerate(expected):
        if name in missing and i < len(names) and names[i] in extra_required:
            out.append(f"parameter {i + 1} is named {names[i]!r}, expected {name!r} (renamed)")
            missing.remove(name)
            extra_required.remove(names[i])
    if missing and not takes_kwargs:
        out.append(f"missing parameter(s): {', '.join(missing)}")
    if extra_required:
        out.append(f"extra required parameter(s): {', '.join(extra_required)}")
    present = [n for n in names if n in expected]
    if not out and present != [n for n in expected if n in present]:
        out.append(f"parameter order is {present}, expected {expected}")
    return out


async def _run(p: ApiParams, ctx: Context) -> Outcome:
    target = f"{p.module}:{p.attr}"
    argv = [p.python, "-c", _INSPECT, p.module, p.attr]
    try:
        done = await run_process(argv, cwd=str(ctx.root), env=clean_env(ctx, {}, []), contain=True)
    except FileNotFoundError:
        return errored(f"interpreter {p.python!r} not found")
    try:
        result = json.loads(done.stdout.strip().splitlines()[-1])
    except (json.JSONDecodeError, IndexError):
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1][:200]
        return errored(f"{p.python} could not inspect {target}: {tail}")
    if result.get("error") == "import":
        return failed(f"cannot import {p.module}: {result['detail']}")
    if result.get("error") == "attr":
        near = _near(result["missing"], result["near"])
        return failed(f"{target}: no attribute {result['missing']!r}{near}")
    if result.get("error"):
        return failed(f"{target}: no inspectable signature ({result['detail']})")
    actual = [a["name"] for a in result["params"]]
    diffs = compare(p.params, result["params"])
    findings = tuple(Finding("python.api-mismatch", f"{target}: {d}") for d in diffs)
    return verdict_of(
        findings,
        f"{target}({', '.join(actual)}) matches",
        f"{target}({', '.join(actual)}): {'; '.join(diffs)}",
        {"actual": actual, "expected": p.params},
    )


def _near(name: str, names: list[str]) -> str:
    import difflib

    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


PROBE = Probe(
    "python.api",
    ApiParams,
    _run,
    ProbeDoc(
        summary="An attribute of the project (function, method, class) exists and takes the "
        "expected parameters; checked in a subprocess of the project's interpreter.",
        why="The seeds found 'method name mismatch' and 'signature mismatch' only in "
        "integration tests; this catches them before integration.",
        example="{id: refund-api, kind: python.api, module: shop.payments, "
        "attr: PaymentService.refund, params: [order_id, amount]}",
        remediation="Align the caller and the callee: rename the parameter or method, or "
        "update the contract in the plan if the change is intended.",
    ),
    rules=(
        Rule(
            "python.api-mismatch",
            "A Python API differs from the contract in the plan",
            remediation=(
                "Align the caller and the callee, or update the contract if the change is intended."
            ),
        ),
    ),
)
