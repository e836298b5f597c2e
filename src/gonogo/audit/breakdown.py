"""A total broken down beside it: "Total Tests: 105", then "Passed: 101 tests (96.2%)",
"Skipped: 4 tests (3.8%)": each part's percent is its share of the total the list (or
paragraph) states, held to the precision it is written with."""

from __future__ import annotations

from gonogo.audit import markers as mk
from gonogo.audit.arith import percent_check
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx

TOTAL = r"(?i)^\W{0,4}(?:total|all)\b[^:]{0,30}:\s*~?(\d{1,9}(?:,\d{3})*)\b(?:\s+[a-z]|\s*$)"
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
        for part in siblings[siblings.index(node) + 1 :]:
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


def _judge(part: Node, label: str, count: str, claimed: str, total: int, of: Node) -> ClaimResult:
    claim = Claim(part.line, Source.ARITHMETIC, part.text[:160], part.section)
    num = int(count.replace(",", ""))
    if total == 0:
        return ClaimResult(claim, Verdict.BROKEN, f"{num} of a total of 0 (line {of.line})")
    ok, nums = percent_check(claimed, num, total)
    exact = f"{label.strip()} {num}/{total} (the total of line {of.line}) = {nums['actual']}"
    if ok:
        return ClaimResult(
            claim, Verdict.HOLDS, f"{exact}, {nums['rounded']} rounded", numbers=nums
        )
    reason = f"{claimed}% claimed but {exact} ({nums['rounded']} at the claim's precision)"
    return ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums)
