"""Statuses against open items: "Status: READY", "Team review: COMPLETE", "Critical
blockers: None" beside unchecked boxes, pending rows, unsigned approvals or
"Decision: PENDING" in the same scope.

Scope: a status in the report's header (before its first level-2 heading) or in a
summary / conclusion section speaks for the whole report, less the parts that are
meant to be open (next steps, targets, success criteria, roadmap); any other status
speaks for the heading it sits under. A status that itself admits something is open
("✅ Implementations complete, gate pending Phase 3") claims nothing more.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from gonogo.audit import markers as mk
from gonogo.audit.claims import IMPERATIVE
from gonogo.audit.markers import MEANT_OPEN
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx

STATUS_LABEL = (
    r"(?i)(status|readiness|review|result|gate|decision|verdict|sign-?off|approval|go/no-go|"
    r"ready|state|progress|completion)\s*$"
)
NONE_LABEL = (
    r"(?i)^((critical|open|known|p0|p1|high|blocking|outstanding|unresolved)(\s+|-))"
    r"{0,2}(blockers?|blocked|risks?|risk items|issues|items|p0s?)\s*$"
)
READY = (
    r"(?i)^(✅\s*)?(all\s+([a-z-]+\s+){0,3}(is\s+|are\s+)?)?(ready|complete|completed|go|done|"
    r"pass|passed|passing|approved|green|finished|"
    r"(production|launch|release|deploy|deployment|ship|go-live)[- ]ready|signed|100\s?%)(\b|\s|$)"
)
ADMITS = (
    r"(?i)\b(not|no-go|nogo|pending|partial|partially|in progress|awaiting|waiting|blocked|"
    r"for (\w+ )?(review|approval|sign-?off)|tbd|except|but)\b|⚠|❌|⏳|🔲|🟡|🔄"
)
# "ready for execution / review": its steps are meant to be open. "Ready for production
# / release / launch", "ready to ship" claim the release itself, so every open item counts.
READY_FOR = r"(?i)^(✅\s*)?ready\s+(for|to)\b"
READY_TO_SHIP = (
    r"(?i)^(✅\s*)?ready\s+(for|to)\s+(production|prod|release|launch|go[- ]?live|ship|"
    r"shipping|deploy(ment)?\s+(to|in)\s+prod)"
)
OPEN_VALUE = (
    r"(?i)^(pending|not started|tbd|todo|to do|in progress|awaiting|waiting|open|blocked|"
    r"not done|not ready|❌|⏳|🔲)"
)
NONE_VALUE = (
    r"(?i)^(none|no|0|nil|nothing|n/a)(\s+(high|critical|blocking|p0))?"
    r"(\s+(identified|known|found|open|so far))?\W*$"
)
SUMMARY_SECTION = (
    r"(?i)(summary|overview|conclusion|tl;?dr|verdict|status|at a glance|bottom line|"
    r"sign-?off|approval|final)"
)
BLOCKING = r"(?i)(block|critical|\bp0\b|must fix|showstopper|not ready|🔴|⛔|🛑)"
_PRIORITY = r"(?i)\b(p[0-3])\b|priority\W{0,3}(critical|high|medium|low)|\b(critical)\b"
_PRIORITY_WORD = {"critical": "P0", "high": "P1", "medium": "P2", "low": "P3"}


@dataclass(frozen=True, slots=True)
class OpenItem:
    node: Node
    text: str
    priority: str


def open_items(root: Node) -> list[OpenItem]:
    """Everything the report marks as not done yet, in report order: marked items, rows
    and lines, and the unsigned rows of sign-off tables."""
    out = []
    tables: dict[int, dict[int, tuple[str, ...]] | None] = {}  # sign-off tables' rows by line
    for node in root.walk():
        text = _open_text(node) or _unsigned_text(node, tables)
        if text:
            out.append(OpenItem(node, text, priority_of(node)))
    return out


def _unsigned_text(node: Node, tables: dict[int, dict[int, tuple[str, ...]] | None]) -> str:
    from gonogo.audit.signoff import is_signoff, unsigned

    table = node.table
    if node.kind != "row" or table is None or node.mark is not mk.Mark.NONE:
        return ""
    if id(table) not in tables:
        heading = node.heading
        title = heading.text if heading is not None else ""
        signoff = is_signoff(table, title)
        tables[id(table)] = {r.line: r.cells for r in table.rows} if signoff else None
    rows = tables[id(table)]
    cells = rows.get(node.line) if rows is not None else None
    if cells is None or not unsigned(table, "sign-off", cells):
        return ""
    return f"{node.text} (not signed)"


# Words that say a thing is not done, in a line with no mark: "not yet executed", "3
# mismatches left", "Action needed: ...", "tracked as SRCH-88", "~123 remaining failures".
OPEN_PHRASE = (
    r"(?i)(\bstill open\b|\bnot yet\b|\bnot (been )?(scheduled|started|executed|fixed|merged|"
    r"deployed|signed|reviewed|implemented|resolved)\b|\baction (needed|required)\b|"
    r"\btracked (as|in|under)\s+(issue|ticket|bug|[A-Z][A-Z0-9]{1,9}-\d+|#\d+)|"
    r"\bto be (fixed|scheduled|decided|confirmed)\b|"
    r"~?\b[1-9][\d,]*\+?\s+(\w+\s+){0,2}(left|remaining|outstanding)\b|"
    r"\b[1-9][\d,]*\s+remaining\b|^(remaining|outstanding)\b)"
)
# A label or heading whose unmarked items are all open: "Still open", "Remaining Work:".
OPEN_HEAD = (
    r"(?i)^(still open|open items|open issues|open tasks|remaining( work| items| tasks| "
    r"issues)?|to ?do|not done( yet)?|outstanding( items| work)?|pending( items| tasks)?)\W*$"
)


PAST_HEAD = r"(?i)^(before|previously|old|was|prior|formerly)\b"
_WAITING_MARKS = ("⏳", "🔲", "☐", "⏸", "[ ]")  # a heading so marked is not done yet
_AMOUNT = (
    r"(?i)^~?\d[\d.,]*\s*(-\s*\d[\d.,]*\s*)?(min|minutes|h|hours?|d|days?|weeks?|sp|points?)\b"
)


def _open_text(node: Node) -> str:
    if node.kind in ("item", "row", "label") and node.mark.pending and not _legend(node):
        return node.text
    if node.kind == "heading" and node.level > 1 and any(m in node.text for m in _WAITING_MARKS):
        return node.text
    if node.kind == "heading" and node.mark is not mk.Mark.DONE and _under_open_head(node):
        return node.text
    if node.kind in ("item", "field", "line") and node.mark is not mk.Mark.DONE and _to_do(node):
        return node.text
    if node.mark is mk.Mark.NONE and node.kind in ("item", "field", "line", "label"):
        if _in_the_past(node) or (node.kind == "label" and rx(OPEN_HEAD).search(node.text)):
            return ""  # "Still open" heads the open items, it is not one more
        if (rx(OPEN_PHRASE).search(node.text) and not _estimate(node)) or _under_open_head(node):
            return node.text
    label, value = split_field(node) if node.kind != "heading" else ("", "")
    marked_open = bool(label) and mk.leading_mark(value).pending  # "Dry run: ⏳ Pending"
    if marked_open or (label and rx(STATUS_LABEL).search(label) and rx(OPEN_VALUE).search(value)):
        parent = node.parent
        if node.kind == "item" and parent is not None and parent.kind in ("item", "label"):
            return f"{parent.text} — {node.text}"
        return node.text
    return ""


# "## Immediate Actions Required": each heading under it is an action still to take
ACTION_HEAD = (
    r"(?i)^(\W*\w+\s+)?(actions?\s+(required|needed)|required\s+actions?|action\s+items)\W*$"
)


# plural: "**Actions:** deploy monitoring, fix the leak" lists what is left; a singular
# "**Action**: update the imports" under an issue is the remedy it suggests
ACTIONS_FIELD = r"(?i)^(next\s+)?(actions|action items|to ?do|follow[- ]ups)$"
DEADLINE = r"(?i)\bwithin\s+(the\s+next\s+)?\d{1,3}\s+(days?|weeks?|months?)\b"


def _to_do(node: Node) -> bool:
    """'**Actions:** deploy monitoring, fix the leak'; '🔧 Fix the leak within 30 days'."""
    label, value = split_field(node)
    if label and rx(ACTIONS_FIELD).search(label.strip("*_ ")):
        said = mk.plain(value).lstrip("*_ ")
        return bool(said) and not said[0].isdigit() and rx(NONE_VALUE).search(said) is None
    if "within" not in node.text or rx(DEADLINE).search(node.text) is None:
        return False
    words = [w.strip("*_:,.").lower() for w in mk.plain(node.text).split()]
    first = next((w for w in words if w[:1].isalpha()), "")
    return first in IMPERATIVE


def _action_head(heading: Node) -> bool:
    return rx(ACTION_HEAD).search(mk.plain(heading.text).strip("#*_ ")) is not None


def _in_the_past(node: Node) -> bool:
    """Items under "**Before:**" describe what was, not what is still to do."""
    parent = node.parent
    return (
        parent is not None
        and parent.kind in ("label", "heading")
        and bool(rx(PAST_HEAD).search(parent.text.lstrip("#*_ ")))
    )


def _estimate(node: Node) -> bool:
    """'**Remaining:** 2 days estimated for Phase 6' is an amount of time, not an item."""
    _, sep, value = node.text.partition(":")
    return bool(sep) and rx(_AMOUNT).search(value.strip()) is not None


def _under_open_head(node: Node) -> bool:
    parent = node.parent
    if node.kind == "heading" and parent is not None and parent.kind == "heading":
        return _action_head(parent)  # "### 1. Fix the token leak" under "## Actions Required"
    if node.kind != "item" or parent is None or parent.kind not in ("label", "heading"):
        return False
    return rx(OPEN_HEAD).search(parent.text.lstrip("#*_ ").rstrip("*_ ")) is not None


def _legend(node: Node) -> bool:
    """'🔄 In Progress' explains a mark; under a Legend heading, every item does."""
    if any("legend" in a.text.lower() for a in node.ancestors()):
        return True
    words = [w.lower().strip(".:") for w in node.text.split()[1:]]
    status_words = mk.DONE_WORDS | mk.OPEN_WORDS | mk.PARTIAL_WORDS | {"in", "progress"}
    return node.kind == "item" and bool(words) and all(w in status_words for w in words)


def split_field(node: Node) -> tuple[str, str]:
    if node.kind not in ("field", "item", "label", "heading"):
        return "", ""
    head, sep, value = node.text.partition(":")
    if not sep or len(head) > 60:
        return "", ""
    return head.strip().lstrip("-*+ ").strip(), value.strip()


def priority_of(node: Node) -> str:
    for n in (node, *node.ancestors()):
        m = rx(_PRIORITY).search(n.text)
        if m is not None:
            if m.group(1):
                return str(m.group(1)).upper()
            return _PRIORITY_WORD[(m.group(2) or m.group(3)).lower()]
    return ""


# "36 failures", "52 failing", "~123 remaining test failures", "2 errors": tests or checks
# that do not pass. Not an open item of their own (a test summary is a result), but what a
# claim of readiness, or a ✅ over them, is held to.
FAILING = (
    r"(?i)(~?\b[1-9][\d,]*\+?\s+(\w+\s+){0,2}(failures|failed|failing|errors)\b|"
    r"\b(failures|failed|failing|errors)\W{0,3}[1-9][\d,]*\b)"
)
_FIXED = r"(?i)\b(fixed|resolved|addressed|closed|removed|eliminated|corrected)\b"
# "The system is production-ready", "✅ **Production-Ready:** ...", "### Ready for
# Production ✅", "ready for production use": a claim about the whole release.
PRODUCTION = (
    r"(?i)(^[^a-z0-9]{0,6}production[- ]ready\b|\bproduction[- ]ready\s*(state|status)\b|"
    r"\b(is|are|now|system|project|code|codebase|application|app|service|platform|release|"
    r"build|package)\s+(\w+\s+){0,3}?production[- ]ready\b|\bready for production\b|"
    r"\bready to ship\b|\bready for (release|launch|go[- ]live)\b|"
    r"\b(status|readiness|verdict)\W{1,8}production[- ]ready\b)"
)


def failing(root: Node) -> list[OpenItem]:
    """Lines that state tests or checks failing (not ones fixed)."""
    out = []
    for node in root.walk():
        if node.kind in ("heading", "bar") or node.mark is mk.Mark.DONE:
            continue
        if rx(FAILING).search(node.text) and not rx(_FIXED).search(node.text):
            out.append(OpenItem(node, node.text, priority_of(node)))
    return out


def results(
    root: Node, items: Sequence[OpenItem], fails: Sequence[OpenItem] = ()
) -> list[ClaimResult]:
    admitted = [r for i in items for r in _admitted(i.node, items)]
    agreed = {r.claim.line for r in admitted}
    out = admitted + [
        ClaimResult(
            Claim(
                i.node.line,
                Source.OPEN_ITEM,
                i.text[:160],
                i.node.section,
                priority=i.priority,
                gate=_gate(i.node),
            ),
            Verdict.OPEN,
            f"the report marks it as not done ({_how(i.node)})",
        )
        for i in items
        if i.node.line not in agreed
    ]
    for node in root.walk():
        out += _status_claim(node, items)
        out += _none_claim(node, items)
        out += _production_claim(node, items, fails)
        out += _done_sentence(node, items)
    return out


DONE_SENTENCE = (
    r"(?i)\b(is|are)\s+(now\s+)?(fully\s+|all\s+)?(complete|completed|done|finished)\W*$"
)


def _done_sentence(node: Node, items: Sequence[OpenItem]) -> list[ClaimResult]:
    """'✅ **Migration from X to Y is COMPLETE**' in the report's header or summary: a
    status for the whole report, held to what it marks open."""
    if node.kind not in ("line", "item") or not _doc_scope(node) or ":" in node.text:
        return []
    if rx(DONE_SENTENCE).search(mk.plain(node.text).rstrip("*_ ")) is None:
        return []
    if rx(ADMITS).search(node.text):
        return []
    scope = list(_scoped(node, items))
    return [_judge(node, node.text, "complete", scope, "says it is done")]


def _production_claim(
    node: Node, items: Sequence[OpenItem], fails: Sequence[OpenItem]
) -> list[ClaimResult]:
    """A line that says the release is production-ready, held to what would stop it:
    open blockers (P0, critical), and tests or checks the report says are failing, or
    open items about failures, wherever they are listed. A line that admits something
    is still open ("ready, pending the threshold update") says no more than that."""
    if node.kind == "row" or rx(PRODUCTION).search(node.text) is None:
        return []
    if rx(ADMITS).search(node.text) or rx(_CONDITIONAL).search(node.text):
        return []
    if node.kind == "heading" and node.mark is not mk.Mark.DONE:
        return []
    if node.kind in ("item", "label") and node.mark.pending:
        return []
    against = [i for i in items if i.node is not node and _is_blocking(i)]
    against += [i for i in fails if i.node is not node]
    against = list({id(i.node): i for i in against}.values())
    against.sort(key=lambda i: i.node.line)
    if not against and (items or fails or not _doc_scope(node)):
        return []  # nothing stops it: the status and figure rules judge the line
    text = node.text
    return [_judge(node, text, "production ready", against, "says it is ready", whole=True)]


# a condition, a target or an estimate of readiness claims nothing yet
_CONDITIONAL = (
    r"(?i)(\b(when|once|after|until|before|if|target|goal|aim|expected|estimated|planned)\b|"
    r"\btime to\b|[≥≤<>]|\bto reach\b|\bwill be\b)"
)


def _admitted(node: Node, items: Sequence[OpenItem]) -> list[ClaimResult]:
    """A status for the whole report that says the work is not done ("Status: Awaiting
    Sign-Offs", "Status: NOT READY FOR PRODUCTION") is a true summary, not one more open
    item, when the report marks other items open."""
    label, value = split_field(node)
    if not label or not rx(STATUS_LABEL).search(label) or not _doc_scope(node):
        return []
    if not (rx(OPEN_VALUE).search(value) or mk.leading_mark(value).pending):
        return []
    others = [i for i in _scoped(node, items) if i.node is not node and not _is_status(i.node)]
    if not others:
        return []
    named = "; ".join(f"line {i.node.line}: {i.text[:50]}" for i in others[:3])
    more = f" (and {len(others) - 3} more)" if len(others) > 3 else ""
    reason = f"says it is not done, and {len(others)} open item(s) agree: {named}{more}"
    claim = Claim(node.line, Source.STATUS, f"{label}: {value}"[:160], node.section)
    return [ClaimResult(claim, Verdict.HOLDS, reason, numbers={"open": len(others)})]


def _is_status(node: Node) -> bool:
    label, _ = split_field(node)
    return bool(label) and rx(STATUS_LABEL).search(label) is not None


def _gate(node: Node) -> str:
    heading = node.heading
    return heading.text if heading is not None else ""


def _how(node: Node) -> str:
    if node.mark.pending:
        return f"{node.mark.value} mark"
    if node.kind == "heading" and node.parent is not None and _action_head(node.parent):
        return f"an action under “{node.parent.text[:50]}”"
    if _to_do(node):
        return "an action still to take"
    return "status says so"


def _status_claim(node: Node, items: Sequence[OpenItem]) -> list[ClaimResult]:
    label, value = split_field(node)
    if not label or not rx(STATUS_LABEL).search(label) or node.kind == "label":
        return []
    if not rx(READY).search(value) or rx(ADMITS).search(value):
        return []
    text = f"{label}: {value}"
    if rx(READY_FOR).search(value) and not rx(READY_TO_SHIP).search(value):
        blocking = [i for i in items if _is_blocking(i) and i.node is not node]
        return [_judge(node, text, label, blocking, "says it is ready", whole=True)]
    scope = list(_scoped(node, items))
    if not scope and _doc_scope(node) is False and not _has_marked(node):
        return []
    return [_judge(node, text, label, scope, "says it is done")]


def _none_field(node: Node) -> tuple[str, str]:
    """'Blockers: none', also as one sentence of a longer line ('At a glance: 5 of 7
    green. Blockers: none.')."""
    label, value = split_field(node)
    if label and rx(NONE_LABEL).search(label) and rx(NONE_VALUE).search(value):
        return label, value
    if node.kind == "heading" or (". " not in node.text and "; " not in node.text):
        return "", ""
    for sentence in node.text.replace("; ", ". ").split(". "):
        head, sep, rest = sentence.partition(":")
        head, rest = head.strip(), rest.strip()
        if sep and rx(NONE_LABEL).search(head) and rx(NONE_VALUE).search(rest):
            return head, rest
    return "", ""


def _none_claim(node: Node, items: Sequence[OpenItem]) -> list[ClaimResult]:
    label, value = _none_field(node)
    if label:
        text = f"{label}: {value}"
    elif node.kind == "heading" and rx(r"(?i)(risk|blocker)").search(node.text):
        kids = [c for c in node.children if c.kind == "item"]
        if len(kids) != 1 or not rx(NONE_VALUE).search(kids[0].text):
            return []
        text = f"{node.text}: {kids[0].text}"
    else:
        return []
    # Blockers and risks speak for the whole report, wherever they are listed.
    blocking = [i for i in items if _is_blocking(i) and i.node is not node]
    others = sum(1 for i in items if i.node is not node)
    if not blocking and others:
        claim = Claim(node.line, Source.STATUS, text[:160], node.section, gate=_gate(node))
        reason = f"says there are none, and none of the report's {others} open item(s) is "
        reason += "marked blocking, critical or P0"
        return [ClaimResult(claim, Verdict.HOLDS, reason)]
    return [_judge(node, text, label or node.text, blocking, "says there are none", whole=True)]


def _is_blocking(item: OpenItem) -> bool:
    if item.priority == "P0":
        return True
    return any(rx(BLOCKING).search(n.text) for n in (item.node, *item.node.ancestors()))


def _judge(
    node: Node, text: str, label: str, open_: Sequence[OpenItem], says: str, *, whole: bool = False
) -> ClaimResult:
    claim = Claim(node.line, Source.STATUS, text[:160], node.section, gate=_gate(node))
    if not open_:
        where = "the report" if whole or _doc_scope(node) else "its section"
        return ClaimResult(claim, Verdict.HOLDS, f"{says}, and nothing in {where} is marked open")
    words = {w for w in label.lower().replace("-", " ").split() if len(w) > 3}
    ranked = sorted(open_, key=lambda i: (not _related(i, words), i.node.line))
    named = "; ".join(f"line {i.node.line}: {i.text[:70]}" for i in ranked[:3])
    more = f" (and {len(open_) - 3} more)" if len(open_) > 3 else ""
    reason = f"{says}, but {len(open_)} open item(s) say otherwise: {named}{more}"
    return ClaimResult(claim, Verdict.BROKEN, reason, numbers={"open": len(open_)})


def _related(item: OpenItem, words: set[str]) -> bool:
    texts = [item.node.text, *(a.text for a in item.node.ancestors())]
    blob = " ".join(texts).lower()
    synonyms = {"review": ("sign-off", "sign off", "approv"), "team": ("sign-off", "approv", "@")}
    return any(w in blob or any(s in blob for s in synonyms.get(w, ())) for w in words)


def _doc_scope(node: Node) -> bool:
    """A status in the header, directly under a summary-like level-2 heading, or a
    heading of its own ("### Status: ✅ READY FOR PRODUCTION")."""
    heading = node.heading
    if heading is None or heading.level <= 1 or node.kind == "heading":
        return True
    return heading.level == 2 and bool(rx(SUMMARY_SECTION).search(heading.text))


def _has_marked(node: Node) -> bool:
    heading = node.heading
    return heading is not None and any(d.mark is not mk.Mark.NONE for d in heading.walk())


def _scoped(node: Node, items: Sequence[OpenItem]) -> Iterator[OpenItem]:
    if _doc_scope(node):
        for item in items:
            if not any(rx(MEANT_OPEN).search(a.text) for a in item.node.ancestors()):
                yield item
        return
    heading = node.heading
    if heading is None:
        return
    inside = {id(d) for d in heading.walk()}
    yield from (i for i in items if id(i.node) in inside and i.node is not node)
