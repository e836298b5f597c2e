"""Counts against what is listed: "### Binary Analysis (4 tools)" over four items,
"## Tools Implemented (ALL 35 TOTAL)" over sections whose own counts (or items) add up
to 38, "**Configuration** (7 files):" over seven items.

Tests and issues are counted only from the sub-counts that sum to them (a list under
"(6 tests)" usually describes the failures, not the six tests)."""

from __future__ import annotations

from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx

COUNT = (
    r"(?i)\((?:all\s+)?(\d{1,5})\s+(files?|tools?|items?|components?|tasks?|stories|steps?|"
    r"checks?|modules?|services?|endpoints?|scripts?|gaps?|deliverables?|tests?|issues?|total)\b"
)
_ITEM_NOUNS: tuple[str, ...] = (
    "file", "tool", "item", "component", "task", "stor", "step", "check", "module",
    "service", "endpoint", "script", "gap", "deliverable", "total",
)  # fmt: skip


def _count(node: Node) -> tuple[int, str] | None:
    m = rx(COUNT).search(node.text)
    return (int(m.group(1)), m.group(2).lower()) if m is not None else None


def results(root: Node) -> list[ClaimResult]:
    out = []
    for node in root.walk():
        if node.kind not in ("heading", "label") or "(" not in node.text:
            continue
        found = _count(node)
        if found is None:
            continue
        n, noun = found
        parts = _parts(node, noun)
        if parts is None:
            continue
        got, how = parts
        claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
        if got == n:
            out.append(ClaimResult(claim, Verdict.HOLDS, f"{n} claimed; {how}"))
        else:
            out.append(ClaimResult(claim, Verdict.BROKEN, f"says {n} but {how}"))
    return out


def _parts(node: Node, noun: str) -> tuple[int, str] | None:
    """The number listed under `node`, and how it was counted."""
    subs = [c for c in node.children if c.kind in ("heading", "label")]
    counts = [_count(c) for c in subs]
    if subs and all(c is not None for c in counts):
        total = sum(c[0] for c in counts if c is not None)
        shown = " + ".join(str(c[0]) for c in counts if c is not None)
        return total, f"the {len(subs)} parts listed under it count {shown} = {total}"
    if not noun.startswith(_ITEM_NOUNS):
        return None
    items = [c for c in node.children if c.kind == "item"]
    if not items and subs:
        items = [i for s in subs for i in s.children if i.kind == "item"]
    if len(items) < 2:
        return None
    return len(items), f"{len(items)} are listed under it"
