"""Counts against what is listed: "### Binary Analysis (4 tools)" over four items,
"## Tools Implemented (ALL 35 TOTAL)" over sections whose own counts (or items) add up
to 38, "### Form Components (9/9)" over eight done items, "### Scripts (2)" over a
two-item list, "**Total Errors:** 85 errors" over sub-headings of 43 + 30 + 6 + 13 + 6
errors, "**Dev Dependencies Added:** 15 packages" over the list right after it.

A count under a heading that says the work is done ("## ✅ COMPLETED: 39 Components")
counts the items marked done. The same count stated again elsewhere ("All 39 components
are:") is the same claim, and gets the same verdict with the line it repeats.

Tests and issues are counted only from the sub-counts that sum to them (a list under
"(6 tests)" usually describes the failures, not the six tests)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from gonogo.audit import markers as mk
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node
from gonogo.audit.regex import rx

_NOUNS = (
    r"files?|tools?|items?|components?|tasks?|stories|steps?|checks?|modules?|services?|"
    r"endpoints?|scripts?|gaps?|deliverables?|tests?|issues?|errors?|packages?|dependencies|"
    r"criteria|workflows?|phases?"
)
COUNT = r"(?i)\((?:all\s+)?(\d{1,5})\s+(" + _NOUNS + r"|total)\b"
# "All 43 components listed:", "Total Errors: 85 errors", "COMPLETED: 39 Components"
STATED = r"(?i)(?:^|\ball\s+|:\s+)(\d{1,5})\s+(?:[a-z][\w-]*\s+)?(" + _NOUNS + r")\b"
FRACTION = r"\((\d{1,5})\s*/\s*(\d{1,5})\)"
BARE = r"\((\d{1,5})\)\s*\W{0,3}$"
REPEAT = (
    r"(?i)\b(\d{1,5})\s+(?:[a-z][\w-]*\s+){0,2}?(" + _NOUNS + r")"
    r"(?:\W*$|\s*[:.,;]|\s+(?:are|were|listed|implemented|complete|completed|done|ready|"
    r"across|in total)\b)"
)
_ITEM_NOUNS: tuple[str, ...] = (
    "file", "tool", "item", "component", "task", "stor", "step", "check", "module",
    "service", "endpoint", "script", "gap", "deliverable", "total", "package", "dependenc",
    "criteri", "workflow", "phase",
)  # fmt: skip
_DONE_WORDS = r"(?i)\b(completed?|implemented|done|delivered|finished|shipped)\b"


@dataclass(frozen=True, slots=True)
class _Found:
    node: Node
    result: ClaimResult
    n: int
    noun: str


def stem(noun: str) -> str:
    word = noun.lower()
    if word.endswith("ies"):
        return word[:-3] + "y"
    return word.removesuffix("s") if not word.endswith("ss") else word


def _count(node: Node) -> tuple[int, str] | None:
    m = rx(COUNT).search(node.text) if "(" in node.text else None
    if m is None and "(" in node.text:
        m = rx(_RESULT_COUNT).search(node.text)  # "Service Tests (6 passing):"
        return (int(m.group(1)), "passing") if m is not None else None
    return (int(m.group(1)), m.group(2).lower()) if m is not None else None


_RESULT_COUNT = r"(?i)\btests?\s*\((\d{1,5})\s+(?:passing|passed|failing|failed)\)"


def _stated(node: Node) -> tuple[int, str] | None:
    found = _count(node)
    if found is not None or node.kind not in ("heading", "label", "item", "field"):
        return found
    m = rx(STATED).search(node.text)
    if m is None:
        return None
    lower = node.text.lower()
    if node.kind == "heading" or "total" in lower or "all " in lower or node.kind == "field":
        return int(m.group(1)), m.group(2).lower()
    return None


def results(root: Node) -> list[ClaimResult]:
    out: list[ClaimResult] = []
    found: list[_Found] = []
    for node in root.walk():
        if node.kind == "row":
            continue
        judged = _judge_count(node)
        if judged is not None:
            out.append(judged.result)
            found.append(judged)
        elif node.kind in ("heading", "label") and "(" in node.text:
            out += _fraction_or_bare(node)
    out += _repeats(root, found) + _qualified(root) + _listed_inline(root)
    return out


# "4 critical issues (transaction, commented logic, RAISE error, DELETE syntax)": a count
# and, in the parentheses right after its noun, the things it counts
INLINE = r"(?i)\b(\d{1,3})\s+((?:[a-z0-9][\w-]*\s+){0,2}[a-z][\w-]*)\s*\(([^()]{3,300})\)"
# counts whose parentheses name kinds ("4 tests (YAML validation, triggers)"), not members
_KINDS_NOT_MEMBERS = frozenset(
    ("test", "case", "h", "hour", "min", "minute", "day", "week", "point", "line", "mb", "kb")
)
_EXAMPLES = r"(?i)(\be\.g\b|\bsuch as\b|\bincluding\b|\betc\b|\bfor example\b|\blike\b|…|\.\.\.)"


def _range_end(text: str, at: int) -> bool:
    """`Tasks 7-10 completed (…)`: the number ends a range or an identifier, no count."""
    return text[max(0, at - 1) : at] in ("-", "–", "/", "#", ".")


def _listed_inline(root: Node) -> list[ClaimResult]:
    out = []
    for node in root.walk():
        if node.kind == "row" or "(" not in node.text or "," not in node.text:
            continue
        for m in rx(INLINE).finditer(node.text):
            inside = m.group(3)
            parts = [p.strip() for p in inside.split(",") if p.strip()]
            n, noun = int(m.group(1)), m.group(2).split()[-1]
            if (
                _range_end(node.text, m.start(1))
                or len(parts) < 2
                or rx(_EXAMPLES).search(inside)
                or any(any(ch.isdigit() for ch in p) or len(p.split()) > 4 for p in parts)
                or stem(noun) in _KINDS_NOT_MEMBERS
            ):
                continue  # examples, amounts, or kinds of a thing rather than its members
            claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
            if n == len(parts):
                out.append(
                    ClaimResult(
                        claim, Verdict.HOLDS, f"{n} {noun}: {n} are named in the parentheses"
                    )
                )
            else:
                reason = f"says {n} {noun} but {len(parts)} are named in the parentheses"
                out.append(ClaimResult(claim, Verdict.BROKEN, reason))
            break
    return out


QUALIFIED = (
    r"(?i)\b(\d{1,4})\s+(critical|high|blocking|p0|p1)(?:[- ]priority)?\s+(" + _NOUNS + r"|gaps?|"
    r"risks?|bugs?|blockers?)\b"
)


def _qualified(root: Node) -> list[ClaimResult]:
    """'8 critical gaps identified' against the one list named Critical under a heading or
    label that names the gaps: '**Critical (P0)**:' over four items is four, not eight."""
    out = []
    for node in root.walk():
        m = rx(QUALIFIED).search(node.text) if node.kind != "row" else None
        if m is None:
            continue
        n, word, noun = int(m.group(1)), m.group(2).lower(), stem(m.group(3))
        groups = [g for g in root.walk() if _names_group(g, word, noun) and g is not node]
        if len(groups) != 1:
            continue
        group = groups[0]
        items = [c for c in group.children if c.kind == "item"]
        claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
        where = f"“{group.text[:50]}” (line {group.line}) lists {len(items)}"
        if len(items) == n:
            out.append(ClaimResult(claim, Verdict.HOLDS, f"{n} claimed; {where}"))
        else:
            out.append(
                ClaimResult(claim, Verdict.BROKEN, f"says {n} {word} {m.group(3)} but {where}")
            )
    return out


def _names_group(node: Node, word: str, noun: str) -> bool:
    """A label or heading starting with the qualifier, over at least two items, in a part
    of the report that names the noun."""
    if node.kind not in ("label", "heading") or not node.text.lower().startswith(word):
        return False
    if sum(1 for c in node.children if c.kind == "item") < 2:
        return False
    parent = node.parent
    near = [node.text, *(a.text for a in node.ancestors())]
    if parent is not None:
        near += [s.text for s in parent.children[: parent.children.index(node)]][-3:]
    return any(noun in stem_words(t) for t in near)


def stem_words(text: str) -> set[str]:
    return {stem(w.strip("*_:()-,.&")) for w in text.lower().split()}


def _judge_count(node: Node) -> _Found | None:
    stated = _stated(node)
    if stated is None:
        return None
    n, noun = stated
    parts = _parts(node, noun)
    if parts is None:
        return None
    got, how = parts
    claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
    if got == n:
        result = ClaimResult(claim, Verdict.HOLDS, f"{n} claimed; {how}")
    else:
        result = ClaimResult(claim, Verdict.BROKEN, f"says {n} but {how}")
    return _Found(node, result, n, noun)


def _parts(node: Node, noun: str) -> tuple[int, str] | None:
    """The number listed under `node`, and how it was counted."""
    subs = [c for c in node.children if c.kind in ("heading", "label", "item")]
    counted = _sub_counts(subs, noun)
    if counted is not None:
        return counted
    if noun == "passing":  # the tests a "(6 passing)" label lists, one item each
        items = [c for c in node.children if c.kind == "item"]
        return (len(items), f"{len(items)} are listed under it") if len(items) >= 1 else None
    if node.kind == "field":
        return _after_field(node, noun)
    if not noun.startswith(_ITEM_NOUNS):
        return None
    items = [c for c in node.children if c.kind == "item"]
    if not items and subs:
        items = [i for s in subs for i in s.children if i.kind == "item"]
    if len(items) < 2:
        return None
    if node.kind == "heading" and rx(_DONE_WORDS).search(node.text):
        done = [i for i in items if i.mark is mk.Mark.DONE]
        return len(done), f"{len(done)} of the {len(items)} items listed under it are marked done"
    return len(items), f"{len(items)} are listed under it"


def _sub_counts(subs: list[Node], noun: str) -> tuple[int, str] | None:
    if len(subs) < 2:
        return None
    counts = [_count(c) for c in subs]
    if not all(c is not None for c in counts):
        return None
    values = [c for c in counts if c is not None]
    same = {stem(noun), "passing"} if stem(noun) == "test" else {stem(noun)}
    if noun != "total" and any(stem(c[1]) not in same for c in values):
        return None
    total = sum(c[0] for c in values)
    shown = " + ".join(str(c[0]) for c in values)
    return total, f"the {len(subs)} parts listed under it count {shown} = {total}"


def _after_field(node: Node, noun: str) -> tuple[int, str] | None:
    """A field's parts: the sub-headings of its heading that follow it (each with its own
    count), else the list right after it."""
    parent = node.parent
    if parent is None:
        return None
    after = parent.children[parent.children.index(node) + 1 :]
    heads = [s for s in after if s.kind == "heading"]
    counted = _sub_counts(heads, noun)
    if counted is not None:
        return counted
    items = []
    for s in after:
        if s.kind != "item":
            break
        items.append(s)
    if len(items) < 2 and "total" in node.text.lower():
        items = _items_before(parent.children[: parent.children.index(node)])
    if len(items) < 2 or not noun.startswith(_ITEM_NOUNS):
        return None
    own = [_count(i) for i in items]
    if any(c is not None and stem(c[1]) == stem(noun) for c in own):
        # "(6 files)", "(7 files)" and one more: the items count their own
        values = [c[0] if c is not None and stem(c[1]) == stem(noun) else 1 for c in own]
        shown = " + ".join(str(v) for v in values)
        return sum(
            values
        ), f"the {len(items)} items listed right after it count {shown} = {sum(values)}"
    return len(items), f"{len(items)} are listed right after it"


def _items_before(before: list[Node]) -> list[Node]:
    """The list right before a 'Total …: 9 files' line."""
    items: list[Node] = []
    for s in reversed(before):
        if s.kind != "item":
            break
        items.append(s)
    return list(reversed(items))


def _fraction_or_bare(node: Node) -> list[ClaimResult]:
    """'### Form Components (9/9)': listed items and done ones; '### Scripts (2)': listed."""
    items = [c for c in node.children if c.kind == "item"]
    if len(items) < 2:
        return []
    claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
    frac = rx(FRACTION).search(node.text)
    if frac is not None:
        done, every = int(frac.group(1)), int(frac.group(2))
        got = sum(1 for i in items if i.mark is mk.Mark.DONE)
        seen = f"{len(items)} items are listed under it, {got} marked done"
        ok = every == len(items) and done == got
        verdict = Verdict.HOLDS if ok else Verdict.BROKEN
        said = f"{done}/{every} matches: {seen}" if ok else f"says {done}/{every} but {seen}"
        return [ClaimResult(claim, verdict, said)]
    bare = rx(BARE).search(node.text)
    if bare is None:
        return []
    n = int(bare.group(1))
    if n == len(items):
        return [ClaimResult(claim, Verdict.HOLDS, f"{n} claimed; {n} are listed under it")]
    return [ClaimResult(claim, Verdict.BROKEN, f"says {n} but {len(items)} are listed under it")]


def _repeats(root: Node, found: list[_Found]) -> list[ClaimResult]:
    """The count of a section heading (level 1-2) or a total, stated again elsewhere."""
    keyed: dict[tuple[int, str], _Found] = {}
    for f in found:
        big = f.node.kind == "heading" and f.node.level <= 2
        if big or "total" in f.node.text.lower():
            keyed.setdefault((f.n, stem(f.noun)), f)
    if not keyed:
        return []
    claimed = {id(f.node) for f in found}
    parts = ("item", "heading", "label")
    under = {id(f.node): {id(d) for d in f.node.walk() if d.kind in parts} for f in keyed.values()}
    out = []
    for node in root.walk():
        if id(node) in claimed or node.kind == "row":
            continue
        for key in _stated_keys(node):
            first = keyed.get(key)
            if first is None or id(node) in under[id(first.node)]:
                continue
            claim = Claim(node.line, Source.TOTAL, node.text[:160], node.section)
            reason = f"repeats the {first.n} {first.noun} of line {first.node.line}: "
            out.append(ClaimResult(claim, first.result.verdict, reason + first.result.reason))
            break
    return out


def _stated_keys(node: Node) -> Iterator[tuple[int, str]]:
    for m in rx(REPEAT).finditer(node.text):
        yield int(m.group(1)), stem(m.group(2))
    label, sep, value = node.text.partition(":")
    if sep and value.strip().isdigit() and node.kind in ("field", "item"):
        words = label.lower().split()
        nouns = [w for w in words if rx(r"^(" + _NOUNS + r")$").search(w)]
        if nouns:
            yield int(value.strip()), stem(nouns[0])
