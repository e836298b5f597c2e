"""`gonogo schema`: the plan file's JSON Schema, one check variant per kind."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from typing import Any


def add_parser(sub: Any) -> None:
    p = sub.add_parser("schema", help="print the plan's JSON Schema")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo.probes.registry import all_probes

    print(json.dumps(plan_schema(all_probes()), indent=2))
    return 0


def plan_schema(probes: Mapping[str, Any]) -> dict[str, Any]:
    from gonogo.plan.schema import CheckSpec, PlanSpec

    schema = PlanSpec.model_json_schema(ref_template="#/$defs/{model}")
    defs = schema.setdefault("$defs", {})
    common = CheckSpec.model_json_schema(ref_template="#/$defs/{model}")
    defs.update(common.pop("$defs", {}))
    common_props = {k: v for k, v in common["properties"].items() if k != "params"}
    variants = []
    for kind in sorted(probes):
        # each kind's models get their own namespace: many probes have an `Expect` model
        params = probes[kind].params.model_json_schema(ref_template=f"#/$defs/{kind}.{{model}}")
        defs.update({f"{kind}.{name}": d for name, d in params.pop("$defs", {}).items()})
        props = {**common_props, **params.get("properties", {}), "kind": {"const": kind}}
        variants.append(
            {
                "title": kind,
                "type": "object",
                "properties": props,
                "required": ["id", "kind", *params.get("required", [])],
                "additionalProperties": False,
            }
        )
    defs["CheckSpec"] = {"oneOf": variants}
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "gonogo plan"
    schema["patternProperties"] = {"^x-": {}}
    return schema
