"""`coverage`: line coverage from a Cobertura XML, coverage.py JSON or lcov report is at
least `min_percent`; `max_age` rejects a stale report. Reports are read and their numbers
checked by `gonogo.probes.covread`: a report no real tool could have written is an
`error` naming what is wrong with it."""

from __future__ import annotations

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes.base import Context, MeasureSpec, Params, Probe, ProbeDoc, RelPath, in_thread
from gonogo.probes.covread import ReportError, percent_of
from gonogo.probes.freshness import MaxAge, stale
from gonogo.rules import Rule

__all__ = ["PROBE", "ReportError", "percent_of"]

MAX_BYTES = 64 * 1024 * 1024


class CoverageParams(Params):
    file: RelPath = Field(
        description="coverage.xml (Cobertura), coverage.json (coverage.py) or lcov.info; a "
        "glob judges every report it matches"
    )
    min_percent: float = Field(ge=0, le=100, description="minimum line coverage, percent")
    max_age: MaxAge | None = Field(None, description="duration, or `commit`")


def _check(p: CoverageParams, ctx: Context) -> Outcome:
    """Every report the glob matches is judged: a monorepo's packages each meet the bar."""
    matches = ctx.files.glob(p.file)
    if not matches:
        return failed(f"no coverage report matches {p.file}")
    percents: dict[str, float] = {}
    try:
        for rel in matches[:100]:
            data = ctx.files.read_bytes(rel, MAX_BYTES)
            percents[rel] = round(percent_of(data, rel, ctx.expired), 2)
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
        summary="Line coverage in a Cobertura XML, coverage.py JSON or lcov report is at "
        "least `min_percent`; `max_age` rejects a stale report; a report whose numbers "
        "cannot be true (NaN, negative, inconsistent, zero lines) is an error.",
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
