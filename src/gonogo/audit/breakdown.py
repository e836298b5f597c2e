"""A total broken down beside it: "Total Tests: 105", then "Passed: 101 tests (96.2%)",
"Skipped: 4 tests (3.8%)": each part's percent is its share of the total the list (or
paragraph) states, held to the precision it is written with. A code block that prints a
run's summary ("Total Tests Created: 74", "Status: 22 passing (30%), 52 failing (70%)")
is read the same way, each figure with its percent on one line."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit import markers as mk
from gonogo.audit.arith import percent_result
from gonogo.audit.blocks import Block, Fence
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx

TOTAL = r"(?i)^\W{0,4}(?:total|all)\b[^:]{0,30}:\s*~?(\d{1,9}(?:,\d{3})*)\b(?:\s+[a-z]|\s*$)"
MAX_PARTS = 40  # the lines after a total read as its parts
PAIR = r"(\d{1,9}(?:,\d{3})*)\s+([a-z][a-z-]{2,20})\s*\(\s*(\d{1,3}(?:\.\d{1,4})?)\s?%\s*\)"
PART = (
    r"^\W{0,4}([A-Za-z][\w -]{0,30}?)\s*:\s*(\d{1,9}(?:,\d{3})*)\b[^()%\n]{0,40}"
    r"\(\s*(\d{1,3}(?:\.\d{1,4})?)\s?%\s*\)"
)


def results(root: Node) -> list[ClaimResult]:
    out: list[ClaimResult] = []
    for node in root.walk():
        if node.kind not in ("item", "field", "line"):
            continue
        m = rx(TOTAL).search(mk.plain(node.text)) if ":" in node.text else None
        if m is None or node.parent is None:
            continue
        if _amount(mk.plain(node.text), m.end(1)):
            continue
        total = int(m.group(1).replace(",", ""))
        siblings = node.parent.children
        at = siblings.index(node) + 1
        for part in siblings[at : at + MAX_PARTS]:
            found = rx(PART).search(mk.plain(part.text)) if "%" in part.text else None
            if found is None or _amount(mk.plain(part.text), found.end(2)):
                continue
            out.append(_judge(part, found.group(1), found.group(2), found.group(3), total, node))
    return out


_UNITS = frozenset(
    ("h", "hr", "hrs", "hour", "hours", "d", "day", "days", "week", "weeks", "min", "mins",
     "minute", "minutes", "s", "sec", "secs", "seconds", "ms", "kb", "mb", "gb", "sp", "pts",
     "points", "point", "lines", "loc", "$", "usd", "eur")
)  # fmt: skip


def _amount(text: str, end: int) -> bool:
    """Whether the figure ending at `end` is an amount ("70 hours"): its shares are of
    something else (a buffer of the time available), not of the total."""
    after = text[end:].split()[:1]
    return bool(after) and after[0].lower().strip(".,;:()") in _UNITS


def fence_results(blocks: Sequence[Block]) -> list[ClaimResult]:
    """Code blocks that state a total and then its parts with their percents, and test
    runners' summary tables (Julia's `Test Summary: | Pass  Fail  Total`)."""
    out: list[ClaimResult] = []
    for block in blocks:
        if not isinstance(block, Fence) or len(block.lines) > 400:
            continue
        out += _summary_table(block)
        total: tuple[int, Node] | None = None
        for i, line in enumerate(block.lines):
            node = Node(block.line + i, line.strip(), "line", mk.Mark.NONE)
            m = rx(TOTAL).search(line.strip()) if ":" in line else None
            if m is not None and not _amount(line.strip(), m.end(1)):
                total = (int(m.group(1).replace(",", "")), node)
            elif total is not None and "%" in line:
                for pair in rx(PAIR).finditer(line.lower()):
                    if not _amount(line.lower(), pair.end(1)):
                        count, label, pct = pair.group(1), pair.group(2), pair.group(3)
                        out.append(_judge(node, label, count, pct, total[0], total[1]))
    return out


def _judge(part: Node, label: str, count: str, claimed: str, total: int, of: Node) -> ClaimResult:
    claim = Claim(part.line, Source.ARITHMETIC, part.text[:160], part.section)
    num = int(count.replace(",", ""))
    shown = f"{label.strip()} {num}/{total} (the total of line {of.line})"
    return percent_result(
        claim, claimed, num, total, shown, f"{num} of a total of 0 (line {of.line})"
    )


_COUNTED = ("pass", "fail", "error", "broken")  # the columns that add up to Total


def _summary_table(block: Fence) -> list[ClaimResult]:
    """`Test Summary: | Pass  Fail  Total  Time` over rows `Name | 1007  36  1043  17m`:
    each row's counts, read under the column they end beneath, add up to its Total."""
    out: list[ClaimResult] = []
    columns: list[tuple[str, int]] = []
    for i, line in enumerate(block.lines):
        head, bar, rest = line.partition("|")
        if not bar:
            columns = [] if not line.strip() else columns
            continue
        if head.strip().lower().startswith("test summary"):
            at = len(head) + 1
            columns = [(m.group(0).lower(), at + m.end()) for m in rx(r"[A-Za-z]+").finditer(rest)]
            continue
        if not columns or not any(c == "total" for c, _ in columns):
            continue
        counts = _under(rest, len(head) + 1, columns)
        if "total" not in counts or "pass" not in counts:
            continue
        got = sum(counts.get(c, 0) for c in _COUNTED)
        node = Node(block.line + i, line.strip(), "line", mk.Mark.NONE)
        claim = Claim(node.line, Source.ARITHMETIC, line.strip()[:160], "")
        shown = " + ".join(str(counts[c]) for c in _COUNTED if c in counts)
        if got == counts["total"]:
            out.append(ClaimResult(claim, Verdict.HOLDS, f"{shown} = {got}, its Total"))
        else:
            why = f"Total {counts['total']}, but its counts add up to {got} ({shown})"
            out.append(ClaimResult(claim, Verdict.BROKEN, why))
    return out


def _under(rest: str, offset: int, columns: Sequence[tuple[str, int]]) -> dict[str, int]:
    """The numbers of a row by the column each ends beneath (within two characters)."""
    found: dict[str, int] = {}
    for m in rx(r"\d{1,9}").finditer(rest):
        end = offset + m.end()
        near = [c for c, e in columns if abs(e - end) <= 2]
        if len(near) == 1 and near[0] not in found:
            found[near[0]] = int(m.group(0))
    return found
