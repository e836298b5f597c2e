"""The audit itself: read, parse, extract claims, verify each, in report order."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

from gonogo.audit import (
    arith,
    breakdown,
    changes,
    claims,
    conflicts,
    contradicted,
    counts,
    junit,
    measured,
    metrics,
    outline,
    restate,
    rollup,
    shares,
    status,
    summaries,
    totals,
    velocity,
    wiki,
)
from gonogo.audit.blocks import Table, parse_blocks
from gonogo.audit.evidence import verify_evidence
from gonogo.audit.markers import rebase_links
from gonogo.audit.model import AuditResult, Claim, ClaimResult, Source, Verdict
from gonogo.audit.reading import MAX_BYTES, read_report
from gonogo.audit.regex import rx
from gonogo.audit.signoff import signoff_results

MAX_CLAIMS = 20_000
MAX_LINES = 50_000  # readiness reports run to hundreds of lines; this bounds the worst case
MAX_LINE_CHARS = 20_000  # a longer line is data or an accident, not something a person wrote


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
    found = junit.load_totals(root, junit_globs) if junit_globs else None
    base = _folder_in(report, root)
    text = rebase_links(wiki.as_markdown(_bounded(doc.text, notes)), base)
    blocks = parse_blocks(text)
    lines = list(arith.text_lines(blocks))
    evidence = claims.evidence_claims(blocks, limit=MAX_CLAIMS)
    if len(evidence) > MAX_CLAIMS:
        notes.append(f"only the first {MAX_CLAIMS:,} evidence claims read")
        evidence = evidence[:MAX_CLAIMS]
    outside = None if base or _is_under(report, root) else report.parent
    results, warnings = verify_evidence(evidence, root, base, outside)
    fractions, reference = arith.percent_fractions(lines)
    results += fractions + arith.pass_rates(lines, reference)
    for section, title, block in claims.headed(blocks):
        if isinstance(block, Table):
            results += arith.table_results(block, section)
            results += signoff_results(block, section, title)
    tree = outline.build(blocks)
    items = status.open_items(tree)
    fails = status.failing(tree)
    pending = {id(i.node) for i in [*items, *fails]}
    results += status.results(tree, items, fails) + rollup.results(tree, pending)
    results += contradicted.results(tree, items)
    results += totals.results(tree) + summaries.results(tree) + conflicts.results(tree)
    results += counts.results(tree) + metrics.results(tree) + velocity.results(tree)
    results += shares.results(tree) + changes.results(tree) + breakdown.results(tree)
    results += breakdown.fence_results(blocks)
    rows = list(arith.row_lines(blocks))
    results += measured.count_results(junit.count_claims([*lines, *rows]), root, found)
    results += measured.file_number_results([*lines, *rows], root)
    results += measured.passing_results(tree, root)
    if found is not None:
        notes.append(f"JUnit: {len(found.files)} file(s) read")
    results += _links_claims(tree, results)
    judged = {r.claim.line for r in results if r.verdict in (Verdict.HOLDS, Verdict.BROKEN)}
    results += restate.results(tree, judged)
    results = _in_phases(results, outline.phases(tree))
    ordered = sorted(_dedupe(results)[: MAX_CLAIMS * 2], key=lambda r: r.claim.line)
    return AuditResult(str(report), str(root), tuple(ordered), tuple(notes), tuple(warnings))


LINKED = (
    r"(?i)(properly linked|all (the )?links (work|resolve|are valid|verified|checked)|"
    r"no (broken|dead) links|links (are )?(all )?(valid|working|verified))"
)


def _links_claims(tree: outline.Node, results: Sequence[ClaimResult]) -> list[ClaimResult]:
    """'All documents properly linked' against the report's own links that lead nowhere."""
    dead = sorted(
        {
            r.claim.line
            for r in results
            if r.verdict is Verdict.BROKEN and "](" in r.claim.text and r.evidence
        }
    )
    out = []
    for node in tree.walk():
        if rx(LINKED).search(node.text) is None or node.mark.pending:
            continue
        claim = Claim(node.line, Source.STATUS, node.text[:160], node.section)
        if dead:
            shown = ", ".join(str(n) for n in dead[:6]) + (" …" if len(dead) > 6 else "")
            reason = f"says the links hold, but {len(dead)} of the report's links lead nowhere "
            reason += f"(lines {shown})"
            out.append(ClaimResult(claim, Verdict.BROKEN, reason))
    return out


def _folder_in(report: Path, root: Path) -> str:
    """The report's folder as a path from the root ('' at the root or outside it)."""
    try:
        rel = report.resolve().parent.relative_to(root.resolve())
    except (OSError, ValueError):
        return ""
    return "" if str(rel) == "." else rel.as_posix()


def _is_under(report: Path, root: Path) -> bool:
    try:
        report.resolve().relative_to(root.resolve())
    except (OSError, ValueError):
        return False
    return True


def _in_phases(results: list[ClaimResult], phase_of: dict[int, str]) -> list[ClaimResult]:
    """Each claim with the phase it belongs to (its `gate` in --to-plan), or none."""
    return [
        dataclasses.replace(
            r, claim=dataclasses.replace(r.claim, gate=phase_of.get(r.claim.line, ""))
        )
        if phase_of.get(r.claim.line, "") != r.claim.gate
        else r
        for r in results
    ]


def _bounded(text: str, notes: list[str]) -> str:
    """The text to audit: at most MAX_LINES lines, none longer than MAX_LINE_CHARS."""
    if text.count("\n") > MAX_LINES:
        text = text[: _nth_newline(text, MAX_LINES)]
        notes.append(f"only the first {MAX_LINES:,} lines read; the rest is not audited")
    text, long_lines = _drop_long_lines(text)
    if long_lines:
        shown = ", ".join(str(n) for n in long_lines[:5]) + (" …" if len(long_lines) > 5 else "")
        notes.append(
            f"{len(long_lines)} line(s) longer than {MAX_LINE_CHARS:,} characters not audited "
            f"(line {shown})"
        )
    return text


def _drop_long_lines(text: str) -> tuple[str, list[int]]:
    if len(text) <= MAX_LINE_CHARS or max(map(len, text.split("\n"))) <= MAX_LINE_CHARS:
        return text, []
    lines = text.split("\n")
    long = [i for i, line in enumerate(lines) if len(line) > MAX_LINE_CHARS]
    for i in long:
        lines[i] = ""
    return "\n".join(lines), [i + 1 for i in long]


def _nth_newline(text: str, n: int) -> int:
    pos = -1
    for _ in range(n):
        pos = text.index("\n", pos + 1)
    return pos


def _dedupe(results: Sequence[ClaimResult]) -> list[ClaimResult]:
    """One result per line and finding: an unverifiable row whose numbers were checked
    (a gate row's '9/9 passed') is dropped, a file's mere existence is dropped where its
    figures were read against the claim, an open item that another rule judged too is
    kept once, and the same finding read twice is kept once."""
    checked = {r.claim.line for r in results if r.verdict in (Verdict.HOLDS, Verdict.BROKEN)}
    measured = {
        (r.claim.line, c)
        for r in results
        if r.claim.source in (Source.COUNT, Source.MEASURED)
        for c in r.evidence
    }
    results = [
        r
        for r in results
        if r.claim.source in (Source.COUNT, Source.MEASURED)
        or r.verdict is not Verdict.HOLDS
        or not r.evidence
        or not all((r.claim.line, c) in measured for c in r.evidence)
    ]
    judged = {r.claim.line for r in results if r.reason != metrics.REASON}
    seen: set[tuple[int, str, str]] = set()
    out = []
    for r in results:
        if r.verdict is Verdict.UNVERIFIABLE and r.claim.line in checked:
            continue
        if r.reason == metrics.REASON and r.claim.line in judged:
            continue  # a figure on trust, where another rule reads the same line
        key = (r.claim.line, str(r.verdict), "" if r.verdict is Verdict.OPEN else r.reason)
        if key in seen:
            continue
        seen.add(key)
        out.append(r)
    return out
