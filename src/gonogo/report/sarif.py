"""SARIF 2.1.0 for code-scanning UIs, within GitHub's upload rules.

One rule per finding kind (text from the probe's doc), one result per finding. Every
result has a location: its finding's file and line, else the check's line in the plan
file (else the project folder), with paths from the repository root (`%SRCROOT%`).
Each result carries a `partialFingerprints` entry that leaves out line numbers, so an
alert survives edits above it, and that differs between two results in one run.
Waived checks are suppressed results. At most 25,000 results (GitHub's limit), errors
first; the run's properties say how many were left out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from gonogo import __version__
from gonogo.models import CheckResult, Finding, RunReport, Status, finding_fingerprint
from gonogo.report import Provenance, RenderOptions
from gonogo.rules import Rule

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
BASE_ID = "%SRCROOT%"
MAX_RESULTS = 25_000
_LEVELS = {"error": "error", "warning": "warning", "note": "note", "info": "note"}
_RANK = {"error": 0, "warning": 1, "note": 2}


def render(report: RunReport, options: RenderOptions) -> str:
    docs = options.docs
    prov = options.provenance
    rules: dict[str, dict[str, Any]] = {}
    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for check in report.checks:
        if check.status in (Status.PASS, Status.SKIP) and not check.findings:
            continue
        for finding in check.findings or (_check_finding(check),):
            if finding.rule not in rules:
                rule = options.rules.get(finding.rule)
                rules[finding.rule] = _rule(finding.rule, check.kind, docs.get(check.kind), rule)
            result = _result(check, finding, list(rules).index(finding.rule), prov)
            _fingerprint(result, check, finding, seen)
            results.append(result)
    kept = sorted(results, key=lambda r: _RANK.get(r["level"], 3))[:MAX_RESULTS]
    properties: dict[str, Any] = {"verdict": report.verdict.value, "project": report.project}
    if len(results) > MAX_RESULTS:
        properties["resultsOmitted"] = len(results) - MAX_RESULTS
    run: dict[str, Any] = {
        "tool": {
            "driver": {"name": "gonogo", "version": __version__, "rules": list(rules.values())}
        },
        "results": kept if len(results) > MAX_RESULTS else results,
        "properties": properties,
    }
    if prov.root_uri:
        run["originalUriBaseIds"] = {BASE_ID: {"uri": prov.root_uri}}
    if prov.repository_uri and report.git.commit:
        vcs = {"repositoryUri": prov.repository_uri, "revisionId": report.git.commit}
        run["versionControlProvenance"] = [
            vcs | ({"branch": report.git.branch} if report.git.branch else {})
        ]
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _check_finding(check: CheckResult) -> Finding:
    """A non-passing check without located findings still yields one result."""
    return Finding(f"{check.kind}.{check.status.value}", check.message or check.status.value)


def _rule(rule_id: str, kind: str, doc: Any, declared: Rule | None) -> dict[str, Any]:
    """The catalogue's text for the code when it declares one, else the kind's doc."""
    rule: dict[str, Any] = {"id": rule_id, "name": _pascal(rule_id)}
    if declared is not None:
        rule["shortDescription"] = {"text": declared.title}
        why = declared.docs or (doc.why if doc is not None else declared.title)
        rule["fullDescription"] = {"text": why}
        help_text = declared.remediation or declared.title
        rule["help"] = {"text": help_text, "markdown": help_text}
        rule["defaultConfiguration"] = {"level": _LEVELS.get(declared.severity, "warning")}
    elif doc is not None:
        rule["shortDescription"] = {"text": doc.summary}
        rule["fullDescription"] = {"text": doc.why}
        help_text = doc.remediation or doc.summary
        rule["help"] = {"text": help_text, "markdown": f"{help_text}\n\nExample: `{doc.example}`"}
    rule["properties"] = {"kind": kind, "tags": ["gonogo", kind]}
    return rule


def _pascal(rule_id: str) -> str:
    parts = rule_id.replace("-", ".").replace("_", ".").split(".")
    return "".join(p[:1].upper() + p[1:] for p in parts if p)


def _result(check: CheckResult, finding: Finding, index: int, prov: Provenance) -> dict[str, Any]:
    level = _LEVELS.get(finding.severity, "warning")
    if check.status is Status.PASS:
        level = "note"
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": level,
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": _where(check, finding, prov)}],
        "properties": {
            "check": check.check_id,
            "gate": check.gate,
            "priority": check.priority,
            "status": check.status.value,
        },
    }
    if check.status is Status.WAIVED:
        result["suppressions"] = [_suppression(check.waiver or {})]
    return result


def _where(check: CheckResult, finding: Finding, prov: Provenance) -> dict[str, Any]:
    """The finding's file and line; else the check's entry in the plan; else the folder."""
    if finding.path:
        uri, line = prov.path(finding.path), finding.line
    elif prov.plan:
        uri, line = prov.plan, prov.check_lines.get(check.check_id)
    else:
        uri, line = prov.prefix or ".", None
    artifact: dict[str, Any] = {"uri": uri}
    if prov.root_uri:
        artifact["uriBaseId"] = BASE_ID
    physical: dict[str, Any] = {"artifactLocation": artifact}
    if line:
        physical["region"] = {"startLine": int(line)}
    return physical


def _fingerprint(
    result: dict[str, Any], check: CheckResult, finding: Finding, seen: dict[str, int]
) -> None:
    """The finding's own fingerprint (no line in it), made distinct when several results
    of one run share it (the same message on two lines of one file)."""
    base = finding_fingerprint(check.check_id, finding)
    seen[base] = seen.get(base, 0) + 1
    n = seen[base]
    digest = base if n == 1 else hashlib.sha256(f"{base}\0{n}".encode()).hexdigest()[:32]
    result["partialFingerprints"] = {"gonogo/v1": digest}


def _suppression(waiver: Mapping[str, Any]) -> dict[str, Any]:
    reason = str(waiver.get("reason") or "waived in the plan")
    extra = {k: str(v) for k, v in waiver.items() if k in ("owner", "expires")}
    out: dict[str, Any] = {"kind": "external", "status": "accepted", "justification": reason}
    if extra:
        out["properties"] = extra
    return out
