"""Shares of a breakdown: "- **Functional**: 46 tests (77%)", "- **Security**: 5 tests
(8%)", … listed together: each percent is its count over the sum of the counts beside it
(60 here), held to the precision it is written with."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit.arith import percent_check
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx

SHARE = r"(?i)\b(\d{1,6})\s+([a-z][\w-]*)\s*\(\s*(\d{1,3}(?:\.\d{1,2})?)\s?%\s*\)"
_MIN_PARTS = 3


def results(root: Node) -> list[ClaimResult]:
    out: list[ClaimResult] = []
    for node in root.walk():
        items = [c for c in node.children if c.kind == "item"]
        if len(items) >= _MIN_PARTS:
            out += _breakdown(items)
    return out


def _breakdown(items: Sequence[Node]) -> list[ClaimResult]:
    found = [rx(SHARE).search(i.text) for i in items]
    if any(m is None for m in found):
        return []
    shares = [(i, m) for i, m in zip(items, found, strict=True) if m is not None]
    if len({m.group(2).lower().rstrip("s") for _, m in shares}) != 1:
        return []  # "46 tests (77%)" beside "3 files (20%)" is no breakdown of one whole
    total = sum(int(m.group(1)) for _, m in shares)
    if not total:
        return []
    out = []
    for node, m in shares:
        n, claimed = int(m.group(1)), m.group(3)
        ok, nums = percent_check(claimed, n, total)
        claim = Claim(node.line, Source.ARITHMETIC, node.text[:160], node.section)
        exact = f"{n} of the {total} listed together = {nums['actual']}"
        if ok:
            reason = f"{exact}, {nums['rounded']} rounded"
            out.append(ClaimResult(claim, Verdict.HOLDS, reason, numbers=nums))
        else:
            reason = f"{claimed}% claimed but {exact} ({nums['rounded']} at its precision)"
            out.append(ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums))
    return out
