"""Plain-text grid tables, as exported from trackers and terminals:

    +------+-----------------+-------+
    | ID   | Story           | State |
    +------+-----------------+-------+
    | S-1  | Login rate limit| DONE  |

Columns are cut at the `+` of the top border, so a row whose cells are merged
("| Total            |       | 40 |") still puts each figure under its header. The
lines are blanked out for markdown-it, which would read them as a paragraph."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise

from gonogo.audit.blocks import Row, Table
from gonogo.audit.pipetables import cut_out

MAX_WIDTH = 4096


def grid_tables_of(chunk: list[str], origin: Sequence[int]) -> list[Table]:
    out: list[Table] = []
    i = 0
    while i < len(chunk) - 2:
        if not (_border(chunk[i]) and _row(chunk[i + 1]) and _border(chunk[i + 2])):
            i += 1
            continue
        end = _end_of(chunk, i + 3)
        out.append(_read(chunk, i, end, origin))
        i = cut_out(chunk, i, end)
    return out


def _end_of(chunk: Sequence[str], at: int) -> int:
    while at < len(chunk) and (_row(chunk[at]) or _border(chunk[at])):
        at += 1
    return at


def _border(line: str) -> bool:
    body = line.strip()
    return 2 < len(body) < MAX_WIDTH and body[0] == body[-1] == "+" and set(body) <= set("+-=:")


def _row(line: str) -> bool:
    body = line.strip()
    return len(body) < MAX_WIDTH and body.startswith("|") and body.endswith("|")


def _read(chunk: Sequence[str], start: int, end: int, origin: Sequence[int]) -> Table:
    top = chunk[start]
    cuts = [k for k, ch in enumerate(top) if ch == "+"]
    table = Table(origin[start + 1] + 1, tuple(_cells(chunk[start + 1], cuts)))
    for j in range(start + 3, end):
        if _row(chunk[j]):
            table.rows.append(Row(origin[j] + 1, tuple(_cells(chunk[j], cuts))))
    return table


def _cells(line: str, cuts: Sequence[int]) -> list[str]:
    return [line[a + 1 : b].strip(" |") for a, b in pairwise(cuts)]
