"""Numbers against the evidence file they cite: test counts against a JUnit file,
coverage against a coverage report (read by the `coverage` probe's reader), a
latency percentile against a benchmark JSON. One file per claim, the one the claim
cites; `--junit GLOB` only for test counts that cite none. Skipped is not passed."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from gonogo.audit import junit
from gonogo.audit import markers as mk
from gonogo.audit.arith import TextLine
from gonogo.audit.markers import cited_paths, escapes, split_anchor
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.quantity import places_of, rounds_to
from gonogo.audit.regex import rx

COVERAGE = r"(?i)coverage\D{0,24}?(≥|>=|>|at least|over|above)?\s*(\d{1,3}(?:\.\d{1,2})?)\s?%"
LATENCY = (
    r"(?i)\b(p50|p90|p95|p99|median)\b\D{0,12}?(<=|≤|<|under|below|=|:|of)?\s*"
    r"(\d{1,7}(?:\.\d{1,3})?)\s*(ms|s)\b"
)
_COVERAGE_FILES = (".xml", ".json")
MAX_JSON_BYTES = 16 * 1024 * 1024


def count_results(
    claims: Sequence[junit.CountClaim], root: Path, totals: junit.Totals | None
) -> list[ClaimResult]:
    out = []
    for c in claims:
        if c.cited:
            out.append(_against(c, root))
        elif totals is None:
            reason = "a test count citing no JUnit file; give --junit GLOB to check it"
            out.append(ClaimResult(c.claim, Verdict.UNVERIFIABLE, reason))
        else:
            where = f"JUnit ({len(totals.files)} file(s) from --junit)"
            out.append(_compare(c, totals, where, tuple(totals.files)))
    return out


def _against(c: junit.CountClaim, root: Path) -> ClaimResult:
    path = _inside(root, c.cited)
    if path is None:
        return ClaimResult(c.claim, Verdict.BROKEN, f"{c.cited} leaves the repository root")
    if not path.is_file():
        return ClaimResult(
            c.claim, Verdict.BROKEN, f"cites {c.cited}, which does not exist", evidence=(c.cited,)
        )
    try:
        totals = junit.count_file(path)
    except ValueError as exc:
        return ClaimResult(c.claim, Verdict.BROKEN, f"cites {c.cited}: {exc}", evidence=(c.cited,))
    return _compare(c, totals, c.cited, (c.cited,))


def _compare(
    c: junit.CountClaim, t: junit.Totals, where: str, files: tuple[str, ...]
) -> ClaimResult:
    every = t.passed + t.failed + t.skipped
    seen = f"{every} testcases: {t.passed} passed, {t.failed} failed, {t.skipped} skipped"
    pairs = [("passed", c.passed, t.passed)]
    if c.total is not None:
        pairs.append(("in all", c.total, t.passed + t.failed + t.skipped))
    if c.failed is not None:
        pairs.append(("failed", c.failed, t.failed))
    if c.skipped is not None:
        pairs.append(("skipped", c.skipped, t.skipped))
    wrong = [f"{n} {name} (off by {abs(n - real)})" for name, n, real in pairs if n != real]
    nums = {name: {"claimed": n, "junit": real} for name, n, real in pairs}
    if wrong:
        reason = f"claims {', '.join(wrong)}; {where} has {seen}"
        return ClaimResult(c.claim, Verdict.BROKEN, reason, numbers=nums, evidence=files)
    return ClaimResult(c.claim, Verdict.HOLDS, f"{where}: {seen}", numbers=nums, evidence=files)


def passing_results(tree: Node, root: Path) -> list[ClaimResult]:
    """A row, item or field marked passing (✅, PASS, [x]) that cites a JUnit file and
    states no count: the file's tests must have passed, none failed."""
    out = []
    for node in tree.walk():
        if node.kind not in ("row", "item", "field") or ".xml" not in node.text.lower():
            continue
        if not _marked_passing(node):
            continue
        text = node.text
        if any(rx(p).search(text) for p in _COUNT_PATTERNS):
            continue  # the count rule reads it
        xml = [p for p in cited_paths(text, bare=True) if p.lower().endswith(".xml")]
        path = _inside(root, xml[0]) if xml else None
        if path is None or not path.is_file():
            continue
        try:
            t = junit.count_file(path)
        except ValueError:
            continue  # not JUnit: the file check reads it
        every = t.passed + t.failed + t.skipped
        seen = f"{xml[0]}: {every} testcases: {t.passed} passed, {t.failed} failed, "
        seen += f"{t.skipped} skipped"
        claim = Claim(node.line, Source.MEASURED, text[:160], node.section, cited=(xml[0],))
        check = {"kind": "junit", "files": xml[0], "max_failures": 0}
        if t.failed or not t.passed:
            why = f"marked passing, but {seen}"
            out.append(ClaimResult(claim, Verdict.BROKEN, why, evidence=(xml[0],), plan=(check,)))
        else:
            out.append(ClaimResult(claim, Verdict.HOLDS, seen, evidence=(xml[0],), plan=(check,)))
    return out


_COUNT_PATTERNS = (junit.COUNTS, junit.PASSING, junit.FRACTION, junit.ALL_PASSED)


def _marked_passing(node: Node) -> bool:
    if node.kind == "field":
        _, _, value = node.text.partition(":")
        return mk.leading_mark(value) is mk.Mark.DONE or mk.status_cell(value) is mk.Mark.DONE
    return node.mark is mk.Mark.DONE


def _inside(root: Path, cited: str) -> Path | None:
    body = split_anchor(cited)[0].removeprefix("./")
    if escapes(body) or body.startswith(("/", "~")):
        return None
    return root / body


def file_number_results(lines: Sequence[TextLine], root: Path) -> list[ClaimResult]:
    """Coverage and latency figures on lines that cite the file they come from."""
    out = []
    for line, text, section in lines:
        lower = text.lower()
        if (
            "coverage" not in lower
            and "p9" not in lower
            and "p50" not in lower
            and "median" not in lower
        ):
            continue
        files = [p for p in cited_paths(text, bare=True) if p.lower().endswith(_COVERAGE_FILES)]
        if not files:
            continue
        claim = Claim(line, Source.MEASURED, text[:160], section, cited=(files[0],))
        cov = rx(COVERAGE).search(text)
        lat = rx(LATENCY).search(text)
        if cov is not None:
            out.append(_coverage(claim, files[0], cov.group(1), Decimal(cov.group(2)), root))
        elif lat is not None:
            out.append(_latency(claim, files[0], lat, root))
    return out


def _coverage(claim: Claim, cited: str, op: str | None, want: Decimal, root: Path) -> ClaimResult:
    from gonogo.probes.coverage import ReportError, percent_of

    path = _inside(root, cited)
    if path is None or not path.is_file():
        why = "leaves the repository root" if path is None else "does not exist"
        return ClaimResult(claim, Verdict.BROKEN, f"cites {cited}, which {why}", evidence=(cited,))
    try:
        got = Decimal(str(round(percent_of(path.read_bytes()[: MAX_JSON_BYTES + 1], cited), 4)))
    except (ReportError, OSError) as exc:
        return ClaimResult(claim, Verdict.BROKEN, f"cites {cited}: {exc}", evidence=(cited,))
    shown = f"{cited} reports {got.quantize(Decimal('0.01'))}% line coverage"
    ok = got >= want if op else rounds_to(got, want, places_of(want))
    claimed = f"{op + ' ' if op else ''}{want}%"
    check = {"kind": "coverage", "files": cited, "min_percent": float(want)}
    if ok:
        return ClaimResult(
            claim, Verdict.HOLDS, f"{shown}; claimed {claimed}", evidence=(cited,), plan=(check,)
        )
    return ClaimResult(
        claim,
        Verdict.BROKEN,
        f"claims coverage {claimed} but {shown}",
        evidence=(cited,),
        plan=(check,),
    )


def _latency(claim: Claim, cited: str, m: Any, root: Path) -> ClaimResult:
    path = _inside(root, cited)
    name, op, value, unit = m.group(1).lower(), m.group(2) or "", Decimal(m.group(3)), m.group(4)
    if path is None or not path.is_file():
        why = "leaves the repository root" if path is None else "does not exist"
        return ClaimResult(claim, Verdict.BROKEN, f"cites {cited}, which {why}", evidence=(cited,))
    got_ms = _json_metric(path, "p50" if name == "median" else name)
    if got_ms is None:
        why = f"{cited} has no {name} figure a reader can find (a key named {name}, {name}_ms)"
        return ClaimResult(claim, Verdict.UNVERIFIABLE, why, evidence=(cited,))
    want_ms = value * (Decimal(1000) if unit == "s" else Decimal(1))
    if op in ("<", "under", "below"):
        ok = got_ms < want_ms
    elif op in ("≤", "<="):
        ok = got_ms <= want_ms
    else:
        ok = rounds_to(got_ms / (want_ms / value), value, places_of(value))
    said = f"{name} {op} {value} {unit}".replace("  ", " ")
    reason = f"{cited} reports {name} = {got_ms.normalize():f} ms; claimed {said}"
    return ClaimResult(claim, Verdict.HOLDS if ok else Verdict.BROKEN, reason, evidence=(cited,))


def _json_metric(path: Path, name: str) -> Decimal | None:
    """The first number under a key named like `p95`, `p95_ms` or `p95_s` (in ms)."""
    try:
        data = json.loads(path.read_bytes()[:MAX_JSON_BYTES])
    except (OSError, ValueError, RecursionError):  # RecursionError: nesting too deep
        return None
    stack: list[tuple[Any, int]] = [(data, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict) and depth < 6:
            for key, val in node.items():
                k = str(key).lower()
                if (
                    k.startswith(name)
                    and isinstance(val, int | float)
                    and not isinstance(val, bool)
                ):
                    scale = Decimal(1000) if k.endswith(("_s", "_sec", "_seconds")) else Decimal(1)
                    return Decimal(str(val)) * scale
                stack.append((val, depth + 1))
        elif isinstance(node, list) and depth < 6:
            stack.extend((v, depth + 1) for v in node[:1000])
    return None
