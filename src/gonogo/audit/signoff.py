"""Sign-off and approval tables (role, name, date, signed?): each row is a claim. A
signed row needs a name and a date; an unsigned row is an open item."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Table
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import cell_mark
from gonogo.audit.regex import rx

_HEADS = (
    r"(?i)^(role|name|approver|signed?|signature|sign-?off|signed off|date|approved|approval|"
    r"owner|signatory|who)"
)
_DATE = (
    r"(\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\s+\w{3,9}\s+\d{4}|"
    r"\w{3,9}\s+\d{1,2},?\s+\d{4})"
)
_EMPTY = frozenset(("", "-", "—", "–", "tbd", "n/a", "pending", "_", "__", "___", "?", "…", "..."))


_TITLE = r"(?i)(sign-?offs?|signatures?|approvals?|approvers)\b"


def is_signoff(table: Table, title: str = "") -> bool:
    """A table of roles or names with a signed / approved column, or one under a sign-off
    title ("### Sign-off", ".Approvals") with a name and a date column."""
    heads = [mk.plain(h) for h in table.header]
    found = [rx(_HEADS).search(h) for h in heads]
    hits = {str(m.group(1)).lower()[:4] for m in found if m is not None}
    has_sign = any(h.lower().startswith(("sign", "approv", "status")) for h in heads)
    titled = bool(title) and rx(_TITLE).search(title) is not None
    has_date = any(h.lower().startswith(("date", "when", "signed on")) for h in heads)
    return (
        len(hits) >= 2
        and (has_sign or (titled and has_date))
        and any(
            h.lower().startswith(("name", "approver", "who", "signatory")) or h.lower() == "role"
            for h in heads
        )
    )


def signoff_results(table: Table, section: str, title: str = "") -> list[ClaimResult]:
    if not is_signoff(table, title):
        return []
    heads = [mk.plain(h).lower() for h in table.header]
    name = _col(heads, ("name", "approver", "signatory", "who", "signed by"))
    date = _col(heads, ("date", "signed on", "when"))
    sign = _col(
        heads, ("signed", "sign-off", "signoff", "signature", "approved", "approval", "status")
    )
    out = []
    for row in table.rows:
        cells = [mk.plain(c) for c in row.cells]
        text = " | ".join(c for c in cells if c)[:160]
        claim = Claim(row.line, Source.SIGNOFF, text, section)
        out.append(_judge(claim, cells, name, date, sign))
    return out


def unsigned(table: Table, title: str, cells: Sequence[str]) -> bool:
    """Whether a row of a sign-off table is still to be signed (False for other tables)."""
    if not is_signoff(table, title):
        return False
    heads = [mk.plain(h).lower() for h in table.header]
    date = _col(heads, ("date", "signed on", "when"))
    sign = _col(
        heads, ("signed", "sign-off", "signoff", "signature", "approved", "approval", "status")
    )
    return not _signed([mk.plain(c) for c in cells], date, sign)


def _signed(cells: Sequence[str], date: int | None, sign: int | None) -> bool:
    when = _cell(cells, date)
    mark = cell_mark(_cell(cells, sign)) if sign is not None else mk.Mark.NONE
    signed = mark is mk.Mark.DONE or (sign is None and bool(when) and when.lower() not in _EMPTY)
    if sign is not None and mark is mk.Mark.NONE and _cell(cells, sign).lower() not in _EMPTY:
        signed = _cell(cells, sign).lower().startswith(("yes", "y", "signed", "approved"))
    return signed


def _judge(
    claim: Claim, cells: Sequence[str], name: int | None, date: int | None, sign: int | None
) -> ClaimResult:
    who = _cell(cells, name)
    when = _cell(cells, date) if date is not None else _date_in(cells)
    signed = _signed(cells, date, sign)
    if not signed:
        return ClaimResult(claim, Verdict.OPEN, "not signed yet: an open approval")
    missing = [
        w for w, v in (("its name", who), ("its date", when)) if not v or v.lower() in _EMPTY
    ]
    if date is not None and when and when.lower() not in _EMPTY and rx(_DATE).search(when) is None:
        missing.append(f"its date (“{when}” is not a date)")
    if missing:
        return ClaimResult(
            claim, Verdict.BROKEN, f"marked signed but has {' and '.join(missing)} missing"
        )
    return ClaimResult(claim, Verdict.HOLDS, f"signed by {who} on {when}")


def _date_in(cells: Sequence[str]) -> str:
    """The date written in a row without a date column (an approval cell "✅ 2026-06-20")."""
    m = rx(_DATE).search(" ".join(cells)[:400])
    return str(m.group(1)) if m is not None else ""


def _col(heads: Sequence[str], names: tuple[str, ...]) -> int | None:
    for j, h in enumerate(heads):
        if h.startswith(names):
            return j
    return None


def _cell(cells: Sequence[str], col: int | None) -> str:
    return cells[col].strip() if col is not None and col < len(cells) else ""
