"""Totals against their listed parts: hours, days, points, lines, tests.

A line that states a total ("Total: ~2.5 hours", "13 points total", "Total Effort:
16-22 hours") is added up from the parts a reader sees it summing: its own sub-items;
else the items listed before it in the same list; else the list or table right
before it (the table column holding that unit); else the titles of the headings
beside the one it sits under ("Phase A (15 min)", "Phase B (30 min)"). Ranges add up
end by end; the total holds when each end, rounded to the precision it is written
with, equals the sum ("~" does not widen it: "~2.5 h" is not 15 min + 2 h = 2.25 h).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Table
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.quantity import Quantity, quantities, rounds_to, show
from gonogo.audit.regex import rx

TOTAL_WORD = r"(?i)\b(total|estimated (time|effort))\b"
_PAREN_QTY = r"\(\s*~?\d"
_MIN_PARTS = 2


def results(root: Node) -> list[ClaimResult]:
    out = []
    for node in root.walk():
        if node.kind == "row":
            out += _table_total(node)
            continue
        if node.kind == "bar":
            continue
        if node.kind == "heading" and not rx(TOTAL_WORD).search(node.text):
            out += _heading_estimate(node)
            continue
        if not rx(TOTAL_WORD).search(node.text):
            out += _listed_in_parentheses(node)
            continue
        claimed = _claimed(node.text)
        if claimed is None:
            continue
        parts = _inline_parts(node.text, claimed) or _parts(node, claimed.family)
        if len(parts) >= _MIN_PARTS:
            out.append(_judge(node, claimed, parts))
    return out


def _inline_parts(text: str, claimed: Quantity) -> list[Quantity]:
    """'14 min (unit 9 min + integration 4 min)': the parts added up on the line itself."""
    at = text.find(claimed.text) + len(claimed.text)
    rest = text[at:].lstrip()
    if not rest.startswith("(") or "+" not in rest:
        return []
    inside = rest[1 : rest.find(")")] if ")" in rest else rest[1:]
    found = [_first(p, claimed.family) for p in inside.split("+")]
    return [q for q in found if q is not None] if all(found) else []


def _listed_in_parentheses(node: Node) -> list[ClaimResult]:
    """'Time spent: ~7 h (reconciliation 3 h, backfill 2 h, review 30 min)': an amount
    and, in the parentheses right after it, the parts it is made of."""
    if "(" not in node.text or node.kind not in ("field", "item", "line", "label"):
        return []
    for claimed in quantities(node.text):
        parts = _parts_after(node.text, claimed)
        if len(parts) >= _MIN_PARTS:
            return [_judge(node, claimed, parts)]
    return []


def _parts_after(text: str, claimed: Quantity) -> list[Quantity]:
    at = text.find(claimed.text) + len(claimed.text)
    rest = text[at:].lstrip()
    if not rest.startswith("(") or ")" not in rest:
        return []
    inside = rest[1 : rest.find(")")]
    pieces = [p for p in inside.replace("+", ",").replace(";", ",").split(",") if p.strip()]
    found = [quantities(p) for p in pieces]
    if len(pieces) < _MIN_PARTS or any(len(f) != 1 for f in found):
        return []
    parts = [f[0] for f in found]
    return parts if all(q.family == claimed.family for q in parts) else []


def _heading_estimate(node: Node) -> list[ClaimResult]:
    """'### Phase 1: Critical Fixes (4 Hours)' over '**Priority 1A: … (30 minutes)**', …:
    a heading's estimate against the estimates of the parts written under it."""
    if not rx(_PAREN_QTY).search(node.text):
        return []
    claimed = _paren_quantity(node.text)
    if claimed is None or claimed.family not in ("time", "days", "points"):
        return []
    kids = [c for c in node.children if c.kind in ("field", "label", "heading", "item")]
    found = [_paren_quantity(c.text) for c in kids]
    parts = [q for q in found if q is not None and q.family == claimed.family]
    if len(parts) < _MIN_PARTS:
        return []
    return [_judge(node, claimed, parts)]


def _paren_quantity(text: str) -> Quantity | None:
    """The first quantity written in parentheses: '(4 Hours - Required)', '(30 min)'."""
    for q in quantities(text):
        at = text.find(q.text)
        if at > 0 and text[:at].rstrip().endswith("(") and not q.plus:
            return q
    return None


def _table_total(node: Node) -> list[ClaimResult]:
    """A totals row whose cells carry units ('| **Total** | **4 d** |'): each such cell
    against the same column of the other rows."""
    table = node.table
    if table is None or not node.text.lower().startswith(("total", "sum ")):
        return []
    row = table.row_at(node.line)
    if row is None:
        return []
    out = []
    body = [r for r in table.rows if r is not row]
    for j, cell in enumerate(row.cells[1:], start=1):
        found = quantities(mk.plain(cell))
        if len(found) != 1 or mk.plain(cell).replace(",", "").isdigit():
            continue
        family = found[0].family
        parts = [_first(mk.plain(r.cells[j]), family) for r in body if j < len(r.cells)]
        kept = [q for q in parts if q is not None]
        if len(kept) >= _MIN_PARTS:
            out.append(_judge(node, found[0], kept))
    return out


def _claimed(text: str) -> Quantity | None:
    found = quantities(text) or _unit_first(text)
    if not found:
        return None
    m = rx(TOTAL_WORD).search(text)
    at = m.start() if m is not None else 0
    after = [q for q in found if text.find(q.text) >= at]
    return after[0] if after else found[-1]


def _unit_first(text: str) -> list[Quantity]:
    """'Total SP: 21', 'Total hours: 70': the unit in the label, the number after it."""
    label, sep, value = text.partition(":")
    words = label.split()
    number = value.strip().split()[0] if value.strip() else ""
    if not sep or len(words) < 2 or not number.replace(",", "").replace(".", "", 1).isdigit():
        return []
    return quantities(f"total {number} {words[-1]}")


def _first(text: str, family: str) -> Quantity | None:
    return next((q for q in quantities(text) if q.family == family), None)


def _parts(node: Node, family: str) -> list[Quantity]:
    for candidates in _candidate_sets(node):
        found = [_first(c, family) for c in candidates]
        parts = [q for q in found if q is not None]
        if len(parts) >= _MIN_PARTS:
            return parts
    return []


def _candidate_sets(node: Node) -> list[list[str]]:
    sets = [[c.text for c in node.children if c.kind not in ("field", "line")]]
    parent = node.parent
    if parent is not None:
        siblings = parent.children
        idx = siblings.index(node)
        if node.kind == "item":
            sets.append([s.text for s in siblings[:idx] if s.kind == "item"])
        prev = siblings[idx - 1] if idx else None
        if prev is not None and prev.kind == "label":
            sets.append([c.text for c in prev.children])
        tables = [s.table for s in siblings[:idx] if s.kind == "row" and s.table is not None]
        if tables:
            sets += _table_columns(tables[-1])
        items = [s for s in siblings[:idx] if s.kind == "item" and s.parent is parent]
        if node.kind == "field" and items:
            sets.append([s.text for s in items])
        if node.kind == "field":  # "**Actual:** ~3 hours total" over the list right after it
            sets.append(_items_after(siblings[idx + 1 :]))
    heading = node.heading
    if heading is not None and heading is not node and heading.parent is not None:
        sets.append([h.text for h in heading.parent.children if h.kind == "heading"])
    return sets


def _items_after(siblings: Sequence[Node]) -> list[str]:
    out = []
    for s in siblings:
        if s.kind != "item":
            break
        if not rx(TOTAL_WORD).search(s.text):
            out.append(s.text)
    return out


def _table_columns(table: Table) -> list[list[str]]:
    """Each column's cells; a bare number under a header naming a unit ("SP", "Hours")
    takes that unit."""
    rows = [
        r.cells
        for r in table.rows
        if not mk.plain(r.cells[0] if r.cells else "").lower().startswith("total")
    ]
    width = max((len(c) for c in rows), default=0)
    out = []
    for j in range(width):
        head = mk.plain(table.header[j]) if j < len(table.header) else ""
        unit = head if quantities(f"1 {head}") else ""
        cells = [mk.plain(r[j]) for r in rows if j < len(r)]
        out.append(
            [f"{c} {unit}" if unit and c.replace(".", "", 1).isdigit() else c for c in cells]
        )
    return out


def _judge(node: Node, claimed: Quantity, parts: Sequence[Quantity]) -> ClaimResult:
    low = sum((p.low for p in parts), Decimal(0))
    high = sum((p.high for p in parts), Decimal(0))
    scale, unit, places = claimed.scale, claimed.unit, claimed.places
    ok = rounds_to(low / scale, claimed.low / scale, places) and rounds_to(
        high / scale, claimed.high / scale, places
    )
    if not claimed.is_range and low != high:
        ok = claimed.low - scale / 2 <= high and claimed.low + scale / 2 > low
    elif claimed.is_range and low == high:  # "(10-15 hours)" over 10 h + 1 h + 30 min
        ok = claimed.low <= low <= claimed.high
    listed = " + ".join(p.text for p in parts[:8]) + (" + …" if len(parts) > 8 else "")
    total = show(low, high, scale, unit)
    claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
    nums = {"claimed": claimed.text, "sum": total, "parts": len(parts)}
    if ok:
        within = f", within {claimed.text}" if claimed.is_range and low == high else ""
        return ClaimResult(claim, Verdict.HOLDS, f"{listed} = {total}{within}", numbers=nums)
    reason = f"{claimed.text} claimed but its {len(parts)} parts add up to {total} ({listed})"
    return ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums)
