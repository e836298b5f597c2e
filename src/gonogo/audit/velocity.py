"""Points against the board they are counted on: "Velocity: 26 points done of 42
committed" against the one status table with a points column: the points of its done
rows, and of all its rows (a totals row left out)."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Table
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node, cell_mark, status_column
from gonogo.audit.regex import rx

_DONE = r"(?:done|completed|delivered|closed|burned)"
POINTS = (
    r"(?i)\b(\d{1,5})\s+(?:story\s+)?(?:points|pts|sp)\s+" + _DONE + r"\s+(?:of|out of)\s+"
    r"(\d{1,5})\b|\b(\d{1,5})\s+(?:of|out of)\s+(\d{1,5})\s+(?:story\s+)?(?:points|pts|sp)\s+"
    + _DONE
)
_POINT_HEADS = ("pts", "points", "sp", "story points", "estimate (pts)", "story pts")


def results(root: Node) -> list[ClaimResult]:
    claims = [n for n in root.walk() if n.kind != "row" and rx(POINTS).search(n.text)]
    if not claims:
        return []
    boards = _boards(root)
    if len(boards) != 1:
        return []
    table, col = boards[0]
    return [_judge(n, table, col) for n in claims]


def _boards(root: Node) -> list[tuple[Table, int]]:
    tables = list({id(n.table): n.table for n in root.walk() if n.table is not None}.values())
    out = []
    for table in tables:
        heads = [mk.plain(h).lower() for h in table.header]
        col = next((j for j, h in enumerate(heads) if h in _POINT_HEADS), None)
        if col is not None and status_column(table) is not None:
            out.append((table, col))
    return out


def _points(cells: Sequence[str], col: int) -> int | None:
    text = mk.plain(cells[col]) if col < len(cells) else ""
    return int(text) if text.isdigit() and len(text) < 6 else None


def _judge(node: Node, table: Table, col: int) -> ClaimResult:
    m = rx(POINTS).search(node.text)
    assert m is not None
    done_claim, all_claim = int(m.group(1) or m.group(3)), int(m.group(2) or m.group(4))
    status = status_column(table)
    assert status is not None
    rows = [
        r
        for r in table.rows
        if not mk.plain(r.cells[0] if r.cells else "").lower().startswith("total")
    ]
    done = every = 0
    for r in rows:
        pts = _points(r.cells, col)
        if pts is None:
            continue
        every += pts
        if status < len(r.cells) and cell_mark(r.cells[status]) is mk.Mark.DONE:
            done += pts
    claim = Claim(node.line, Source.SUMMARY, node.text[:160], node.section)
    where = f"the board at line {table.line}"
    nums = {"claimed": f"{done_claim}/{all_claim}", "done": done, "all": every}
    if (done_claim, all_claim) == (done, every):
        reason = f"{where}: its done rows carry {done} points of {every}"
        return ClaimResult(claim, Verdict.HOLDS, reason, numbers=nums)
    reason = (
        f"claims {done_claim} points done of {all_claim}, but on {where} its done rows "
        f"carry {done} points of {every}"
    )
    return ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums)
