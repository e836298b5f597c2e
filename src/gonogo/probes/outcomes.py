"""Turning located findings into a check's answer, shared by the artifact probes.

An `error` finding is a problem: the check fails. A `warning` is advice (a HEALTHCHECK
to add, a secret that may be left empty): it is reported, and the check still passes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gonogo.models import Finding, Outcome, failed, passed

MAX_FINDINGS = 500


def judged(
    findings: Sequence[Finding],
    label: str,
    ok: str,
    evidence: Mapping[str, Any] | None = None,
) -> Outcome:
    """`fail` when any finding is an error, else `pass`; both keep every finding (up to
    MAX_FINDINGS) and say how many of each kind there were."""
    errors = [f for f in findings if f.severity == "error"]
    warnings = len(findings) - len(errors)
    kept = tuple(sorted(findings, key=_order)[:MAX_FINDINGS])
    note = f"; {warnings} warning(s)" if warnings else ""
    if errors:
        first = errors[0]
        where = f"{first.path}:{first.line}" if first.line is not None else str(first.path)
        message = f"{label}: {len(errors)} problem(s){note}; first {where} {first.message}"
        return failed(message, evidence=evidence, findings=kept)
    return passed(f"{ok}{note}", evidence=evidence, findings=kept)


def _order(finding: Finding) -> tuple[int, str, int]:
    return (finding.severity != "error", finding.path or "", finding.line or 0)


def files_label(files: Sequence[str], noun: str) -> str:
    """`docker-compose.yml`, or `12 compose files`."""
    return files[0] if len(files) == 1 else f"{len(files)} {noun}s"
