"""Markdown → a flat list of blocks (headings, paragraphs, lists, tables, code).

markdown-it-py does the block parsing; inline parsing is switched off (the
auditor reads inline text itself, in linear time). The text is fed in chunks cut
at blank lines outside code fences, so memory stays bounded by the chunk, not
the report: a run of more than `HARD_LINES` lines without a blank line is cut
anyway, and a table cut that way keeps its header and is joined back together.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

SOFT_LINES = 400
HARD_LINES = 2000
MAX_NESTING = 20


@dataclass(frozen=True, slots=True)
class Heading:
    line: int
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class Para:
    line: int
    lines: tuple[str, ...]


@dataclass(slots=True)
class Item:
    line: int
    text: str = ""
    children: list[Item] = field(default_factory=list)


@dataclass(slots=True)
class ListBlock:
    line: int
    items: list[Item] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    cells: tuple[str, ...]


@dataclass(slots=True)
class Table:
    line: int
    header: tuple[str, ...] = ()
    rows: list[Row] = field(default_factory=list)
    status_col: int | None = -2  # found once by outline.status_column; -2: not yet
    percent_col: bool = False  # the status column holds progress percents (100% done)
    _texts: dict[int, tuple[str, ...]] = field(default_factory=dict)  # cells as plain text
    _rows: dict[int, Row] | None = None  # rows by line, built on first lookup

    def row_at(self, line: int) -> Row | None:
        """The row on `line` (a dictionary lookup: rules ask once per row of long tables)."""
        if self._rows is None or len(self._rows) != len(self.rows):
            self._rows = {r.line: r for r in self.rows}
        return self._rows.get(line)

    def texts(self, row: Row) -> tuple[str, ...]:
        """The row's cells as plain words, worked out once for all the rules that read them."""
        found = self._texts.get(row.line)
        if found is None:
            from gonogo.audit.markers import plain

            found = self._texts[row.line] = tuple(plain(c) for c in row.cells)
        return found


@dataclass(frozen=True, slots=True)
class Fence:
    line: int
    lines: tuple[str, ...]


Block = Heading | Para | ListBlock | Table | Fence


def parse_blocks(text: str, *, plain_tables: bool = True) -> list[Block]:
    from markdown_it import MarkdownIt

    from gonogo.audit.gridtables import grid_tables_of
    from gonogo.audit.htmltables import html_tables_of
    from gonogo.audit.pipetables import plain_tables_of
    from gonogo.audit.texttables import adoc_titles_of, text_tables_of

    md = MarkdownIt("commonmark", {"maxNesting": MAX_NESTING}).enable("table")
    md.disable("inline")
    lines = text.split("\n")
    blocks: list[Block] = front_matter(lines)
    for origin in chunks(lines):
        chunk = [lines[i] for i in origin]
        titles = adoc_titles_of(chunk, origin)  # before the tables: `.Title` captions one
        tables = html_tables_of(chunk, origin)
        tables += grid_tables_of(chunk, origin)
        tables += plain_tables_of(chunk, origin) if plain_tables else []
        tables += text_tables_of(chunk, origin)
        src = "\n".join(chunk)
        walker = _Walker(origin)
        for token in md.parse(src):
            walker.feed(token)
        _append(blocks, _merged(walker.blocks, [*tables, *titles]))
    return blocks


FRONT_MATTER_MAX = 100


def front_matter(lines: list[str]) -> list[Block]:
    """A YAML front-matter block (`---` … `---` on the first lines) as one paragraph of
    `key: value` lines, blanked out for markdown-it (which would read it as a heading)."""
    if not lines or lines[0].strip() != "---":
        return []
    for end in range(1, min(len(lines), FRONT_MATTER_MAX)):
        if lines[end].strip() in ("---", "..."):
            body = tuple(lines[1:end])
            lines[: end + 1] = [""] * (end + 1)
            return [Para(2, body)] if any(b.strip() for b in body) else []
    return []


def _merged(parsed: list[Block], read: Sequence[Block]) -> list[Block]:
    if not read:
        return parsed
    return sorted([*parsed, *read], key=lambda b: b.line)


def _append(blocks: list[Block], new: list[Block]) -> None:
    """Add a chunk's blocks, joining a table that a hard cut split in two."""
    first, last = (new[0], blocks[-1]) if new and blocks else (None, None)
    if isinstance(first, Table) and isinstance(last, Table) and first.line == last.line:
        last.rows.extend(first.rows)
        new = new[1:]
    blocks.extend(new)


def fence_after(fence: str, line: str) -> tuple[str, bool]:
    """The code fence open after `line` ("" for none), given the one open before it, and
    whether `line` is fenced: inside a fence or one of its markers."""
    stripped = line.lstrip()
    if fence:
        return ("" if stripped.startswith(fence) else fence), True
    if stripped.startswith(("```", "~~~")):
        return stripped[:3], True
    return "", False


def chunks(lines: Sequence[str]) -> Iterator[list[int]]:
    """Indices of lines, grouped into chunks that markdown-it can parse on their own."""
    cur: list[int] = []
    fence = ""
    header: list[int] = []
    for idx, line in enumerate(lines):
        fence = fence_after(fence, line)[0]
        header = _track_header(lines, idx, header)
        cur.append(idx)
        if not fence and len(cur) >= SOFT_LINES and not line.strip():
            yield cur
            cur = []
        elif len(cur) >= HARD_LINES:
            yield cur
            cur = list(header) if header and header[-1] != idx else []
    if cur:
        yield cur


def _track_header(lines: Sequence[str], idx: int, header: list[int]) -> list[int]:
    line = lines[idx]
    if "|" not in line:
        return []
    if idx and "|" in lines[idx - 1] and is_delimiter(line):
        return [idx - 1, idx]
    return header


def is_delimiter(line: str) -> bool:
    body = line.strip()
    return "-" in body and len(body) < 4096 and all(c in "|:- \t" for c in body)


class _Walker:
    """Turns one chunk's token stream into blocks with original line numbers."""

    def __init__(self, origin: Sequence[int]) -> None:
        self.origin = origin
        self.blocks: list[Block] = []
        self.lists: list[ListBlock] = []
        self.items: list[Item] = []
        self.pending = ""  # what the next inline token belongs to
        self.heading_level = 0
        self.table: Table | None = None
        self.row: list[str] | None = None
        self.row_line = 0
        self.in_head = False

    def line(self, token: Any) -> int:
        start = token.map[0] if token.map else 0
        return self.origin[min(start, len(self.origin) - 1)] + 1

    def feed(self, token: Any) -> None:
        kind = token.type
        handler = _HANDLERS.get(kind)
        if handler is not None:
            handler(self, token)

    def list_open(self, token: Any) -> None:
        block = ListBlock(self.line(token))
        if not self.lists:  # a nested list's items attach to their parent item
            self.blocks.append(block)
        self.lists.append(block)

    def list_close(self, token: Any) -> None:
        if self.lists:
            self.lists.pop()

    def item_open(self, token: Any) -> None:
        item = Item(self.line(token))
        if len(self.lists) >= 2 and self.items:
            self.items[-1].children.append(item)
        elif self.lists:
            self.lists[-1].items.append(item)
        self.items.append(item)

    def item_close(self, token: Any) -> None:
        if self.items:
            self.items.pop()

    def heading_open(self, token: Any) -> None:
        self.pending = "heading"
        self.heading_level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1

    def paragraph_open(self, token: Any) -> None:
        self.pending = "item" if self.items and not self.items[-1].text else "para"

    def inline(self, token: Any) -> None:
        content = str(token.content)
        if self.row is not None:
            self.row.append(content)
            return
        line = self.line(token)
        if self.pending == "heading":
            self.blocks.append(Heading(line, self.heading_level, content))
        elif self.pending == "item" and self.items:
            self.items[-1].text = content
        else:
            self.blocks.append(Para(line, tuple(content.split("\n"))))
        self.pending = ""

    def fence(self, token: Any) -> None:
        self.blocks.append(Fence(self.line(token) + 1, tuple(str(token.content).split("\n"))))

    def table_open(self, token: Any) -> None:
        self.table = Table(self.line(token))
        self.blocks.append(self.table)

    def tr_open(self, token: Any) -> None:
        self.row = []
        self.row_line = self.line(token)

    def tr_close(self, token: Any) -> None:
        if self.table is not None and self.row is not None:
            if self.in_head:
                self.table.header = tuple(self.row)
            else:
                self.table.rows.append(Row(self.row_line, tuple(self.row)))
        self.row = None

    def thead(self, token: Any) -> None:
        self.in_head = token.type == "thead_open"


_HANDLERS = {
    "bullet_list_open": _Walker.list_open,
    "ordered_list_open": _Walker.list_open,
    "bullet_list_close": _Walker.list_close,
    "ordered_list_close": _Walker.list_close,
    "list_item_open": _Walker.item_open,
    "list_item_close": _Walker.item_close,
    "heading_open": _Walker.heading_open,
    "paragraph_open": _Walker.paragraph_open,
    "inline": _Walker.inline,
    "fence": _Walker.fence,
    "table_open": _Walker.table_open,
    "tr_open": _Walker.tr_open,
    "tr_close": _Walker.tr_close,
    "thead_open": _Walker.thead,
    "thead_close": _Walker.thead,
}
