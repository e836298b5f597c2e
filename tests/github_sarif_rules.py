"""GitHub code scanning's documented rules for an uploaded SARIF file, as a checker.

From GitHub's "SARIF support for code scanning" and "SARIF results exceed limits"
pages: version 2.1.0; at most 20 runs, 25,000 results and 25,000 rules per run, 1,000
locations per result, 20 tags per rule, 10 MB per file; each result needs a ruleId, a
message text and a location whose physicalLocation.artifactLocation.uri is a non-empty
repository-relative path or file:// URI (no other scheme); a region's startLine is
1-based; fingerprints must tell results apart or alerts are merged.
"""

from __future__ import annotations

import json
from typing import Any

MAX_BYTES = 10 * 1024 * 1024


def violations(text: str) -> list[str]:
    """Every rule the SARIF document TEXT breaks, as readable strings ([] when fine)."""
    out: list[str] = []
    if len(text.encode()) > MAX_BYTES:
        out.append("file is over 10 MB")
    doc = json.loads(text)
    if doc.get("version") != "2.1.0":
        out.append(f"version {doc.get('version')!r} is not 2.1.0")
    runs = doc.get("runs", [])
    if len(runs) > 20:
        out.append(f"{len(runs)} runs > 20")
    for r, run in enumerate(runs):
        out += _run(r, run)
    return out


def _run(r: int, run: dict[str, Any]) -> list[str]:
    out: list[str] = []
    driver = run.get("tool", {}).get("driver", {})
    if not driver.get("name"):
        out.append(f"runs[{r}].tool.driver.name is missing")
    rules = driver.get("rules", [])
    results = run.get("results", [])
    if len(rules) > 25_000 or len(results) > 25_000:
        out.append(f"runs[{r}]: over 25,000 rules or results")
    out += [
        f"runs[{r}] rule {rule.get('id')}: over 20 tags"
        for rule in rules
        if len(rule.get("properties", {}).get("tags", [])) > 20
    ]
    prints: dict[str, int] = {}
    for i, result in enumerate(results):
        out += _result(f"runs[{r}].results[{i}]", result)
        for value in result.get("partialFingerprints", {}).values():
            if value in prints:
                out.append(f"runs[{r}].results[{i}] repeats the fingerprint of {prints[value]}")
            prints[value] = i
    return out


def _result(at: str, result: dict[str, Any]) -> list[str]:
    out: list[str] = []
    if not result.get("ruleId"):
        out.append(f"{at}: no ruleId")
    if not result.get("message", {}).get("text"):
        out.append(f"{at}: no message.text")
    locations = result.get("locations") or []
    if not locations:
        out.append(f"{at}: no locations (GitHub refuses the upload)")
    if len(locations) > 1000:
        out.append(f"{at}: over 1,000 locations")
    for loc in locations:
        physical = loc.get("physicalLocation", {})
        uri = physical.get("artifactLocation", {}).get("uri", "")
        if not uri:
            out.append(f"{at}: empty artifactLocation.uri")
        elif "://" in uri and not uri.startswith("file://"):
            out.append(f"{at}: uri {uri!r} has a scheme code scanning does not accept")
        line = physical.get("region", {}).get("startLine", 1)
        if not isinstance(line, int) or line < 1:
            out.append(f"{at}: startLine {line!r} is not a 1-based line")
    return out
