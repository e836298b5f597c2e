"""A parent against its children: its percent against theirs, its ✅ against their marks.

The rule, stated in every verdict: a child counts for its own stated percent when it
gives one, else 100% when marked done (✅ [x]), 0% when open (⏳ ❌ 🔲 [ ]), and for a
partial mark (🟡 🔄 ⚠) anything from 25% to 75% (under way, neither just begun nor
nearly done). The parent's percent holds when, rounded to the precision it is written
with, it can equal the mean.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Table
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.quantity import places_of, stated_percent
from gonogo.audit.regex import rx

_MARK_WORD = {mk.Mark.DONE: "done", mk.Mark.PARTIAL: "partial", mk.Mark.OPEN: "open"}
_HUNDRED = Decimal(100)


def results(root: Node, pending: frozenset[int] | set[int] = frozenset()) -> list[ClaimResult]:
    """Roll-ups of the report; `pending` holds the ids of nodes the report says are not
    done in words ("not yet executed", "36 failures"), which a ✅ over them contradicts."""
    out: list[ClaimResult] = []
    for node in root.walk():
        if node.kind == "row":
            out += _row_done_but_partial(node)
            continue
        pct = stated_percent(node.text)
        if pct is not None and node.children:
            out += _percent_rollup(node, pct)
        if node.mark is mk.Mark.DONE and pct is not None and pct < _HUNDRED:
            out.append(_done_but_partial(node, pct))
        elif node.mark is mk.Mark.DONE and node.kind in ("heading", "item", "label"):
            out += _done_over_open(node, pending)
        if node.kind in ("item", "bar") and _is_overall(node.text):
            out += _overall_of_siblings(node, pct) if pct is not None else []
            out += _overall_fraction(node) if rx(_FRACTION).search(node.text) else []
        elif node.kind == "bar" and pct is not None:
            out += _bar_itself(node, pct) + _bar_of_section(node, pct, root)
        if pct is not None and not node.children and node.kind in ("field", "line", "item"):
            out += _progress_of_table(node, pct)
    headings = [n for n in root.walk() if n.kind == "heading"]
    out += [r for n in root.walk() if n.kind == "item" for r in _named_section(n, headings)]
    return out


_NAMED_PCT = r"^([^:]{2,40}):\s*(\d{1,3}(?:\.\d{1,2})?)\s?%"


def _stems(text: str) -> set[str]:
    words = (w.strip("()/:,.-").lower() for w in text.split())
    return {w[:-1] if w.endswith("s") else w for w in words if w.isalpha()}


def _named_section(node: Node, headings: Sequence[Node]) -> list[ClaimResult]:
    """'- Overlays: 100%' under 'Coverage:' against the items of the one heading it names
    ('### Overlay Components (6/6)'), counted by the rule stated in every verdict."""
    m = rx(_NAMED_PCT).search(node.text)
    if m is None or node.children:
        return []
    name = _stems(m.group(1))
    hits = [h for h in headings if name and name <= _stems(h.text) and h is not node.heading]
    if len(hits) != 1:
        return []
    kids = [c for c in hits[0].children if c.kind == "item"]
    values = [_value(c) for c in kids]
    if len(kids) < 2 or any(v is None for v in values):
        return []
    claimed = Decimal(m.group(2))
    vals = [v for v in values if v is not None]
    low = sum((v[0] for v in vals), Decimal(0)) / Decimal(len(vals))
    high = sum((v[1] for v in vals), Decimal(0)) / Decimal(len(vals))
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    ok = claimed - half <= high and claimed + half > low
    reason = _rollup_reason(hits[0], kids, claimed, low, high, any(v[2] for v in vals))
    reason = f"“{hits[0].text[:50]}” (line {hits[0].line}): {reason}"
    verdict = Verdict.HOLDS if ok else Verdict.BROKEN
    return [ClaimResult(claim_of(node, Source.ROLLUP), verdict, reason)]


_FRACTION = r"(\d{1,6})\s*/\s*(\d{1,6})"


def _overall_fraction(node: Node) -> list[ClaimResult]:
    """'Overall Completion: 18/20' listed beside 'Emperor: 5/5', 'Temperance: 5/5', …"""
    if node.parent is None:
        return []
    others = [s for s in node.parent.children if s is not node and s.kind == "item"]
    fracs = [rx(_FRACTION).search(s.text) for s in others]
    if len(others) < 2 or any(f is None for f in fracs):
        return []
    done = sum(int(f.group(1)) for f in fracs if f is not None)
    every = sum(int(f.group(2)) for f in fracs if f is not None)
    m = rx(_FRACTION).search(node.text)
    assert m is not None
    num, den = int(m.group(1)), int(m.group(2))
    shown = " + ".join(f.group(0).replace(" ", "") for f in fracs if f is not None)
    reason = (
        f"{num}/{den} claimed; the {len(others)} items beside it add up to {shown} = {done}/{every}"
    )
    verdict = Verdict.HOLDS if (num, den) == (done, every) else Verdict.BROKEN
    return [ClaimResult(claim_of(node, Source.ROLLUP), verdict, reason)]


def claim_of(node: Node, source: Source) -> Claim:
    return Claim(node.line, source, node.text[:160], node.section, gate=_gate(node))


def _gate(node: Node) -> str:
    heading = node.heading
    return heading.text if heading is not None else ""


def _value(child: Node) -> tuple[Decimal, Decimal, bool] | None:
    """(low, high, open interval) of one child's completion."""
    pct = stated_percent(child.text)
    if pct is not None:
        return pct, pct, False
    if child.mark is mk.Mark.DONE:
        return _HUNDRED, _HUNDRED, False
    if child.mark is mk.Mark.OPEN:
        return Decimal(0), Decimal(0), False
    if child.mark is mk.Mark.PARTIAL:
        return Decimal(25), Decimal(75), True
    return None


def _kids(node: Node) -> list[Node]:
    """The children a percent is made of; a label with no status of its own
    ("**Remaining:**") stands for the items it holds. A heading over a status table is
    made of the table's rows (the lists beside it are narrative), and a heading whose one
    sub-heading holds that table ("## Phase 0: 75%" over "### Checklist") of its rows."""
    if node.kind == "heading":
        rows = _table_rows(node)
        subs = [c for c in node.children if c.kind == "heading" and _value(c) is None]
        if not rows and len(subs) == 1:
            rows = _table_rows(subs[0])
        if len(rows) >= 2:
            return rows
    out = []
    for c in node.children:
        if c.kind in ("field", "line"):
            continue
        if c.kind == "label" and c.children and _value(c) is None:
            out += [k for k in c.children if k.kind == "item"]
        else:
            out.append(c)
    return out


def _table_rows(heading: Node) -> list[Node]:
    """The rows of the first status table right under `heading`, totals left out."""
    from gonogo.audit.outline import status_column

    rows = [c for c in heading.children if c.kind == "row" and c.table is not None]
    if not rows or status_column(rows[0].table) is None:  # type: ignore[arg-type]
        return []
    first = rows[0].table
    return [r for r in rows if r.table is first and not _total_row(r)]


def _total_row(node: Node) -> bool:
    return mk.plain(node.text).lower().startswith(("total", "sum ", "overall"))


_PROGRESS_LINE = (
    r"(?i)^\W{0,4}(overall|total progress|overall progress|progress|completion|"
    r"total completion|overall completion|project progress)\b"
)


def _progress_of_table(node: Node, claimed: Decimal) -> list[ClaimResult]:
    """'**Total Progress:** 98%' or 'Overall: AMBER, 62% complete (tracker below)' beside
    a table of phases with their progress: the mean of the rows, weighted when a Weight
    column says how much each row counts."""
    if rx(_PROGRESS_LINE).search(node.text) is None or node.parent is None:
        return []
    table = _nearest_table(node)
    if table is None:
        return []
    spread = _table_progress(table)
    if spread is None:
        return []
    low, high, how = spread
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    ok = claimed - half <= high and claimed + half > low
    mean = f"{_round2(low)}%" if low == high else f"{_round2(low)}% to {_round2(high)}%"
    reason = f"{claimed}% claimed; the table at line {table.line} {how}: {mean}"
    nums = {"claimed": f"{claimed}%", "low": f"{_round2(low)}%", "high": f"{_round2(high)}%"}
    verdict = Verdict.HOLDS if ok else Verdict.BROKEN
    return [ClaimResult(claim_of(node, Source.ROLLUP), verdict, reason, numbers=nums)]


def _nearest_table(node: Node) -> Table | None:
    """The status table among the line's siblings: the closest one before it, else the
    first one after it."""
    from gonogo.audit.outline import status_column

    siblings = node.parent.children if node.parent is not None else []
    at = siblings.index(node)
    before = [s.table for s in siblings[:at] if s.kind == "row" and s.table is not None]
    after = [s.table for s in siblings[at + 1 :] if s.kind == "row" and s.table is not None]
    for table in [*reversed(before), *after]:
        if status_column(table) is not None:
            return table
    return None


def _table_progress(table: Table) -> tuple[Decimal, Decimal, str] | None:
    """(low, high, how it was worked out) of a table's progress: each row's progress
    cell (a percent; "99%+" is 99 to 100), else its status mark by the rule of this
    module, weighted by a Weight column when there is one."""
    from gonogo.audit.outline import row_mark, status_column

    heads = [mk.plain(h).lower() for h in table.header]
    prog = next((j for j, h in enumerate(heads) if h.startswith(_PROGRESS_HEADS)), None)
    weight = next((j for j, h in enumerate(heads) if h.startswith("weight")), None)
    status = status_column(table)
    rows = [
        r
        for r in table.rows
        if not mk.plain(r.cells[0] if r.cells else "")
        .lower()
        .startswith(("total", "sum ", "overall"))
    ]
    values: list[tuple[Decimal, Decimal]] = []
    weights: list[Decimal] = []
    for r in rows:
        v = _cell_progress(r.cells[prog]) if prog is not None and prog < len(r.cells) else None
        if v is None and status is not None and status < len(r.cells):
            mark = row_mark(table, r.cells[status])
            v = _MARK_SPAN.get(mark)
        if v is None:
            return None
        values.append(v)
        if weight is not None:
            w = _number(r.cells[weight]) if weight < len(r.cells) else None
            if w is None:
                return None
            weights.append(w)
    if len(values) < 2:
        return None
    if weights and sum(weights) > 0:
        total = sum(weights, Decimal(0))
        low = sum((v[0] * w for v, w in zip(values, weights, strict=True)), Decimal(0)) / total
        high = sum((v[1] * w for v, w in zip(values, weights, strict=True)), Decimal(0)) / total
        return low, high, f"weights its {len(values)} rows' progress by their Weight column"
    n = Decimal(len(values))
    low = sum((v[0] for v in values), Decimal(0)) / n
    high = sum((v[1] for v in values), Decimal(0)) / n
    return low, high, f"averages its {len(values)} rows' progress"


_PROGRESS_HEADS = ("progress", "complete", "completion", "% complete", "% done", "done %", "%")
_MARK_SPAN = {
    mk.Mark.DONE: (_HUNDRED, _HUNDRED),
    mk.Mark.OPEN: (Decimal(0), Decimal(0)),
    mk.Mark.PARTIAL: (Decimal(25), Decimal(75)),
}


def _cell_progress(cell: str) -> tuple[Decimal, Decimal] | None:
    m = rx(r"^(\d{1,3}(?:\.\d{1,2})?)\s?%(\+)?$").search(mk.plain(cell).strip())
    if m is None:
        return None
    value = Decimal(m.group(1))
    return (value, _HUNDRED) if m.group(2) else (value, value)


def _number(cell: str) -> Decimal | None:
    m = rx(r"^(\d{1,6}(?:\.\d{1,4})?)\s?%?$").search(mk.plain(cell).strip())
    return Decimal(m.group(1)) if m is not None else None


def _percent_rollup(node: Node, claimed: Decimal) -> list[ClaimResult]:
    kids = _kids(node)
    values = [_value(c) for c in kids]
    if len(kids) < 2 or any(v is None for v in values):
        return []  # not a list of statuses
    vals = [v for v in values if v is not None]
    n = Decimal(len(vals))
    low = sum((v[0] for v in vals), Decimal(0)) / n
    high = sum((v[1] for v in vals), Decimal(0)) / n
    open_ = any(v[2] for v in vals)
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    ok = claimed - half <= high and claimed + half > low
    ok = ok and _bar_agrees(node.text, claimed)
    reason = _rollup_reason(node, kids, claimed, low, high, open_)
    nums = {"claimed": f"{claimed}%", "low": f"{_round2(low)}%", "high": f"{_round2(high)}%"}
    verdict = Verdict.HOLDS if ok else Verdict.BROKEN
    return [ClaimResult(claim_of(node, Source.ROLLUP), verdict, reason, numbers=nums)]


def _rollup_reason(
    node: Node, kids: Sequence[Node], claimed: Decimal, low: Decimal, high: Decimal, open_: bool
) -> str:
    counts: dict[str, int] = {}
    given = 0
    for c in kids:
        if stated_percent(c.text) is not None:
            given += 1
        else:
            word = _MARK_WORD.get(c.mark, "unmarked")
            counts[word] = counts.get(word, 0) + 1
    parts = [f"{n} {w}" for w, n in counts.items()]
    if given:
        parts.insert(0, f"{given} with their own percent")
    what = f"{len(kids)} items ({', '.join(parts)})"
    if low == high:
        mean = f"their mean is {_round2(low)}%"
    else:
        mean = f"their mean is {_round2(low)}% to {_round2(high)}%"
        mean += " (a partial item counts for 25% to 75%)" if open_ else ""
    bar = _bar_percent(node.text)
    extra = f"; its bar shows {bar}%" if bar is not None and bar != claimed else ""
    return f"{claimed}% claimed over {what}: {mean}{extra}"


def _round2(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01')).normalize():f}"


def _bar_percent(text: str) -> Decimal | None:
    full, empty = text.count("█"), text.count("░")
    if full + empty < 4:
        return None
    return (Decimal(100 * full) / Decimal(full + empty)).quantize(Decimal(1))


def _bar_agrees(text: str, claimed: Decimal) -> bool:
    bar = _bar_percent(text)
    return bar is None or abs(bar - claimed) <= Decimal(100) / Decimal(
        text.count("█") + text.count("░")
    )


def _row_done_but_partial(node: Node) -> list[ClaimResult]:
    """'| Phase 2 | ✅ Complete | 99%+ |': a done row that gives itself less than 100%."""
    table = node.table
    if node.mark is not mk.Mark.DONE or "%" not in node.text or table is None:
        return []
    row = table.row_at(node.line)
    heads = [mk.plain(h).lower() for h in table.header]
    cells = [
        c
        for j, c in enumerate(row.cells if row is not None else ())
        if j < len(heads) and heads[j].startswith(("progress", "complete", "completion", "done"))
    ]
    pct = stated_percent(" ".join(cells)) if cells else None
    return [_done_but_partial(node, pct)] if pct is not None and pct < _HUNDRED else []


def _done_but_partial(node: Node, pct: Decimal) -> ClaimResult:
    reason = f"marked done (✅) but says it is {pct}% complete"
    return ClaimResult(
        claim_of(node, Source.STATUS), Verdict.BROKEN, reason, numbers={"stated": f"{pct}%"}
    )


def _done_over_open(node: Node, said: frozenset[int] | set[int] = frozenset()) -> list[ClaimResult]:
    worded = [d for d in node.walk() if id(d) in said and d.mark is mk.Mark.NONE]
    if worded:
        named = "; ".join(f"line {d.line}: {d.text[:60]}" for d in worded[:3])
        more = f" (and {len(worded) - 3} more)" if len(worded) > 3 else ""
        reason = f"marked done, but {len(worded)} line(s) under it say otherwise: {named}{more}"
        return [ClaimResult(claim_of(node, Source.STATUS), Verdict.BROKEN, reason)]
    marked = [d for d in node.walk() if d.mark is not mk.Mark.NONE and d.kind != "heading"]
    if not marked:
        under = sum(1 for d in node.walk() if d.kind != "heading")
        if node.kind != "heading" or not under:
            return []
        reason = f"marked done, and none of the {under} lines under it is marked open"
        return [ClaimResult(claim_of(node, Source.STATUS), Verdict.HOLDS, reason)]
    pending = [d for d in marked if d.mark.pending]
    claim = claim_of(node, Source.STATUS)
    if not pending:
        reason = f"marked done, and all {len(marked)} items under it are marked done"
        return [ClaimResult(claim, Verdict.HOLDS, reason)]
    named = "; ".join(f"line {d.line}: {d.text[:60]}" for d in pending[:3])
    more = f" (and {len(pending) - 3} more)" if len(pending) > 3 else ""
    reason = (
        f"marked done, but {len(pending)} of the {len(marked)} items under it are open: "
        f"{named}{more}"
    )
    return [ClaimResult(claim, Verdict.BROKEN, reason)]


def _is_overall(text: str) -> bool:
    return (
        mk.plain(text)
        .lower()
        .lstrip("✅⏳🟡 ")
        .startswith(("overall", "total progress", "overall progress", "project progress"))
    )


def _bar_itself(node: Node, claimed: Decimal) -> list[ClaimResult]:
    """'Sprint 0: [███████████████░░░░░] 75%': the bar's filled blocks against its percent,
    within one block."""
    bar = _bar_percent(node.text)
    if bar is None or node.children:
        return []
    full, every = node.text.count("█"), node.text.count("█") + node.text.count("░")
    reason = f"{claimed}% claimed; the bar fills {full} of its {every} blocks ({bar}%)"
    verdict = Verdict.HOLDS if _bar_agrees(node.text, claimed) else Verdict.BROKEN
    return [ClaimResult(claim_of(node, Source.ROLLUP), verdict, reason)]


def _bar_of_section(node: Node, claimed: Decimal, root: Node) -> list[ClaimResult]:
    """'Sprint 3: [░░░░] 0%' against the one heading that names Sprint 3, where its own
    status line says 'COMPLETE - 100% Complete'."""
    label, colon, _ = node.text.partition(":")
    name = _part_name(label)
    if not name or not colon:
        return []
    hits = [
        h
        for h in root.walk()
        if h.kind == "heading" and _part_name(h.text) == name and h is not node.heading
    ]
    hits = [h for h in hits if not any(a in hits for a in h.ancestors())]  # the outermost
    if len(hits) != 1:
        return []
    said = _said_percent(hits[0])
    if said is None:
        return []
    pct, line = said
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    ok = abs(pct - claimed) < half or pct == claimed
    where = f"“{hits[0].text[:50]}” (line {hits[0].line})"
    reason = f"{claimed}% claimed; {where} says {pct}% at line {line}"
    return [
        ClaimResult(claim_of(node, Source.ROLLUP), Verdict.HOLDS if ok else Verdict.BROKEN, reason)
    ]


def _part_name(text: str) -> str:
    """'🎯 Sprint 3 Progress (Week 4)' → 'sprint 3': the first phase, sprint or stage a
    text names; '' when it names none."""
    from gonogo.audit.outline import PHASE_WORDS

    m = rx(r"(?i)\b(" + "|".join(PHASE_WORDS) + r")\s+(\d{1,3}|[a-z])\b").search(text)
    return f"{m.group(1).lower()} {m.group(2).lower()}" if m is not None else ""


def _said_percent(heading: Node) -> tuple[Decimal, int] | None:
    """The percent a heading states of itself, in its title or a status / progress line
    right under it."""
    pct = stated_percent(heading.text)
    if pct is not None:
        return pct, heading.line
    for c in heading.children:
        if c.kind == "field" and rx(r"(?i)^(status|progress|completion)\b").search(c.text):
            pct = stated_percent(c.text)
            if pct is not None:
                return pct, c.line
    return None


def _overall_of_siblings(node: Node, claimed: Decimal) -> list[ClaimResult]:
    """'Overall completion: 50%' listed beside 'Sprint 1: 80%', 'Sprint 2: 60%', ..."""
    if node.parent is None:
        return []
    others = [s for s in node.parent.children if s is not node and s.kind == node.kind]
    pcts = [stated_percent(s.text) for s in others]
    if len(others) < 2 or any(p is None for p in pcts):
        return []
    vals = [p for p in pcts if p is not None]
    mean = sum(vals, Decimal(0)) / Decimal(len(vals))
    half = Decimal(5).scaleb(-places_of(claimed) - 1)
    ok = claimed - half <= mean < claimed + half
    shown = " + ".join(f"{v}" for v in vals)
    reason = (
        f"{claimed}% claimed; the {len(vals)} items beside it average "
        f"({shown}) / {len(vals)} = {_round2(mean)}%"
    )
    verdict = Verdict.HOLDS if ok else Verdict.BROKEN
    return [ClaimResult(claim_of(node, Source.ROLLUP), verdict, reason)]
