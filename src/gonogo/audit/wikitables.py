"""Confluence and Jira wiki tables: a `||head||head||` header row over `|cell|cell|` rows
(a row may open with `||` header cells of its own). Pipes inside `[text|target]` links
and `{macro|param}` braces are not cell breaks."""

from __future__ import annotations

from collections.abc import Sequence

from gonogo.audit.blocks import Row, Table, is_delimiter

MAX_WIDTH = 4096


def header_at(chunk: Sequence[str], i: int) -> bool:
    """A `||a||b||` header, not a Markdown table (whose next line is a delimiter row)."""
    line = chunk[i].strip()
    if not (line.startswith("||") and line.endswith("||")) or len(line) >= MAX_WIDTH:
        return False
    nxt = chunk[i + 1].strip() if i + 1 < len(chunk) else ""
    return len(cells(line)) >= 2 and not is_delimiter(nxt)


def read(chunk: Sequence[str], start: int, origin: Sequence[int]) -> tuple[int, Table]:
    """The table whose header is on `start`, and the index after its last row."""
    header = cells(chunk[start])
    width = len(header)
    table = Table(origin[start] + 1, tuple(header))
    end = start + 1
    while end < len(chunk) and chunk[end].lstrip().startswith("|") and len(chunk[end]) < MAX_WIDTH:
        row = cells(chunk[end])
        table.rows.append(Row(origin[end] + 1, tuple((row + [""] * width)[:width])))
        end += 1
    return end, table


def cells(line: str) -> list[str]:
    """A wiki table line's cells: `||` and `|` both break cells, outer pipes dropped."""
    body = line.strip().replace("||", "|")
    out: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in body:
        if ch in "[{":
            depth += 1
        elif ch in "]}" and depth:
            depth -= 1
        if ch == "|" and not depth:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return out[1:-1] if len(out) >= 2 and not out[0] and not out[-1] else out
