"""Changes between two measures, against the measures:

- a table row "| Total Runtime | 130.8 s | 160.4 s | -18.4% |" holds when the change
  from the second figure to the first, worked out at the precision the figures are
  written with, can round to the percent claimed ("1.36 GB | 1.32 GB | ≈ +2.9%": the
  figures allow +2.3% to +3.8%, so +2.9% holds; +5% would not);
- a sentence "Assembly 21% slower (47 s vs 39 s)" likewise;
- "18% faster", "36% smaller models" said again in prose holds as the one change in
  the report's tables it rounds to, in the same direction (faster, smaller and fewer
  are less; slower, larger and more are more).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gonogo.audit import markers as mk
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.quantity import places_of
from gonogo.audit.regex import rx

SIGNED = r"^[^\d+\-−–]{0,6}([+\-−–])\s?(\d{1,4}(?:\.\d{1,3})?)\s?%\W*$"
# "2:10.84", "130.8s", "47 s", "1.36 GB", "344K", "45,752 inputs", "77"
MEASURE = r"^(?:(\d{1,3}):)?(\d{1,3}(?:,\d{3})+|\d{1,9})(?:\.(\d{1,4}))?\s?([a-zA-Z]{0,8})\b"
PROSE = (
    r"(?i)\b(\d{1,4}(?:\.\d{1,3})?)\s?%\s+(faster|slower|smaller|larger|bigger|fewer|more|"
    r"less|lower|higher|reduction|increase|improvement)\b"
)
VERSUS = (
    r"(?i)\(\s*(\d{1,9}(?:\.\d{1,4})?)\s?([a-z]{0,6})\s+vs\.?\s+(\d{1,9}(?:\.\d{1,4})?)\s?"
    r"([a-z]{0,6})\s*\)"
)
_LESS = frozenset(("faster", "smaller", "fewer", "less", "lower", "reduction", "improvement"))


# "2h (estimated: 6-8h) … 3-4× faster than estimate", "4h actual vs 22-26h estimated =
# 5-6× faster": the estimate over the actual time
TIMES = r"(?i)\b(\d{1,3}(?:\.\d{1,2})?)(?:\s*[-–]\s*(\d{1,3}(?:\.\d{1,2})?))?\s?[x×]\s+faster\b"


def results(root: Node) -> list[ClaimResult]:
    changes: list[tuple[Node, Decimal]] = []  # each table change that holds, for prose
    out = [r for n in root.walk() if "faster" in n.text for r in _times_faster(n)]
    for node in root.walk():
        if node.kind == "row":
            found = _row_change(node)
            if found is not None:
                result, claimed = found
                out.append(result)
                if result.verdict is Verdict.HOLDS:
                    changes.append((node, claimed))
    for node in root.walk():
        if node.kind in ("row", "bar") or "%" not in node.text:
            continue
        out += _prose(node, changes)
    return out


def _row_change(node: Node) -> tuple[ClaimResult, Decimal] | None:
    table = node.table
    row = table.row_at(node.line) if table else None
    if table is None or row is None:
        return None
    cells = table.texts(row)
    if not any("%" in c for c in cells):
        return None
    signed = [(j, rx(SIGNED).search(c)) for j, c in enumerate(cells) if "%" in c]
    hits = [(j, m) for j, m in signed if m is not None]
    if len(hits) != 1:
        return None
    at, m = hits[0]
    measures = [v for j, c in enumerate(cells[1:at], start=1) for v in [_measure(c)] if v]
    if len(measures) != 2 or measures[0][2] != measures[1][2]:
        return None
    claimed = Decimal(m.group(2)) * (-1 if m.group(1) in "-−–" else 1)
    text = " | ".join(c for c in cells if c)
    return _judge(node, text, claimed, measures[0], measures[1]), claimed


def _measure(cell: str) -> tuple[Decimal, Decimal, str] | None:
    """(value, half of its last written unit, unit) of a cell's first figure."""
    m = rx(MEASURE).search(cell.replace("**", "").strip())
    if m is None:
        return None
    whole = m.group(2).replace(",", "")
    frac = m.group(3) or ""
    value = Decimal(f"{whole}.{frac}" if frac else whole)
    half = Decimal(5).scaleb(-len(frac) - 1)
    if m.group(1):  # m:ss.ss
        value += Decimal(m.group(1)) * 60
    unit = m.group(4).lower()
    return value, half, "s" if m.group(1) else unit


def _judge(
    node: Node,
    text: str,
    claimed: Decimal,
    new: tuple[Decimal, Decimal, str],
    old: tuple[Decimal, Decimal, str],
) -> ClaimResult:
    low, high = _bounds(new, old)
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    ok = claimed - half <= high and claimed + half >= low
    exact = (new[0] - old[0]) / old[0] * 100 if old[0] else Decimal(0)
    shown = f"{_fmt(exact)}%"
    if low.quantize(Decimal("0.1")) != high.quantize(Decimal("0.1")):
        shown += f" (the figures as written allow {_fmt(low)}% to {_fmt(high)}%)"
    reason = f"{new[0].normalize():f} against {old[0].normalize():f} is {shown}"
    claim = Claim(node.line, Source.ARITHMETIC, text[:160], node.section)
    if ok:
        return ClaimResult(claim, Verdict.HOLDS, f"{reason}; {_fmt(claimed)}% claimed")
    return ClaimResult(claim, Verdict.BROKEN, f"{_fmt(claimed)}% claimed but {reason}")


def _bounds(
    new: tuple[Decimal, Decimal, str], old: tuple[Decimal, Decimal, str]
) -> tuple[Decimal, Decimal]:
    """The change in percent over the figures' written precision."""
    lo_new, hi_new = new[0] - new[1], new[0] + new[1]
    lo_old, hi_old = old[0] - old[1], old[0] + old[1]
    if lo_old <= 0:
        return Decimal(-100), Decimal(10**6)
    ends = [(a - b) / b * 100 for a in (lo_new, hi_new) for b in (lo_old, hi_old)]
    return min(ends), max(ends)


def _fmt(value: Decimal) -> str:
    shown = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return f"+{shown}" if value > 0 and not shown.startswith("+") else shown


def _prose(node: Node, changes: Sequence[tuple[Node, Decimal]]) -> list[ClaimResult]:
    out = []
    text = mk.plain(node.text)
    for m in rx(PROSE).finditer(text):
        magnitude = Decimal(m.group(1))
        sign = -1 if m.group(2).lower() in _LESS else 1
        rest = text[m.end() : m.end() + 60]
        versus = rx(VERSUS).search(rest) or rx(VERSUS).search(text[: m.start()][-60:])
        if versus is not None and versus.group(2).lower() == versus.group(4).lower():
            new = _measure(f"{versus.group(1)}{versus.group(2)}")
            old = _measure(f"{versus.group(3)}{versus.group(4)}")
            if new is not None and old is not None:
                claimed = magnitude * (1 if new[0] >= old[0] else -1)
                out.append(_judge(node, text, claimed, new, old))
                continue
        same = [(n, c) for n, c in changes if _rounds(abs(c), magnitude) and c * sign > 0]
        if len(same) == 1:
            row, c = same[0]
            claim = Claim(node.line, Source.ARITHMETIC, text[:160], node.section)
            reason = f"{m.group(0)}: the change at line {row.line} is {_fmt(c)}%, rounded"
            out.append(ClaimResult(claim, Verdict.HOLDS, reason))
    return out


def _rounds(exact: Decimal, claimed: Decimal) -> bool:
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    return claimed - half <= exact < claimed + half


def _times_faster(node: Node) -> list[ClaimResult]:
    """'3-4× faster than estimate' beside an actual and an estimated time: the estimate
    over the actual, end by end, each end rounded to a whole number (5.5-6.5 is 5-6×
    within a half)."""
    from gonogo.audit.quantity import quantities

    text = mk.plain(node.text)
    m = rx(TIMES).search(text)
    if m is None:
        return []
    times = [q for q in quantities(text[: m.start()]) if q.family == "time"]
    if len(times) != 2:
        return []
    actual, estimate = sorted(times, key=lambda q: (q.high, q.low))
    if actual.high <= 0 or (not estimate.is_range and actual.is_range):
        return []
    low_claim = Decimal(m.group(1))
    high_claim = Decimal(m.group(2)) if m.group(2) else low_claim
    low, high = estimate.low / actual.high, estimate.high / actual.low
    ok = low_claim - Decimal("0.5") <= low and high <= high_claim + Decimal("0.5")
    shown = f"{_fmt1(low)}" if low == high else f"{_fmt1(low)}-{_fmt1(high)}"
    reason = f"{estimate.text} over {actual.text} is {shown}×; {m.group(0)} claimed"
    claim = Claim(node.line, Source.ARITHMETIC, text[:160], node.section)
    verdict = Verdict.HOLDS if ok else Verdict.BROKEN
    return [ClaimResult(claim, verdict, reason)]


def _fmt1(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.1')).normalize():f}"
