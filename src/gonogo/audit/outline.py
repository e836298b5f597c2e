"""The report as a tree a reviewer reads: headings hold what sits under them, a label
line ("**Security** (30%):") holds the list after it, a list item holds its sub-items,
a table row is a child of its heading, and a progress line in a code block holds the
indented lines under it. Each node carries its status mark, read from the text.

Status columns are found by their contents (✅ ❌ [x] PASS/FAIL, percents), not by their
headers, so any table shape is read the same way.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from gonogo.audit import markers as mk
from gonogo.audit.blocks import Block, Fence, Heading, Item, ListBlock, Para, Table
from gonogo.audit.claims import sections
from gonogo.audit.regex import rx

_LABEL_MAX = 120
SAMPLE_ROWS = 200


@dataclass(eq=False, slots=True)
class Node:
    line: int
    text: str  # inline Markdown reduced to words, marks kept
    kind: str  # root | heading | item | label | row | bar | field | line (of a paragraph)
    mark: mk.Mark
    level: int = 99  # heading level; 99 for everything that is not a heading
    section: str = ""
    parent: Node | None = None
    children: list[Node] = field(default_factory=list)
    table: Table | None = None
    flat: list[Node] | None = None  # the root's nodes in report order, once the tree is built

    def add(self, child: Node) -> Node:
        child.parent = self
        self.children.append(child)
        return child

    def walk(self) -> Iterator[Node]:
        """Every node under this one, in report order (the built report's list, for the
        root: two dozen rules walk it)."""
        if self.flat is not None:
            return iter(self.flat)
        return self._walk()

    def _walk(self) -> Iterator[Node]:
        stack = list(reversed(self.children))
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def heading(self) -> Node | None:
        """The nearest heading this node sits under (itself when it is one)."""
        if self.kind == "heading":
            return self
        return next((a for a in self.ancestors() if a.kind == "heading"), None)


def build(blocks: Sequence[Block]) -> Node:
    """The outline of a parsed report."""
    root = Node(0, "", "root", mk.Mark.NONE, level=0)
    stack = [root]
    previous: Block | None = None
    for section, block in sections(blocks):
        if isinstance(block, Heading):
            while stack[-1].level >= block.level:
                stack.pop()
            text = mk.plain(block.text)
            node = Node(block.line, text, "heading", mk.any_mark(text), block.level, section)
            stack.append(stack[-1].add(node))
        elif isinstance(block, ListBlock):
            holder = _label_of(previous, stack[-1], section)
            _add_items(holder, block.items, section)
        elif isinstance(block, Table):
            _add_rows(stack[-1], block, section)
        elif isinstance(block, Fence):
            _add_bars(stack[-1], block, section)
        elif isinstance(block, Para):
            _add_fields(stack[-1], block, section)
        previous = block
    root.flat = list(root._walk())
    return root


def _label_of(previous: Block | None, heading: Node, section: str) -> Node:
    """A paragraph ending in a short "Label:" line holds the list right after it."""
    if not isinstance(previous, Para):
        return heading
    last = mk.plain(previous.lines[-1])
    bare_head = len(previous.lines) == 1 and _OPEN_HEAD_WORDS.search(last)
    if (not last.endswith(":") and not bare_head) or len(last) > _LABEL_MAX:
        return heading
    line = previous.line + len(previous.lines) - 1
    existing = heading.children[-1] if heading.children else None
    if existing is not None and existing.line == line and existing.kind in ("field", "line"):
        existing.kind = "label"
        return existing
    return heading.add(Node(line, last, "label", mk.any_mark(last), section=section))


class _OpenHeadWords:
    """A one-line paragraph such as "Still open" or "Remaining work" heads the list after
    it even without a colon."""

    @staticmethod
    def search(text: str) -> bool:
        from gonogo.audit.status import OPEN_HEAD

        return rx(OPEN_HEAD).search(text) is not None


_OPEN_HEAD_WORDS = _OpenHeadWords()


def _add_items(holder: Node, items: Sequence[Item], section: str) -> None:
    stack: list[tuple[Node, Item]] = [(holder, i) for i in reversed(items)]
    while stack:
        parent, item = stack.pop()
        first = item.text.split("\n")[0]
        text = mk.plain(first)
        node = parent.add(Node(item.line, text, "item", mk.leading_mark(first), section=section))
        stack.extend((node, child) for child in reversed(item.children))


def status_column(table: Table) -> int | None:
    """The column whose cells read as statuses most often (ties: a "status" header, then
    the rightmost); None when no column is a status column for most rows. Read from the
    first `SAMPLE_ROWS` rows (a column's role does not change halfway down) and kept on
    the table."""
    if table.status_col != -2:
        return table.status_col
    table.status_col = _find_status_column(table)
    progress = _progress_column(table)
    if table.status_col is None or table.status_col == progress:
        table.status_col = progress if progress is not None else table.status_col
        table.percent_col = progress is not None
    return table.status_col


_PROGRESS_HEADS = ("progress", "complete", "completion", "% complete", "% done", "done %", "%")
_BARE_PERCENT = r"^(\d{1,3}(?:\.\d{1,2})?)\s?%\+?$"


def _progress_column(table: Table) -> int | None:
    """A column headed Progress (Complete, % done) whose cells are percents: with no mark
    column, it is the status (100% done, 0% not started, anything else under way)."""
    rows = [r for r in table.rows[:SAMPLE_ROWS] if not _is_total(r.cells)]
    for j, head in enumerate(table.header):
        name = mk.plain(head).lower().strip()
        if not name.startswith(_PROGRESS_HEADS) or len(rows) < 2:
            continue
        pct = sum(1 for r in rows if j < len(r.cells) and rx(_BARE_PERCENT).search(r.cells[j]))
        if pct * 2 > len(rows):
            return j
    return None


def row_mark(table: Table, cell: str) -> mk.Mark:
    """The mark of a row's status cell; a progress percent counts as done at 100%, not
    started at 0% and under way in between."""
    if table.percent_col:
        m = rx(_BARE_PERCENT).search(mk.plain(cell).strip())
        if m is None:
            return mk.Mark.NONE
        value = float(m.group(1))
        return mk.Mark.DONE if value >= 100 else mk.Mark.OPEN if value == 0 else mk.Mark.PARTIAL
    if mk.plain(cell).strip(" .!*_").lower() in _NO and _asks_done(table):
        return mk.Mark.OPEN  # "Done? | no": the answer of a yes/no done column
    return cell_mark(cell)


_NO = frozenset(("no", "n", "not yet", "nope"))
_DONE_HEADS = ("done", "complete", "completed", "finished", "fixed", "resolved", "closed")


def _asks_done(table: Table) -> bool:
    """Whether the status column is headed as a question of done ("Done?", "Fixed")."""
    col = table.status_col
    if col is None or col < 0 or col >= len(table.header):
        return False
    return mk.plain(table.header[col]).strip(" ?*_").lower() in _DONE_HEADS


def _find_status_column(table: Table) -> int | None:
    rows = [r for r in table.rows[:SAMPLE_ROWS] if not _is_total(r.cells)]
    if not rows:
        return None
    width = max(len(r.cells) for r in rows)
    best: tuple[int, int, int] | None = None
    for j in range(width):
        marked = sum(
            1 for r in rows if j < len(r.cells) and cell_mark(r.cells[j]) is not mk.Mark.NONE
        )
        if marked * 2 < len(rows) or marked == 0:
            continue
        named = 1 if j < len(table.header) and _named_status(table.header[j]) else 0
        key = (marked, named, j)
        if best is None or key > best:
            best = key
    return best[2] if best is not None else None


def _named_status(header: str) -> bool:
    return mk.plain(header).lower().startswith(("status", "state", "result", "done", "✓", "✅"))


@lru_cache(maxsize=4096)
def cell_mark(cell: str) -> mk.Mark:
    if _judged_change(cell):
        return mk.Mark.NONE
    mark = mk.status_cell(cell)
    if mark is not mk.Mark.NONE:
        return mark
    text = mk.plain(cell)
    if len(text) <= 40:
        return mk.any_mark(text)
    return mk.Mark.NONE


_CHANGE = r"^[≈~]?\s*[+\-−–]\s?\d[\d.,]*\s?(%|x|×|ms|s|mb|gb|kb)?\W*$"


def _judged_change(cell: str) -> bool:
    """'✅ -18.4%', '⚠️ +20.5%': a mark on a change between two measures says better or
    worse, not done or open."""
    text = mk.plain(cell).strip()
    if not text or text[0].isalnum():
        return False
    body = text
    while body and (body[0] in _MARK_CHARS or body[0] in " *_"):
        body = body[1:]
    return body != text and rx(_CHANGE).search(body.lower()) is not None


_MARK_CHARS = frozenset("✅✔☑✓🟢🟡🔄⚠◐🟠🚧❌⏳🔲🔴⛔🚫✗✘\ufe0f")


def _is_total(cells: Sequence[str]) -> bool:
    return bool(cells) and mk.plain(cells[0]).lower().startswith(("total", "sum", "overall"))


def _add_rows(heading: Node, table: Table, section: str) -> None:
    col = status_column(table)
    for row in table.rows:
        mark = mk.Mark.NONE
        if col is not None and col < len(row.cells) and not _is_total(row.cells):
            mark = row_mark(table, row.cells[col])
        text = " | ".join(c for c in table.texts(row) if c)
        node = Node(row.line, text, "row", mark, section=section, table=table)
        heading.add(node)


def _add_fields(heading: Node, para: Para, section: str) -> None:
    for i, line in enumerate(para.lines):
        text = field_text(mk.plain(line))
        head, sep, _ = text.partition(":")
        kind = "field" if sep and 0 < len(head) <= 60 else "line"
        heading.add(Node(para.line + i, text, kind, mk.Mark.NONE, section=section))


def field_text(text: str) -> str:
    """A line as a field: an RST field list entry (':Status: Ready') and the text of an
    admonition ('.. note:: Known blockers: none.') read like 'Status: Ready'."""
    if text.startswith(".. ") and ":: " in text:
        return text.partition(":: ")[2].strip()
    if text.startswith(":") and ":" in text[1:40]:
        name, _, rest = text[1:].partition(":")
        if name.strip() and rest[:1] in (" ", ""):
            return f"{name.strip()}: {rest.strip()}"
    return text


def _add_bars(heading: Node, fence: Fence, section: str) -> None:
    """'Name: [████░░] 40%' lines in a code block, with the indented lines under each."""
    current: Node | None = None
    for i, raw in enumerate(fence.lines):
        if not raw.strip():
            continue
        text = mk.plain(raw)
        if raw[:1].strip():
            current = None
            if "%" in text and ("█" in text or "░" in text or text.rstrip().endswith("%")):
                current = heading.add(
                    Node(fence.line + i, text, "bar", mk.Mark.NONE, section=section)
                )
        elif current is not None:
            current.add(Node(fence.line + i, text, "item", mk.leading_mark(text), section=section))


PHASE_WORDS = (
    "phase", "sprint", "stage", "milestone", "week", "step", "gate", "track", "epic", "wave",
)  # fmt: skip


def phases(root: Node) -> dict[int, str]:
    """Line → the phase it belongs to: the nearest heading that names a phase, sprint,
    stage or milestone ("### Phase 2: Database"), for every line under one."""
    out: dict[int, str] = {}
    stack: list[tuple[Node, str]] = [(root, "")]
    while stack:
        node, phase = stack.pop()
        if node.kind == "heading" and node.text.lower().lstrip("✅❌🔲⏳🟡 ").startswith(
            PHASE_WORDS
        ):
            phase = node.text
        if phase:
            out[node.line] = phase
        stack.extend((c, phase) for c in node.children)
    return out
