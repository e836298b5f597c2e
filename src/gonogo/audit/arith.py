"""Arithmetic claims, checked against the report's own numbers.

Percentages are held to the precision they are written with: "16.6%" claims the
exact value lies in [16.55, 16.65), i.e. it equals the exact ratio rounded half
up to one decimal. 2/12 = 16.67% rounds to 16.7%, so "16.6% (2/12)" is broken
(by 0.07 points): truncation is not accepted as rounding.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Block, Heading, ListBlock, Para, Table
from gonogo.audit.claims import is_total, sections, walk_items
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.regex import rx

_NUM = r"(\d{1,6}(?:\.\d{1,4})?)"
PCT_FRACTION = _NUM + r"\s?%\s*\(\s*(\d{1,9})\s*(?:/|\s(?:of|out of)\s)\s*(\d{1,9})"
FRACTION_PCT = (
    r"(\d{1,9})\s*(?:/|\s(?:of|out of)\s)\s*(\d{1,9})(?:\s+[a-z]{2,20}){0,2}\s*\(\s*"
    + _NUM
    + r"\s?%"
)
PASS_RATE = (
    r"(?i)(?:"
    + _NUM
    + r"\s?%\s+(?:[a-z]+\s+)?pass(?:ing)?\s+rate|pass\s+rate\W{0,4}\s*"
    + _NUM
    + r"\s?%)"
)
# "96.5% passing - 1007/1043 tests": a percent, a word, then the fraction it is
PCT_THEN_FRACTION = _NUM + r"\s?%\s+[a-z]+\s*[-–:,]\s*(\d{1,9})\s*/\s*(\d{1,9})\b"
# "All tests pass: 96.5%": all of them, and a rate under 100
ALL_AT = (
    r"(?i)\ball\s+(?:[a-z]+\s+){0,2}(?:pass|passes|passed|passing|green)\W{0,4}\s*" + _NUM + r"\s?%"
)
CELL_PASSED = r"^(\d{1,9})\s*/\s*(\d{1,9})\s+(?i:passed|pass|passing|green|ok)\b"
FRACTION = r"^(\d{1,9})\s*/\s*(\d{1,9})\b"
INTEGER = r"^(\d{1,12})$"
TRAILING_PCT = r"(\d{1,3}(?:\.\d{1,2})?)\s?%(?:\s+complete)?\W{0,3}$"


_COMPARATORS = frozenset("≥≤<>~=")
_EXPECTED = (
    r"(should|will|would|could|target|goal|aim|expect|reach|hope|plan|\d\s*[-–]\s*$|"
    r"at least\s*$|up to\s*$)"
)
TextLine = tuple[int, str, str]  # line, text, section


def text_lines(blocks: Sequence[Block]) -> Iterator[TextLine]:
    """Every line of prose: headings, paragraphs, list items, table cells."""
    for section, block in sections(blocks):
        if isinstance(block, Heading):
            yield block.line, block.text, section
        elif isinstance(block, Para):
            for i, line in enumerate(block.lines):
                yield block.line + i, line, section
        elif isinstance(block, ListBlock):
            for item in walk_items(block.items):
                for i, line in enumerate(item.text.split("\n")):
                    yield item.line + i, line, section
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    yield row.line, cell, section
                if "pass" in row.cells[0].lower() if row.cells else False:
                    # "| Eval pass rate | ≥95% | 16.6% |": one claim across the row's cells
                    kept = [mk.plain(c) for c in row.cells if mk.plain(c)[:1] not in _COMPARATORS]
                    yield row.line, " ".join(kept), section


def row_lines(blocks: Sequence[Block]) -> Iterator[TextLine]:
    """Each table row as one line of text: a row is one claim, so a figure in one cell
    is read against the file cited in another ("8/8 passed | `reports/junit.xml`")."""
    for section, block in sections(blocks):
        if isinstance(block, Table):
            for row in block.rows:
                yield row.line, " | ".join(row.cells), section


def percent_check(claimed: str, num: int, den: int) -> tuple[bool, dict[str, Any]]:
    """Whether `claimed` percent is num/den rounded half up to the claimed precision."""
    value = Decimal(claimed)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    exact = Decimal(100 * num) / Decimal(den)
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    off = abs(value - exact)
    numbers = {
        "claimed": f"{value}%",
        "actual": f"{exact.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)}%",
        "rounded": f"{rounded}%",
        "off": float(off.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)),
    }
    return rounded == value, numbers


def _pct_result(
    line: int, text: str, section: str, claimed: str, num: int, den: int
) -> ClaimResult:
    claim = Claim(line, Source.ARITHMETIC, _short(text), section)
    return percent_result(claim, claimed, num, den, f"{num}/{den}", f"{num}/{den} divides by zero")


def percent_result(
    claim: Claim, claimed: str, num: int, den: int, shown: str, zero: str
) -> ClaimResult:
    """`claimed`% against `num`/`den`, which the reason shows as `shown` (`3/12`, `Passed
    3/12 (the total of line 4)`); `zero` is the reason when `den` is 0."""
    if den == 0:
        return ClaimResult(claim, Verdict.BROKEN, zero)
    ok, nums = percent_check(claimed, num, den)
    exact = f"{shown} = {nums['actual']}"
    if ok:
        return ClaimResult(
            claim, Verdict.HOLDS, f"{exact}, {nums['rounded']} rounded", numbers=nums
        )
    reason = (
        f"{claimed}% claimed but {exact} ({nums['rounded']} at the claim's precision); "
        f"off by {nums['off']:g} points"
    )
    return ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums)


def percent_fractions(
    lines: Sequence[TextLine],
) -> tuple[list[ClaimResult], tuple[int, int] | None]:
    """'X% (a/b)' and 'a/b (X%)'; also the pass-rate fraction the report states, if any."""
    out: list[ClaimResult] = []
    reference: tuple[int, int] | None = None
    for line, text, section in lines:
        if "%" not in text:
            continue
        found = [(m[1], int(m[2]), int(m[3])) for m in rx(PCT_FRACTION).finditer(text)]
        found += [(m[3], int(m[1]), int(m[2])) for m in rx(FRACTION_PCT).finditer(text)]
        found += [(m[1], int(m[2]), int(m[3])) for m in rx(PCT_THEN_FRACTION).finditer(text)]
        for m in rx(ALL_AT).finditer(text) if "all" in text.lower() else ():
            if Decimal(m.group(1)) < 100:
                claim = Claim(line, Source.ARITHMETIC, _short(text), section)
                why = f"says all pass, but {m.group(1)}% is the rate it gives: not all"
                out.append(ClaimResult(claim, Verdict.BROKEN, why))
        for claimed, num, den in found:
            out.append(_pct_result(line, text, section, claimed, num, den))
            if reference is None and "pass" in text.lower():
                reference = (num, den)
    return out, reference


def pass_rates(lines: Sequence[TextLine], reference: tuple[int, int] | None) -> list[ClaimResult]:
    """'X% pass rate' mentions, held to the pass fraction the report states elsewhere."""
    if reference is None:
        return []
    out = []
    for line, text, section in lines:
        if "%" not in text or "pass" not in text.lower():
            continue
        if rx(PCT_FRACTION).search(text) or rx(FRACTION_PCT).search(text):
            continue
        for m in rx(PASS_RATE).finditer(text):
            group = 1 if m.group(1) else 2
            if text[max(0, m.start(group) - 1) : m.start(group)] in _COMPARATORS:
                continue  # "≥95% pass rate" is a target, not a result
            before = text[max(0, m.start(group) - 40) : m.start(group)].lower()
            if rx(_EXPECTED).search(before):
                continue  # "we should reach 70-80% pass rate" is a hope, not a result
            out.append(_pct_result(line, text, section, m.group(group), *reference))
    return out


def table_results(table: Table, section: str) -> list[ClaimResult]:
    return _passed_cells(table, section) + _totals(table, section) + _row_rates(table, section)


_DONE_HEADS = ("done", "passed", "pass", "complete", "completed", "closed", "fixed", "✅", "ok")
_ALL_HEADS = ("total", "all", "planned", "count", "of", "scope", "tests", "tasks", "stories")
_RATE_HEADS = ("rate", "%", "percent", "progress", "complete", "completion", "pass", "done")


def _row_rates(table: Table, section: str) -> list[ClaimResult]:
    """'| S2 | 3 | 8 | 40% |' under Done / Total / Rate headers: one claim across the cells."""
    heads = [mk.plain(h).lower() for h in table.header]
    done = next((j for j, h in enumerate(heads) if h.startswith(_DONE_HEADS)), None)
    every = next((j for j, h in enumerate(heads) if h.startswith(_ALL_HEADS)), None)
    rate = next(
        (j for j, h in enumerate(heads) if j not in (done, every) and h.startswith(_RATE_HEADS)),
        None,
    )
    if done is None or every is None or rate is None:
        return []
    out = []
    for row in table.rows:
        cells = [mk.plain(c).replace(",", "") for c in row.cells]
        if max(done, every, rate) >= len(cells):
            continue
        num, den = _value(cells[done]), _value(cells[every])
        pct = rx(r"^(\d{1,3}(?:\.\d{1,2})?)\s?%$").search(cells[rate].strip())
        if not isinstance(num, int) or not isinstance(den, int) or pct is None:
            continue
        text = " | ".join(c for c in cells if c)
        out.append(_pct_result(row.line, text, section, pct.group(1), num, den))
    return out


def _passed_cells(table: Table, section: str) -> list[ClaimResult]:
    """A cell 'N/M passed' inside a table claims the table's own rows: M rows, N done."""
    from gonogo.audit.outline import cell_mark, status_column

    status = status_column(table)
    rows = [r for r in table.rows if not is_total(r.cells)]
    done = sum(
        1
        for r in rows
        if status is not None
        and status < len(r.cells)
        and cell_mark(r.cells[status]) is mk.Mark.DONE
    )
    out = []
    for row in rows:
        for cell in row.cells:
            if "/" not in cell or not cell.lstrip("*_ ")[:1].isdigit():
                continue  # 'N/M passed' starts with its number
            m = rx(CELL_PASSED).search(mk.plain(cell))
            if m is None:
                continue
            num, den = int(m.group(1)), int(m.group(2))
            claim = Claim(row.line, Source.ARITHMETIC, _short(_row_text(row.cells)), section)
            problems = []
            if den != len(rows):
                problems.append(f"the table has {len(rows)} rows (off by {abs(den - len(rows))})")
            if status is not None and num != done:
                problems.append(f"{done} of them are marked done (off by {abs(num - done)})")
            nums = {"claimed": f"{num}/{den}", "rows": len(rows), "done": done}
            if problems:
                reason = f"claims {num}/{den} but " + " and ".join(problems)
                out.append(ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums))
            else:
                reason = f"{num}/{den} matches the table's {len(rows)} rows"
                out.append(ClaimResult(claim, Verdict.HOLDS, reason, numbers=nums))
    return out


def _value(cell: str) -> tuple[int, int] | int | None:
    text = mk.plain(cell).replace(",", "")
    m = rx(FRACTION).search(text)
    if m is not None:
        return int(m.group(1)), int(m.group(2))
    m = rx(INTEGER).search(text)
    return int(m.group(1)) if m is not None else None


def _totals(table: Table, section: str) -> list[ClaimResult]:
    """A totals row: each number or fraction against its column's sum (else the row's)."""
    out = []
    body = [r for r in table.rows if not is_total(r.cells)]
    for row in (r for r in table.rows if is_total(r.cells)):
        for j, cell in enumerate(row.cells[1:], start=1):
            claimed = _value(cell)
            if claimed is None:
                continue
            parts = [_value(r.cells[j]) for r in body if j < len(r.cells)]
            parts = [p for p in parts if p is not None and type(p) is type(claimed)]
            where = "its column"
            if not parts:
                parts = [_value(c) for i, c in enumerate(row.cells[1:], 1) if i != j]
                parts = [p for p in parts if p is not None and type(p) is type(claimed)]
                where = "the other totals in its row"
                if len(parts) < 2:
                    continue
            out.append(_sum_result(row.line, row.cells, j, claimed, parts, where, section, table))
    return out


def _sum_result(
    line: int,
    cells: Sequence[str],
    j: int,
    claimed: tuple[int, int] | int,
    parts: Sequence[tuple[int, int] | int | None],
    where: str,
    section: str,
    table: Table,
) -> ClaimResult:
    head = mk.plain(table.header[j]) if j < len(table.header) else f"column {j + 1}"
    text = f"{mk.plain(cells[0])} {head}: {mk.plain(cells[j])}"
    claim = Claim(line, Source.ARITHMETIC, _short(text), section)
    if isinstance(claimed, tuple):
        fracs = [p for p in parts if isinstance(p, tuple)]
        num, den = sum(p[0] for p in fracs), sum(p[1] for p in fracs)
        off = max(abs(claimed[0] - num), abs(claimed[1] - den))
        shown, want = f"{claimed[0]}/{claimed[1]}", f"{num}/{den}"
    else:
        total = sum(p for p in parts if isinstance(p, int))
        off, shown, want = abs(claimed - total), str(claimed), str(total)
    nums = {"claimed": shown, "sum": want, "parts": len(parts), "off": off}
    if off == 0:
        return ClaimResult(claim, Verdict.HOLDS, f"{where} sums to {want}", numbers=nums)
    return ClaimResult(
        claim,
        Verdict.BROKEN,
        f"says {shown} but {where} sums to {want} (off by {off})",
        numbers=nums,
    )


def _row_text(cells: Sequence[str]) -> str:
    return " | ".join(mk.plain(c) for c in cells if mk.plain(c))


def _short(text: str) -> str:
    text = mk.plain(text)
    return text if len(text) <= 160 else text[:159] + "…"
