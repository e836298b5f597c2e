"""Top-level pipe tables read without markdown-it: on a long table, markdown-it's table
rule costs most of an audit, and a plain table (after a blank line or a heading,
outside code fences, a delimiter row under its header) needs no more than splitting
cells on unescaped pipes. The blocks are the same as markdown-it's (a test holds them
to it); anything less plain is left to markdown-it."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit.blocks import Row, Table, fence_after, is_delimiter


def plain_tables_of(chunk: list[str], origin: Sequence[int]) -> list[Table]:
    """Read top-level pipe tables (after a blank line or a heading, outside code fences)
    directly, and blank their lines out for markdown-it: the same cells, at a fraction
    of the cost on long tables. Anything less plain is left to markdown-it."""
    out: list[Table] = []
    fence = ""
    i = 0
    while i < len(chunk) - 1:
        fence, fenced = fence_after(fence, chunk[i])
        if not fenced and _table_start(chunk, i):
            end = i + 2
            while end < len(chunk) and chunk[end].strip() and "|" in chunk[end]:
                end += 1
            out.append(_read_table(chunk, i, end, origin))
            i = cut_out(chunk, i, end)
            continue
        i += 1
    return out


def cut_out(chunk: list[str], start: int, end: int) -> int:
    """Blank lines start..end-1 out for markdown-it (read here already); returns `end`."""
    chunk[start:end] = [""] * (end - start)
    return end


def _table_start(chunk: Sequence[str], i: int) -> bool:
    line = chunk[i]
    if not line.startswith(("|", " |", "  |", "   |")) or not is_delimiter(chunk[i + 1]):
        return False
    before = chunk[i - 1].lstrip() if i else ""
    if before and not before.startswith("#"):
        return False
    head, delim = _cells(line), _cells(chunk[i + 1])
    return bool(head) and len(head) == len(delim) and all(_delimiter_cell(c) for c in delim)


def _delimiter_cell(cell: str) -> bool:
    body = cell.strip().strip(":")
    return bool(body) and set(body) == {"-"}


def _cells(line: str) -> list[str]:
    """Cells of a table line: split on unescaped pipes, outer pipes dropped."""
    if "\\" not in line:  # no escapes: a plain split (most tables, and the long ones)
        split = line.strip().split("|")
        if split and not split[0].strip():
            split = split[1:]
        if split and not split[-1].strip():
            split = split[:-1]
        return [p.strip() for p in split]
    parts: list[str] = []
    cur: list[str] = []
    escaped = False
    for ch in line.strip():
        if ch == "|" and not escaped:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        escaped = ch == "\\" and not escaped
    parts.append("".join(cur))
    if parts and not parts[0].strip():
        parts = parts[1:]
    if parts and not parts[-1].strip():
        parts = parts[:-1]
    return [p.strip() for p in parts]


def _read_table(chunk: Sequence[str], start: int, end: int, origin: Sequence[int]) -> Table:
    header = _cells(chunk[start])
    width = len(header)
    table = Table(origin[start] + 1, tuple(header))
    for j in range(start + 2, end):
        cells = _cells(chunk[j])
        row = tuple((cells + [""] * width)[:width])
        table.rows.append(Row(origin[j] + 1, row))
    return table
