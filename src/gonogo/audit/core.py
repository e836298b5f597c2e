"""The audit itself: read, parse, extract claims, verify each, in report order."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path

from gonogo.audit import arith, claims, junit, planfile
from gonogo.audit.blocks import Table, parse_blocks
from gonogo.audit.markers import problem_with
from gonogo.audit.model import AuditResult, CheckOutcome, Claim, ClaimResult, Verdict
from gonogo.audit.reading import MAX_BYTES, read_report

MAX_CLAIMS = 20_000
MAX_LINES = 50_000  # readiness reports run to hundreds of lines; this bounds the worst case


def audit(
    report: Path,
    root: Path,
    *,
    junit_globs: Sequence[str] = (),
    max_bytes: int = MAX_BYTES,
) -> AuditResult:
    """Every claim of `report`, judged against the repository at `root`."""
    doc = read_report(report, max_bytes=max_bytes)
    notes = list(doc.notes)
    totals = junit.load_totals(root, junit_globs) if junit_globs else None
    text = doc.text
    if text.count("\n") > MAX_LINES:
        text = text[: _nth_newline(text, MAX_LINES)]
        notes.append(f"only the first {MAX_LINES:,} lines read; the rest is not audited")
    blocks = parse_blocks(text)
    lines = list(arith.text_lines(blocks))
    evidence = claims.evidence_claims(blocks)
    if len(evidence) > MAX_CLAIMS:
        notes.append(f"only the first {MAX_CLAIMS:,} of {len(evidence):,} evidence claims read")
        evidence = evidence[:MAX_CLAIMS]
    results = verify_evidence(evidence, root, report.name)
    fractions, reference = arith.percent_fractions(lines)
    results += fractions + arith.pass_rates(lines, reference)
    for section, block in claims.sections(blocks):
        if isinstance(block, Table):
            results += arith.table_results(block, section)
    results += arith.rate_results(blocks)
    results += junit.judge(junit.count_claims(lines), totals)
    if totals is not None:
        notes.append(f"JUnit: {len(totals.files)} file(s) read")
    checked = {r.claim.line for r in results if r.verdict is not Verdict.UNVERIFIABLE}
    results = [
        r for r in results if r.verdict is not Verdict.UNVERIFIABLE or not _covered(r, checked)
    ]
    ordered = sorted(results[: MAX_CLAIMS * 2], key=lambda r: r.claim.line)
    return AuditResult(str(report), str(root), tuple(ordered), tuple(notes))


def _nth_newline(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.index("\n", pos + 1)
    return pos


def _covered(result: ClaimResult, checked: set[int]) -> bool:
    """An unverifiable row whose own numbers were checked (a gate row's '9/9 passed')."""
    return result.claim.line in checked


def verify_evidence(evidence: Sequence[Claim], root: Path, report: str) -> list[ClaimResult]:
    """Run the claims' file checks as a plan, through the engine that `gonogo check` uses."""
    doc = planfile.plan_doc(evidence, project=root.name or "project", report=report)
    statuses = run_plan_text(planfile.render(doc, report=report), root) if doc.data["gates"] else {}
    out = []
    for claim, ids in zip(evidence, doc.ids, strict=True):
        if not ids:
            out.append(ClaimResult(claim, Verdict.UNVERIFIABLE, _why_unverifiable(claim)))
            continue
        outcomes = tuple(
            CheckOutcome(check, cid, *statuses[cid])
            for check, cid in zip(claim.checks, ids, strict=True)
        )
        out.append(_judge(claim, outcomes))
    return out


def _judge(claim: Claim, outcomes: tuple[CheckOutcome, ...]) -> ClaimResult:
    bad = [o for o in outcomes if o.status != "pass"]
    if not bad:
        reason = "; ".join(o.message for o in outcomes if o.check.kind == "file.exists")
        return ClaimResult(claim, Verdict.HOLDS, reason, outcomes)
    first = next((o for o in bad if o.status != "blocked"), bad[0])
    reason = first.message if first.status == "fail" else f"{first.status}: {first.message}"
    return ClaimResult(claim, Verdict.BROKEN, reason, outcomes)


def _why_unverifiable(claim: Claim) -> str:
    problems = [problem_with(p) for p in claim.cited if problem_with(p)]
    if problems:
        return "; ".join(problems)
    return "cites no file, glob or number that can be checked"


def run_plan_text(text: str, root: Path) -> dict[str, tuple[str, str]]:
    """Status and message of each check of a plan given as YAML text."""
    from gonogo.engine.scheduler import RunOptions, run_plan
    from gonogo.plan.loader import parse_plan
    from gonogo.probes.registry import BUILTIN

    plan = parse_plan(text, BUILTIN, source="<audit plan>")
    report = asyncio.run(run_plan(plan, root, BUILTIN, RunOptions(jobs=8)))
    return {c.check_id: (str(c.status), c.message) for c in report.checks}
