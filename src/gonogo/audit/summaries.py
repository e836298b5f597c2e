"""Summaries against what they summarise.

- "9/10 tasks complete" in a paragraph, blockquote, TL;DR or list is held to the one
  status table of its section: done rows out of all rows.
- A summary table whose rows name phases ("| 0 | ✅ GO | 11 | 11 |") is held to each
  phase's own table: its passed/total cells against done rows and all rows, and a
  done status against the rows still open there.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Table
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.audit.outline import Node, cell_mark, status_column
from gonogo.audit.regex import rx

ALL_DONE = (
    r"(?i)\ball\s+(\d{1,6})\s+(\w+)\s+(?:are\s+|were\s+)?"
    r"(green|passed|passing|pass|done|complete|completed|finished|ok)\b"
)
ANY_FRACTION = r"(?i)\b(\d{1,6})\s*/\s*(\d{1,6})\s+([a-z][a-z-]{2,30})\b"
PROSE_FRACTION = (
    r"(?i)\b(\d{1,6})\s*(?:/|\s(?:of|out of)\s)\s*(\d{1,6})\s+(?:(\w+)\s+)??(tasks?|items?|"
    r"checks?|rows?|steps?|criteria|passed|passing|complete|completed|done|finished|green|met)\b"
)
_RESULT_WORDS = frozenset(("passed", "passing", "green", "pass"))
_GENERIC = frozenset(("task", "tasks", "item", "items", "check", "checks", "row", "rows", "all"))
# "13 of 26 points done" counts points, not rows
_UNIT_WORD = r"(?i)\d\s+(points?|pts|sp|hours?|h|days?|minutes?|min|lines?|kb|mb)\s"
_PHASE_WORDS = (
    "phase",
    "sprint",
    "stage",
    "milestone",
    "week",
    "track",
    "step",
    "gate",
    "part",
    "epic",
)


@dataclass(frozen=True, slots=True)
class Tally:
    rows: int
    done: int
    pending: tuple[Node, ...]
    what: str = "status table"
    unit: str = "rows"


def tally(heading: Node) -> Tally | None:
    """Done rows and all rows of the first status table directly under `heading`."""
    rows = [c for c in heading.children if c.kind == "row"]
    if not rows or rows[0].table is None or status_column(rows[0].table) is None:
        return None
    first = rows[0].table
    rows = [r for r in rows if r.table is first and not _is_total(r)]
    pending = tuple(r for r in rows if r.mark.pending)
    return Tally(len(rows), sum(1 for r in rows if r.mark is mk.Mark.DONE), pending)


def _is_total(node: Node) -> bool:
    return node.text.lower().startswith(("total", "sum ", "overall"))


def results(root: Node) -> list[ClaimResult]:
    out: list[ClaimResult] = []
    headings = [n for n in root.walk() if n.kind == "heading"]
    seen: set[int] = set()
    for node in root.walk():
        if node.kind == "row" and node.table is not None and id(node.table) not in seen:
            seen.add(id(node.table))
            out += _summary_table(node.table, headings, node)
        elif node.kind in ("field", "item", "heading", "label", "line"):
            out += _prose(node)
    return out


def _prose(node: Node) -> list[ClaimResult]:
    """'5/6 tasks complete', 'Completed 4/5 milestones', 'all 12 checks green'."""
    if "target" in node.text.lower() or node.mark is mk.Mark.OPEN:
        return []
    found = _stated_fraction(node.text)
    if found is None:
        return []
    num, den, noun, named_only = found
    tallies = _list_before(node) or _own_checklist(_section_tallies(node), noun)
    tallies = tallies or _checklist_tally(node, noun)
    if len(tallies) > 1 or named_only:  # the table under a heading that names the noun
        stem = _stem(noun)
        tallies = [t for t in tallies if _names(t, stem)]
        if not tallies and named_only and (den == 1 or noun.lower().endswith("s")):
            tallies = _named_lists(node, stem)  # a count of things: "4 of 5 workstreams"
    if len(tallies) != 1:
        return []
    heading, t = tallies[0]
    if noun.lower() in _RESULT_WORDS and den > 3 * max(t.rows, 1):
        return []  # "1007/1043 passing" counts test cases, not the rows of a nearby table
    claim = Claim(node.line, Source.SUMMARY, node.text[:160], node.section)
    where = f"the {t.what} under “{heading.text[:50]}”" if heading.kind == "heading" else ""
    return [_compare(claim, num, den, t, where or f"the report's {t.what}")]


def _stem(noun: str) -> str:
    word = noun.lower()
    if word.endswith("ies"):
        return word[:-3]  # stories: stor
    return word.rstrip("s")


def _names(found: tuple[Node, Tally], stem: str) -> bool:
    """Whether the heading of a tally, or the header of its table, names the noun."""
    heading, _ = found
    if stem in heading.text.lower():
        return True
    rows = [c for c in heading.children if c.kind == "row" and c.table is not None]
    header = " ".join(rows[0].table.header).lower() if rows and rows[0].table else ""
    return stem in header


def _named_lists(node: Node, stem: str) -> list[tuple[Node, Tally]]:
    """The one heading or label anywhere that names the noun ("Workstreams") and lists
    marked items: '4 of 5 workstreams finished' counts them."""
    root = _root(node)
    out = []
    for h in root.walk():
        if h.kind not in ("heading", "label") or h is node or stem not in h.text.lower():
            continue
        items = [c for c in h.children if c.kind == "item" and c.mark is not mk.Mark.NONE]
        if len(items) >= 2:
            pending = tuple(i for i in items if i.mark.pending)
            done = sum(1 for i in items if i.mark is mk.Mark.DONE)
            out.append((h, Tally(len(items), done, pending, "list", "items")))
    return out


def _stated_fraction(text: str) -> tuple[int, int, str, bool] | None:
    """(done, all, noun, whether the noun must name the table) stated in `text`."""
    if "/" in text or " of " in text:
        m = rx(PROSE_FRACTION).search(text)
        if m is not None and not rx(_UNIT_WORD).search(m.group(0)):
            noun = m.group(3)
            if noun and noun.lower() not in _GENERIC and not noun.isdigit():
                return int(m.group(1)), int(m.group(2)), noun, True  # "3 of 3 procedures done"
            return int(m.group(1)), int(m.group(2)), m.group(4), False
        m = rx(ANY_FRACTION).search(text)
        if m is not None:
            return int(m.group(1)), int(m.group(2)), m.group(3), True
    m = rx(ALL_DONE).search(text) if "all" in text.lower() else None
    if m is not None:
        return int(m.group(1)), int(m.group(1)), m.group(2), True
    return None


def _list_before(node: Node) -> list[tuple[Node, Tally]]:
    """The marked list right before the line ('1. ✔ Backup …', '3. ✘ Cut-over', then
    'Progress: 2 of 3 steps'): what a reader sees it summing."""
    parent = node.parent
    if parent is None or node.kind == "item":
        return []
    before = parent.children[: parent.children.index(node)]
    items: list[Node] = []
    for s in reversed(before):
        if s.kind != "item":
            break
        items.append(s)
    if len(items) < 2 or any(i.mark is mk.Mark.NONE for i in items):
        return []
    pending = tuple(i for i in reversed(items) if i.mark.pending)
    done = sum(1 for i in items if i.mark is mk.Mark.DONE)
    where = parent if parent.kind == "heading" else node
    return [(where, Tally(len(items), done, pending, "list", "items"))]


_CHECKLIST_NOUNS = (
    "criteri", "item", "task", "check", "step", "met", "done", "complete", "finish",
)  # fmt: skip


def _checklist_tally(node: Node, noun: str) -> list[tuple[Node, Tally]]:
    """With no status table in scope, the marked items of the section the line sits in
    (of the whole report for a line in its header): '8/8 criteria met' over a checklist.
    Tests passed are counted in JUnit files, not in checklists."""
    if node.kind == "item" or not noun.lower().startswith(_CHECKLIST_NOUNS):
        return []
    heading = node.heading
    scope = heading if heading is not None and heading.level > 1 else _root(node)
    items = [
        d for d in scope.walk() if d.kind == "item" and d.mark is not mk.Mark.NONE and d is not node
    ]
    if len(items) < 2:
        return []
    pending = tuple(i for i in items if i.mark.pending)
    done = sum(1 for i in items if i.mark is mk.Mark.DONE)
    return [(scope, Tally(len(items), done, pending, "checklist", "items"))]


def _own_checklist(found: list[tuple[Node, Tally]], noun: str) -> list[tuple[Node, Tally]]:
    """A heading holding a checklist and a table that does not name the noun ("## Tasks":
    nine boxes, then a table of test suites): '7 of 9 tasks' counts the boxes."""
    if len(found) != 1 or not noun.lower().startswith(_CHECKLIST_NOUNS):
        return found
    heading, _ = found[0]
    items = [d for d in heading.walk() if d.kind == "item" and d.mark is not mk.Mark.NONE]
    if len(items) < 2:
        return found
    rows = [c for c in heading.children if c.kind == "row" and c.table is not None]
    header = " ".join(rows[0].table.header).lower() if rows and rows[0].table else ""
    if _stem(noun) in header:
        return found
    pending = tuple(i for i in items if i.mark.pending)
    done = sum(1 for i in items if i.mark is mk.Mark.DONE)
    return [(heading, Tally(len(items), done, pending, "checklist", "items"))]


def _root(node: Node) -> Node:
    *_, top = (node, *node.ancestors())
    return top


def _section_tallies(node: Node) -> list[tuple[Node, Tally]]:
    heading = node.heading
    while heading is not None:
        found = []
        for h in (heading, *(d for d in heading.walk() if d.kind == "heading")):
            t = tally(h)
            if t is not None:
                found.append((h, t))
        own = [f for f in found if f[0] is heading]
        if len(found) > 1 and own and not _named_elsewhere(node, found):
            return own  # the table right under the line's own heading
        if found or heading.level <= 2:
            return found
        heading = heading.parent.heading if heading.parent is not None else None
    return []


def _named_elsewhere(node: Node, found: list[tuple[Node, Tally]]) -> bool:
    """Whether the line names a sub-heading's table ('Phase 2: 4/10 tasks')."""
    text = node.text.lower()
    return any(h is not node.heading and h.text.lower()[:20] in text for h, _ in found)


def _compare(claim: Claim, num: int, den: int, t: Tally, where: str) -> ClaimResult:
    problems = []
    if den != t.rows:
        problems.append(f"{where} has {t.rows} {t.unit} (off by {abs(den - t.rows)})")
    if num != t.done:
        problems.append(f"{t.done} of them are marked done (off by {abs(num - t.done)})")
    nums = {"claimed": f"{num}/{den}", "rows": t.rows, "done": t.done}
    if problems:
        reason = f"claims {num}/{den} but " + " and ".join(problems)
        return ClaimResult(claim, Verdict.BROKEN, reason, numbers=nums)
    return ClaimResult(
        claim,
        Verdict.HOLDS,
        f"{num}/{den} matches {where}: {t.done} of {t.rows} {t.unit} done",
        numbers=nums,
    )


def _summary_table(table: Table, headings: Sequence[Node], first: Node) -> list[ClaimResult]:
    header = [mk.plain(h).lower() for h in table.header]
    done_col = _col(header, ("passed", "done", "complete", "completed", "✅"))
    total_col = _col(header, ("total", "tasks", "all", "count", "of"))
    status = status_column(table)
    out = []
    for row in table.rows:
        cells = list(table.texts(row))
        target = _phase_heading(cells[0] if cells else "", headings, first)
        t = tally(target) if target is not None else None
        if target is None or t is None:
            continue
        claim = Claim(
            row.line, Source.SUMMARY, " | ".join(c for c in cells if c)[:160], first.section
        )
        out += _summary_row(claim, cells, t, target, done_col, total_col, status)
    return out


def _summary_row(
    claim: Claim,
    cells: Sequence[str],
    t: Tally,
    target: Node,
    done_col: int | None,
    total_col: int | None,
    status: int | None,
) -> list[ClaimResult]:
    where = f"“{target.text[:50]}” (line {target.line})"
    problems, checked = [], []
    done = _int(cells, done_col)
    total = _int(cells, total_col)
    if done is not None:
        checked.append(f"{done} done")
        if done != t.done:
            problems.append(f"says {done} done but {t.done} rows of {where} are")
    if total is not None:
        checked.append(f"{total} in all")
        if total != t.rows:
            problems.append(f"says {total} in all but {where} has {t.rows} rows")
    mark = cell_mark(cells[status]) if status is not None and status < len(cells) else mk.Mark.NONE
    if mark is mk.Mark.DONE and t.pending:
        lines = ", ".join(str(p.line) for p in t.pending[:6])
        problems.append(
            f"is marked done but {len(t.pending)} rows of {where} are open (lines {lines})"
        )
    elif mark is mk.Mark.DONE:
        checked.append("done")
    if problems:
        return [
            ClaimResult(
                claim, Verdict.BROKEN, "; ".join(problems), numbers={"rows": t.rows, "done": t.done}
            )
        ]
    if not checked:
        return []
    reason = f"{', '.join(checked)}: matches {where} ({t.done} of {t.rows} rows done)"
    return [ClaimResult(claim, Verdict.HOLDS, reason, numbers={"rows": t.rows, "done": t.done})]


def _col(header: Sequence[str], names: Sequence[str]) -> int | None:
    for j, h in enumerate(header):
        if any(h.startswith(n) for n in names):
            return j
    return None


def _int(cells: Sequence[str], col: int | None) -> int | None:
    if col is None or col >= len(cells):
        return None
    text = cells[col].strip().replace(",", "")
    return int(text) if text.isdigit() and len(text) < 9 else None


def _phase_heading(key: str, headings: Sequence[Node], first: Node) -> Node | None:
    key = key.strip().lower()
    if not key or len(key) > 40:
        return None
    own = first.heading
    hits = []
    for h in headings:
        if h is own:
            continue
        text = h.text.lower().lstrip("✅❌🔲⏳🟡 ")
        if (
            text == key
            or any(
                text.startswith(f"{w} {key}") and _ends(text, len(w) + 1 + len(key))
                for w in _PHASE_WORDS
            )
            or (key.startswith(_PHASE_WORDS) and text.startswith(key) and _ends(text, len(key)))
        ):
            hits.append(h)
    return hits[0] if len(hits) == 1 else None


def _ends(text: str, at: int) -> bool:
    return at >= len(text) or not text[at].isalnum()
