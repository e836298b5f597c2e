"""One thing stated two ways: the same item marked done in one place and open in
another ("✅ Audit logging (100%)" vs "🟡 Audit logging"), or the same total given two
values ("Total Estimated Effort: 7-14 hours" vs "Total Implementation Effort: 16-22
hours"). The done mark or the first total is the claim; the other line refutes it."""

from __future__ import annotations

from gonogo.audit import markers as mk
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.quantity import quantities, show
from gonogo.audit.regex import rx

_PAREN = r"\([^)]{0,80}\)"
LATER = r"(?i)(post-|after (deploy|release|launch)|follow[- ]?up|\bnext\b|future|later|re-?check)"
_MARKS = "".join(
    sorted(
        {
            c
            for m in (*mk.DONE_MARKS, *mk.PARTIAL_MARKS, *mk.OPEN_MARKS)
            for c in m
            if not c.isascii()
        }
    )
)


def name_of(node: Node) -> str:
    """An item's name: its words without marks, parenthesised notes or a trailing percent."""
    text = rx(_PAREN).sub("", node.text) if "(" in node.text else node.text
    text = text.replace("[x]", "").replace("[X]", "").replace("[ ]", "")
    words = [w for w in text.lower().replace("️", "").split() if w.strip(_MARKS + "*_:-")]
    return " ".join(w.strip(_MARKS) for w in words)


STATE_WORDS = frozenset(
    [
        "operational",
        "complete",
        "completed",
        "done",
        "implemented",
        "integrated",
        "ready",
        "working",
        "enabled",
        "live",
        "deployed",
        "finished",
        "shipped",
        "delivered",
    ]
)


def _without_state(name: str) -> str:
    """ "multi-tenant support operational" names "Multi-Tenant Support" and says its state."""
    head, _, last = name.rpartition(" ")
    return head if last in STATE_WORDS and len(head.split()) >= 2 else ""


_STOP = frozenset(("the", "and", "of", "for", "all", "with", "to", "a", "in", "on"))


def _content(words: list[str]) -> set[str]:
    parts = [p for w in words for p in w.split("-") if p and not p.isdigit()]
    return {p.removesuffix("s") for p in parts if p not in _STOP and p not in STATE_WORDS}


def _all_of(name: str, pending: dict[str, Node]) -> Node | None:
    """'✅ All 6 production-ready agents integrated' is refuted by one open item naming most
    of the same things ('⏳ Production agent wiring')."""
    words = name.split()
    if len(words) < 3 or words[0] != "all":
        return None
    want = _content(words[1:])
    if len(want) < 2:
        return None
    for other, node in pending.items():
        shared = want & _content(other.split())
        if len(shared) >= 2 and 3 * len(shared) >= 2 * len(want):
            return node
    return None


def results(root: Node) -> list[ClaimResult]:
    return _marks(root) + _totals(root)


def _marks(root: Node) -> list[ClaimResult]:
    pending: dict[str, Node] = {}
    done: list[tuple[str, Node]] = []
    for node in root.walk():
        if node.kind != "item" or node.mark is mk.Mark.NONE or node.children:
            continue
        name = name_of(node)
        if len(name.split()) < 2 or any("legend" in a.text.lower() for a in node.ancestors()):
            continue
        if node.mark.pending and any(rx(LATER).search(a.text) for a in node.ancestors()):
            continue  # a re-check planned for later ("Post-deployment verification")
        if node.mark.pending:
            pending.setdefault(name, node)
        else:
            done.append((name, node))
    out = []
    for name, node in done:
        other = pending.get(name) or pending.get(_without_state(name)) or _all_of(name, pending)
        if other is None:
            continue
        claim = Claim(node.line, Source.STATUS, node.text[:160], node.section)
        said = f"“{other.text[:60]}” as {other.mark.value}"
        reason = f"marked done here, but line {other.line} marks {said}"
        out.append(ClaimResult(claim, Verdict.BROKEN, reason))
    return out


def _totals(root: Node) -> list[ClaimResult]:
    seen: dict[tuple[str, str], tuple[Node, str]] = {}
    out = []
    for node in root.walk():
        key_value = _total_key(node)
        if key_value is None:
            continue
        key, value = key_value
        first = seen.get(key)
        if first is None:
            seen[key] = (node, value)
            continue
        if first[1] != value:
            claim = Claim(first[0].line, Source.TOTAL, first[0].text[:160], first[0].section)
            reason = f"says {first[1]}, but line {node.line} gives the total {key[0]} as {value}"
            out.append(ClaimResult(claim, Verdict.BROKEN, reason))
    return out


def _total_key(node: Node) -> tuple[tuple[str, str], str] | None:
    """('effort', 'time'), '7–14 hours' for 'Total Estimated Effort: 7-14 hours'."""
    if node.kind not in ("field", "item"):
        return None
    label, sep, value = node.text.partition(":")
    words = label.lower().replace("*", "").split()
    if not sep or len(words) < 2 or words[0] != "total":
        return None
    found = quantities(value)
    if not found:
        return None
    q = found[0]
    return (words[-1], q.family), show(q.low, q.high, q.scale, q.unit)
