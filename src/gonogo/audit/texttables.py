"""Tables written without pipes-and-dashes Markdown, read like any other table:

- AsciiDoc (`|===` … `|===`): each `|` opens a cell, a row is as many cells as the
  first line holds, so cells written one per line still fall into their rows;
- reStructuredText simple tables: `=====  =====` borders, columns cut at the border's
  runs of `=`, a second border under the header;
- plain-text columns, as status e-mails and terminals print them: a header and at least
  two rows, every line split on runs of two or more spaces into the same number of cells.

The lines read are blanked out for markdown-it, which would take them for paragraphs or
list items."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit import wikitables
from gonogo.audit.blocks import Heading, Row, Table, fence_after
from gonogo.audit.pipetables import cut_out
from gonogo.audit.regex import rx

MAX_WIDTH = 4096
MAX_ADOC_LINES = 5000  # a `|===` never closed is not a table past this many lines


def text_tables_of(chunk: list[str], origin: Sequence[int]) -> list[Table]:
    out: list[Table] = []
    i = 0
    fence = ""
    while i < len(chunk):
        fence, fenced = fence_after(fence, chunk[i])
        if fenced:
            i += 1
            continue
        end, table = _read_at(chunk, i, origin)
        if table is None:
            i += 1
            continue
        out.append(table)
        i = cut_out(chunk, i, end)
    return out


def _read_at(chunk: Sequence[str], i: int, origin: Sequence[int]) -> tuple[int, Table | None]:
    stripped = chunk[i].strip()
    if stripped == "|===":
        return _adoc(chunk, i, origin)
    if stripped[:2] == "||" and wikitables.header_at(chunk, i):
        return wikitables.read(chunk, i, origin)
    if _rst_border(stripped):
        return _rst(chunk, i, origin)
    if "  " in stripped and _aligned_start(chunk, i):
        return _aligned(chunk, i, origin)
    return i, None


# AsciiDoc ----------------------------------------------------------------------------


def _adoc(chunk: Sequence[str], start: int, origin: Sequence[int]) -> tuple[int, Table | None]:
    end = start + 1
    limit = min(len(chunk), start + MAX_ADOC_LINES)
    while end < limit and chunk[end].strip() != "|===":
        end += 1
    if end >= limit:
        return start, None
    cells: list[tuple[int, str]] = []  # (line index, text)
    width = 0
    for j in range(start + 1, end):
        body = chunk[j].strip()
        if not body.startswith("|"):
            if cells and body:  # a cell continued on the next line
                k, text = cells[-1]
                cells[-1] = (k, f"{text} {body}")
            continue
        parts = [p.strip() for p in body[1:].split("|")]
        if not width:
            width = len(parts)
        cells += [(j, p) for p in parts]
    if width < 2 or len(cells) < 2 * width:
        return start, None
    rows = [cells[k : k + width] for k in range(0, len(cells) - width + 1, width)]
    header, body_rows = rows[0], rows[1:]
    table = Table(origin[header[0][0]] + 1, tuple(c for _, c in header))
    table.rows = [Row(origin[r[0][0]] + 1, tuple(c for _, c in r)) for r in body_rows]
    return end + 1, table


# reStructuredText simple tables --------------------------------------------------------


def _rst_border(line: str) -> bool:
    """`=====  =======`: two or more runs of `=` with spaces between, nothing else."""
    if not 4 < len(line) < MAX_WIDTH or not set(line) <= {"=", " "}:
        return False
    runs = line.split()
    return len(runs) >= 2 and all(len(r) >= 2 for r in runs)


def _rst(chunk: Sequence[str], start: int, origin: Sequence[int]) -> tuple[int, Table | None]:
    border = chunk[start]
    spans = [(m.start(), m.end()) for m in rx(r"=+").finditer(border)]
    if len(spans) < 2:
        return start, None
    lines = []
    j = start + 1
    borders = 1
    while j < len(chunk) and chunk[j].strip() and borders < 3:
        if chunk[j].strip() and set(chunk[j].strip()) <= {"=", " "}:
            borders += 1
        else:
            lines.append(j)
        j += 1
    if borders < 3 or len(lines) < 2:
        return start, None
    cells = [_cut(chunk[k], spans) for k in lines]
    table = Table(origin[lines[0]] + 1, tuple(cells[0]))
    table.rows = [Row(origin[k] + 1, tuple(c)) for k, c in zip(lines[1:], cells[1:], strict=True)]
    return j, table


def _cut(line: str, spans: Sequence[tuple[int, int]]) -> list[str]:
    """Cells under each border run; the last column takes the rest of the line."""
    out = []
    for n, (a, _) in enumerate(spans):
        b = spans[n + 1][0] if n + 1 < len(spans) else len(line)
        out.append(line[a:b].strip())
    return out


# plain-text columns --------------------------------------------------------------------

_SPLIT = r"\s{2,}"
_FIGURE = r"(\d|✅|❌|⏳|\bdone\b|\bpass|\bfail|\bopen\b|\[[ xX]\])"


def _fields(line: str) -> list[str]:
    body = line.strip()
    return [f for f in rx(_SPLIT).split(body) if f] if body else []


def _aligned_start(chunk: Sequence[str], i: int) -> bool:
    """A header line of two or more fields over at least two lines with as many fields,
    the figures of a status in them, and no Markdown table or list syntax in the header."""
    head = chunk[i]
    if len(head) >= MAX_WIDTH or head.lstrip().startswith(("|", "-", "*", "+", "#", ">")):
        return False
    fields = _fields(head)
    if len(fields) < 2 or any(rx(r"\d").search(f) for f in fields):
        return False
    rows = _aligned_rows(chunk, i + 1, len(fields))
    if len(rows) < 2:
        return False
    return all(rx(_FIGURE).search(" ".join(_fields(chunk[k])[1:])) for k in rows)


def _aligned_rows(chunk: Sequence[str], at: int, width: int) -> list[int]:
    rows = []
    while at < len(chunk) and len(chunk[at]) < MAX_WIDTH and len(_fields(chunk[at])) == width:
        rows.append(at)
        at += 1
    return rows


def _aligned(chunk: Sequence[str], start: int, origin: Sequence[int]) -> tuple[int, Table | None]:
    header = _fields(chunk[start])
    rows = _aligned_rows(chunk, start + 1, len(header))
    table = Table(origin[start] + 1, tuple(header))
    table.rows = [Row(origin[k] + 1, tuple(_fields(chunk[k]))) for k in rows]
    return rows[-1] + 1, table


# AsciiDoc titles -----------------------------------------------------------------------

_ADOC_TITLE = r"^(={1,6})\s+(\S.*?)\s*=*\s*$"


def adoc_titles_of(chunk: list[str], origin: Sequence[int]) -> list[Heading]:
    """`== Section` titles, and `.Title` lines captioning the block after them (a table,
    an attribute line), as headings; blanked out for markdown-it."""
    out: list[Heading] = []
    fence = ""
    for i, line in enumerate(chunk):
        fence, fenced = fence_after(fence, line)
        stripped = line.strip()
        if fenced:
            continue
        if not stripped or len(stripped) > 300:
            continue
        if stripped[0] == "=" and not set(stripped) <= {"="}:
            m = rx(_ADOC_TITLE).search(stripped)
            if m is not None:
                out.append(Heading(origin[i] + 1, len(m.group(1)), m.group(2)))
                chunk[i] = ""
        elif stripped[0] == "." and stripped[1:2].isalpha() and _captions(chunk, i):
            out.append(Heading(origin[i] + 1, 6, stripped[1:]))
            chunk[i] = ""
    return out


def _captions(chunk: Sequence[str], i: int) -> bool:
    nxt = chunk[i + 1].strip() if i + 1 < len(chunk) else ""
    return nxt.startswith(("[", "|==="))
