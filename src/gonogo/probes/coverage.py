"""`coverage`: line coverage from a Cobertura XML or coverage.py JSON report is at least
`min_percent`; `max_age` rejects a stale report."""

from __future__ import annotations

import json

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes.base import Context, MeasureSpec, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.formats import XmlError, xml_root
from gonogo.probes.freshness import MaxAge, stale
from gonogo.rules import Rule

MAX_BYTES = 64 * 1024 * 1024


class CoverageParams(Params):
    file: RelPath = Field(
        description="coverage.xml (Cobertura) or coverage.json (coverage.py); a glob judges "
        "every report it matches"
    )
    min_percent: float = Field(ge=0, le=100, description="minimum line coverage, percent")
    max_age: MaxAge | None = Field(None, description="duration, or `commit`")


class ReportError(Exception):
    pass


def percent_of(data: bytes, rel: str) -> float:
    """Line coverage in percent, from either format (sniffed from the content)."""
    head = data.lstrip()[:1]
    if head == b"{":
        return _from_json(data, rel)
    if head == b"<":
        return _from_cobertura(data, rel)
    raise ReportError(f"{rel}: neither Cobertura XML nor coverage.py JSON")


def _from_json(data: bytes, rel: str) -> float:
    try:
        doc = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ReportError(f"{rel}{f':{line}' if line else ''}: invalid JSON: {exc}") from None
    totals = doc.get("totals") if isinstance(doc, dict) else None
    if not isinstance(totals, dict):
        raise ReportError(f"{rel}: no `totals` object (not a coverage.py JSON report)")
    statements, covered = totals.get("num_statements"), totals.get("covered_lines")
    if isinstance(statements, int) and isinstance(covered, int):
        return 100.0 * covered / statements if statements else 100.0
    pct = totals.get("percent_covered")
    if isinstance(pct, int | float):
        return float(pct)
    raise ReportError(f"{rel}: totals lack num_statements/covered_lines")


def _from_cobertura(data: bytes, rel: str) -> float:
    try:
        root = xml_root(data)
    except XmlError as exc:
        raise ReportError(exc.located(rel)) from None
    if root.tag != "coverage":
        raise ReportError(f"{rel}: not a Cobertura report (root element <{root.tag}>)")
    valid, covered = root.get("lines-valid"), root.get("lines-covered")
    try:
        if valid is not None and covered is not None:
            return 100.0 * int(covered) / int(valid) if int(valid) else 100.0
        rate = root.get("line-rate")
        if rate is not None:
            return 100.0 * float(rate)
    except ValueError:
        raise ReportError(f"{rel}: <coverage> line counts are not numbers") from None
    raise ReportError(f"{rel}: <coverage> has neither lines-valid/lines-covered nor line-rate")


def _check(p: CoverageParams, ctx: Context) -> Outcome:
    """Every report the glob matches is judged: a monorepo's packages each meet the bar."""
    matches = ctx.files.glob(p.file)
    if not matches:
        return failed(f"no coverage report matches {p.file}")
    percents: dict[str, float] = {}
    try:
        for rel in matches[:100]:
            percents[rel] = round(percent_of(ctx.files.read_bytes(rel, MAX_BYTES), rel), 2)
    except ReportError as exc:
        return errored(str(exc))
    rel = matches[0]
    pct = percents[rel] if len(percents) == 1 else min(percents.values())
    evidence = {"file": rel, "percent": pct, "min_percent": p.min_percent}
    if len(percents) > 1:
        evidence = {"files": percents, "percent": pct, "min_percent": p.min_percent}
    old = stale(ctx.root, list(percents), p.max_age)
    if old:
        return failed(old[0].message, findings=tuple(old), evidence=evidence)
    low = [(r, v) for r, v in percents.items() if v < p.min_percent]
    if low:
        findings = tuple(
            Finding("coverage.low", f"{r}: line coverage {v:g}% < {p.min_percent:g}%", r)
            for r, v in low
        )
        return failed(findings[0].message, evidence=evidence, findings=findings)
    label = rel if len(percents) == 1 else f"{len(percents)} reports"
    worst = "" if len(percents) == 1 else "lowest "
    message = f"{label}: {worst}line coverage {pct:g}% ≥ {p.min_percent:g}%"
    return passed(message, evidence=evidence)


PROBE = Probe(
    "coverage",
    CoverageParams,
    in_thread(_check),
    ProbeDoc(
        summary="Line coverage in a Cobertura XML or coverage.py JSON report is at least "
        "`min_percent`; `max_age` rejects a stale report.",
        why="'Test coverage ≥ 60%' is a common gate that nobody re-measures.",
        example="{id: coverage, kind: coverage, file: coverage.xml, min_percent: 60, max_age: 7d}",
        remediation="Add tests for the uncovered modules, re-run coverage, commit nothing "
        "but the code (the report is evidence produced by CI).",
    ),
    rules=(
        Rule(
            "coverage.low",
            "Line coverage is below the minimum",
            remediation="Add tests for the uncovered code, then re-run coverage.",
            docs="Untested code is where the regressions hide.",
        ),
    ),
    measures=(MeasureSpec("percent", "%", "higher", limit="min_percent"),),
)
