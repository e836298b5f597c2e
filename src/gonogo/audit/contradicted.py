"""A thing marked done that the report still lists as open: "✅ Token mapping leak fixed"
while "### 1. Fix Token Mapping Leak" stands under "Immediate Actions Required". The two
name the same thing when the done line's words (less the words of doing: fixed, added,
implemented) are all in the open item's, and the open item adds at most one more. Only
actions count as open here: headings still to do and items given a priority; a checklist
that repeats its items for a later check (deploy, then verify) contradicts nothing."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit import markers as mk
from gonogo.audit.counts import stem
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.status import OpenItem

_DOING = frozenset(
    (
        "fix", "fixed", "add", "added", "implement", "implemented", "create", "created",
        "done", "complete", "completed", "active", "enable", "enabled", "setup", "set",
        "configure", "configured", "deploy", "deployed", "verified", "verify", "finish",
        "finished", "passing", "working", "ready", "resolved", "resolve", "write", "written",
        "update", "updated", "with", "from", "into", "that", "this", "have", "been", "for",
        "and", "the", "all", "now", "priority", "critical", "warning", "high", "medium", "low",
    )
)  # fmt: skip
MAX_OPEN = 500  # open items compared against each done line


def words_of(text: str) -> frozenset[str]:
    """The words that name a thing: letters only, three or more, less the words of doing."""
    out = set()
    for raw in mk.plain(text).lower().replace("-", " ").split():
        word = "".join(ch for ch in raw if ch.isalpha())
        if len(word) >= 3 and word not in _DOING:
            out.add(stem(word))
    return frozenset(out)


def results(root: Node, items: Sequence[OpenItem]) -> list[ClaimResult]:
    actions = [i for i in items if i.node.kind == "heading" or i.priority][:MAX_OPEN]
    opened = [(i, words_of(i.text)) for i in actions]
    opened = [(i, w) for i, w in opened if len(w) >= 2]
    if not opened:
        return []
    by_word: dict[str, list[tuple[OpenItem, frozenset[str]]]] = {}
    for pair in opened:
        for word in pair[1]:
            by_word.setdefault(word, []).append(pair)
    out = []
    for node in root.walk():
        if node.kind not in ("item", "row") or node.mark is not mk.Mark.DONE:
            continue
        done = words_of(node.text)
        if len(done) < 2:
            continue
        # an open item naming the same thing holds every one of these words: look among
        # those holding the rarest
        fewest = min((by_word.get(w, []) for w in done), key=len)
        match = next((i for i, w in fewest if done <= w and len(w - done) <= 1), None)
        if match is None or match.node is node:
            continue
        claim = Claim(node.line, Source.STATUS, node.text[:160], node.section)
        reason = (
            f"marked done, but line {match.node.line} still lists it as open: {match.text[:70]}"
        )
        out.append(ClaimResult(claim, Verdict.BROKEN, reason))
    return out
