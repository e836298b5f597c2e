"""SARIF 2.1.0 for code-scanning UIs: one rule per finding kind (text from the probe's
doc), one result per finding with its location, waived checks as suppressed results."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from gonogo import __version__
from gonogo.models import CheckResult, Finding, RunReport, Status
from gonogo.report import RenderOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {"error": "error", "warning": "warning", "note": "note", "info": "note"}


def render(report: RunReport, options: RenderOptions) -> str:
    from gonogo.probes.registry import all_probes

    docs = {kind: probe.doc for kind, probe in all_probes().items()}
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    for check in report.checks:
        if check.status in (Status.PASS, Status.SKIP) and not check.findings:
            continue
        findings = check.findings or (_check_finding(check),)
        for finding in findings:
            if finding.rule not in rules:
                rules[finding.rule] = _rule(finding.rule, check.kind, docs.get(check.kind))
            results.append(_result(check, finding, list(rules).index(finding.rule)))
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "gonogo",
                "version": __version__,
                "rules": list(rules.values()),
            }
        },
        "results": results,
        "properties": {"verdict": report.verdict.value, "project": report.project},
    }
    if report.git.commit:
        run["versionControlProvenance"] = [
            {"repositoryUri": "file:///", "revisionId": report.git.commit}
            | ({"branch": report.git.branch} if report.git.branch else {})
        ]
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _check_finding(check: CheckResult) -> Finding:
    """A non-passing check without located findings still yields one result."""
    return Finding(f"{check.kind}.{check.status.value}", check.message or check.status.value)


def _rule(rule_id: str, kind: str, doc: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"id": rule_id, "name": _pascal(rule_id)}
    if doc is not None:
        rule["shortDescription"] = {"text": doc.summary}
        rule["fullDescription"] = {"text": doc.why}
        help_text = doc.remediation or doc.summary
        rule["help"] = {"text": help_text, "markdown": f"{help_text}\n\nExample: `{doc.example}`"}
    rule["properties"] = {"kind": kind, "tags": ["gonogo", kind]}
    return rule


def _pascal(rule_id: str) -> str:
    parts = rule_id.replace("-", ".").replace("_", ".").split(".")
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _result(check: CheckResult, finding: Finding, index: int) -> dict[str, Any]:
    level = _LEVELS.get(finding.severity, "warning")
    if check.status is Status.PASS:
        level = "note"
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": level,
        "message": {"text": finding.message},
        "properties": {
            "check": check.check_id,
            "gate": check.gate,
            "priority": check.priority,
            "status": check.status.value,
        },
    }
    if finding.path:
        physical: dict[str, Any] = {"artifactLocation": {"uri": finding.path}}
        if finding.line:
            physical["region"] = {"startLine": int(finding.line)}
        result["locations"] = [{"physicalLocation": physical}]
        result["partialFingerprints"] = {
            "gonogo/v1": f"{check.check_id}:{finding.rule}:{finding.path}"
        }
    if check.status is Status.WAIVED:
        result["suppressions"] = [_suppression(check.waiver or {})]
    return result


def _suppression(waiver: Mapping[str, Any]) -> dict[str, Any]:
    reason = str(waiver.get("reason") or "waived in the plan")
    extra = {k: str(v) for k, v in waiver.items() if k in ("owner", "expires")}
    out: dict[str, Any] = {"kind": "external", "status": "accepted", "justification": reason}
    if extra:
        out["properties"] = extra
    return out
