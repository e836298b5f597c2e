"""The plan file's JSON Schema: one check variant per kind, and a title and description
on every key, so editors (yaml-language-server) can explain and complete plans."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

SCHEMA_ID = "urn:gonogo:plan:v1"

# Keys whose models carry no description of their own: what an editor shows on hover.
_DESCRIBE: dict[str, dict[str, str]] = {
    "PlanSpec": {
        "version": "plan format version; always 1",
        "project": "project name shown in reports (default: the plan's folder name)",
        "targets": "run-wide targets: the default pass-rate threshold of every gate",
        "defaults": "defaults for every check: timeout, retries, backoff, circuit breaker",
        "gates": "phases or milestones, judged GO / NO-GO in order",
        "tasks": "remediation work for `gonogo orchestrate`",
        "escalation": "where escalations of failed tasks are sent (a signed webhook)",
        "waivers": "accepted, expiring exceptions for failing checks",
    },
    "GateSpec": {
        "id": "gate id (letters, digits, . _ -); stable: history and approvals use it",
        "title": "a human title, e.g. 'Phase 1 - Infrastructure'",
        "description": "what the gate stands for",
        "owner": "who answers for the gate",
        "requires": "gates that must be GO before this one can be",
        "approvals": "roles whose sign-off for the current commit the gate needs",
        "checks": "the checks the gate's verdict is made of",
    },
    "CheckSpec": {
        "id": "check id, unique in the plan; stable: history and waivers use it",
        "kind": "the check kind (`gonogo explain` lists them)",
        "priority": "P0 blocks its gate whatever the pass rate; P1..P3 count in the rate",
        "owner": "who fixes it when it fails",
        "needs": "checks that must pass first; otherwise this one is `blocked`",
        "timeout": "longest time one attempt may take (500ms, 30s, 10m, 2h)",
        "retries": "retries of an `error` result (never of `fail`), with backoff",
        "tags": "labels for --select / --ignore",
        "description": "why the check exists",
        "when": "a condition; when it is false the check is skipped with the reason",
    },
    "TaskSpec": {
        "id": "task id",
        "title": "a human title",
        "priority": "P0 runs first",
        "depends_on": "tasks that must be done first",
        "run": "the command, as an argv list (a string only with shell: true)",
        "shell": "run `run` through the shell (only when you mean it)",
        "cwd": "working directory, relative to the project",
        "env": "extra environment variables",
        "acceptance": "check ids that prove the task done",
        "timeout": "longest time one attempt may take",
        "retries": "attempts after the first before the task is escalated",
        "owner": "who is escalated to",
        "description": "what the task does",
    },
    "EscalationSpec": {
        "webhook": "URL that receives escalations as signed JSON POSTs",
        "secret_env": "environment variable holding the HMAC signing secret",
        "timeout": "timeout of one delivery",
    },
    "WaiverSpec": {
        "check": "the waived check's id",
        "reason": "why the failure is accepted for now",
        "owner": "who accepted it",
        "expires": "the last day the waiver counts (YYYY-MM-DD)",
    },
}


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
    schema["$id"] = SCHEMA_ID
    schema["title"] = "gonogo plan"
    schema["description"] = "Production-readiness gates as code: gates of checks, GO / NO-GO."
    _describe(schema, defs, variants)
    schema["patternProperties"] = {"^x-": {}}
    return schema


def _describe(schema: dict[str, Any], defs: dict[str, Any], variants: list[Any]) -> None:
    """Titles everywhere; descriptions from the table where a model has none."""
    targets = {"PlanSpec": schema, **{name: d for name, d in defs.items() if name in _DESCRIBE}}
    for name, node in targets.items():
        for key, text in _DESCRIBE[name].items():
            prop = node.get("properties", {}).get(key)
            if prop is not None:
                prop.setdefault("description", text)
    for variant in variants:
        for key, prop in variant["properties"].items():
            prop.setdefault("title", key)
            if key in _DESCRIBE["CheckSpec"]:
                prop.setdefault("description", _DESCRIBE["CheckSpec"][key])


def schema_text(probes: Mapping[str, Any]) -> str:
    return json.dumps(plan_schema(probes), indent=2) + "\n"
