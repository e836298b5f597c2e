"""HTML tables in a report (`<table>` … `</table>`, outside code fences), read like any
other table: a row per `<tr>`, on the line its `<tr>` opens, however many lines its
cells take; a first row of `<th>` cells is the header. Inside a cell `<code>` is a code
span, `<a href>` a link, `<b>` / `<strong>` bold, entities are decoded and other tags
dropped. One linear scan with str.find; the lines read are blanked out for markdown-it."""

from __future__ import annotations

import html
from bisect import bisect_right
from collections.abc import Sequence
from itertools import accumulate

from gonogo.audit.blocks import Row, Table, fence_after
from gonogo.audit.pipetables import cut_out
from gonogo.audit.regex import rx

MAX_TABLE_CHARS = 1 << 20  # a `<table>` not closed within this many characters is not read
_INLINE = (("<code>", "`"), ("</code>", "`"), ("<b>", "**"), ("</b>", "**"))
_STRONG = (("<strong>", "**"), ("</strong>", "**"))
_ANCHOR = r"(?i)<a\s[^>]*?href=\"([^\"]{1,400})\"[^>]*>([^<]{0,300})</a>"
_TAG = r"<[^<>]{0,400}>"
_TAG_ENDS = (">", " ", "\n", "\t", "/")


def html_tables_of(chunk: list[str], origin: Sequence[int]) -> list[Table]:
    if not any("<table" in line.lower() for line in chunk):
        return []
    text = "\n".join(chunk)
    low = text.lower()
    starts = [0, *accumulate(len(line) + 1 for line in chunk)]
    fenced = _fenced(chunk)
    out: list[Table] = []
    at = _tag(low, "table", 0)
    while at >= 0:
        end = low.find("</table>", at, at + MAX_TABLE_CHARS)
        first = bisect_right(starts, at) - 1
        if end < 0:
            break
        if fenced[first]:
            at = _tag(low, "table", end)
            continue
        last = bisect_right(starts, end) - 1
        table = _read(text[at:end], low[at:end], at, starts, origin)
        if table is not None:
            out.append(table)
            cut_out(chunk, first, last + 1)
        at = _tag(low, "table", end)
    return out


def _fenced(chunk: Sequence[str]) -> list[bool]:
    """For each line, whether it sits inside a code fence."""
    out, fence = [], ""
    for line in chunk:
        fence, fenced = fence_after(fence, line)
        out.append(fenced)
    return out


def _read(
    text: str, low: str, offset: int, starts: Sequence[int], origin: Sequence[int]
) -> Table | None:
    rows: list[tuple[int, list[str], bool]] = []  # (line, cells, all header cells)
    at = _tag(low, "tr", 0)
    while at >= 0:
        nxt = _tag(low, "tr", at + 3)
        stop = nxt if nxt >= 0 else len(text)
        body, body_low = text[at:stop], low[at:stop]
        cells, heads = _cells(body, body_low)
        if cells:
            line = origin[bisect_right(starts, offset + at) - 1] + 1
            rows.append((line, cells, heads))
        at = nxt
    if len(rows) < 2:
        return None
    width = max(len(c) for _, c, _ in rows)
    line, head, is_head = rows[0]
    header = tuple(head) if is_head else ("",) * width
    table = Table(line, tuple((list(header) + [""] * width)[:width]))
    body_rows = rows[1:] if is_head else rows
    table.rows = [Row(n, tuple((c + [""] * width)[:width])) for n, c, _ in body_rows]
    return table


def _cells(row: str, low: str) -> tuple[list[str], bool]:
    """The cells of one `<tr>`, and whether all of them are `<th>`."""
    out: list[str] = []
    heads = True
    at = _next_cell(low, 0)
    while at >= 0:
        open_end = low.find(">", at)
        if open_end < 0:
            break
        nxt = _next_cell(low, open_end)
        close = low.find("</t", open_end)
        stop = min(x for x in (close, nxt, len(low)) if x >= 0)
        heads = heads and low.startswith("<th", at)
        out.append(_plain(row[open_end + 1 : stop]))
        at = nxt
    return out, heads and bool(out)


def _next_cell(low: str, at: int) -> int:
    found = [p for p in (_tag(low, "td", at), _tag(low, "th", at)) if p >= 0]
    return min(found) if found else -1


def _tag(low: str, name: str, at: int) -> int:
    """Where the next `<name>` or `<name ...>` tag opens (not `<thead>` for `th`), or -1."""
    opener = "<" + name
    at = low.find(opener, at)
    while at >= 0 and low[at + len(opener) : at + len(opener) + 1] not in _TAG_ENDS:
        at = low.find(opener, at + 1)
    return at


def _plain(cell: str) -> str:
    """A cell's HTML as the inline Markdown the rules read."""
    for tag, md in (*_INLINE, *_STRONG):
        if tag in cell or tag.upper() in cell:
            cell = cell.replace(tag, md).replace(tag.upper(), md)
    if "<a" in cell or "<A" in cell:
        cell = rx(_ANCHOR).sub(r"[\2](\1)", cell)
    if "<" in cell:
        cell = rx(_TAG).sub(" ", cell)
    return " ".join(html.unescape(cell).split())
