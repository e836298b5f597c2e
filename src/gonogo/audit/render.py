"""Audit output: a terminal table (rich), JSON (`gonogo.audit/v1`) or Markdown."""

from __future__ import annotations

import io
import json
from collections.abc import Callable

from gonogo.audit.model import AuditResult, ClaimResult, Verdict

_STYLE = {Verdict.HOLDS: "green", Verdict.BROKEN: "bold red", Verdict.UNVERIFIABLE: "yellow"}


def render_json(result: AuditResult, *, color: bool = False, width: int = 100) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_md(result: AuditResult, *, color: bool = False, width: int = 100) -> str:
    lines = [
        f"# Audit of {result.report}",
        "",
        f"**{result.summary.sentence()}**",
        "",
        "| line | verdict | source | claim | reason |",
        "|---:|---|---|---|---|",
    ]
    lines += [
        f"| {r.claim.line} | {r.verdict} | {r.claim.source} | {_cell(r.claim.text)} "
        f"| {_cell(r.reason)} |"
        for r in result.results
    ]
    lines += ["", *[f"- {note}" for note in result.notes]] if result.notes else []
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_term(result: AuditResult, *, color: bool = False, width: int = 100) -> str:
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out, width=width, color_system="standard" if color else None, highlight=False
    )
    table = Table(title=f"Claims of {result.report}", expand=False, show_lines=False)
    table.add_column("line", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("claim", ratio=3)
    table.add_column("reason", ratio=4)
    for r in _ordered(result):
        table.add_row(
            str(r.claim.line),
            Text(str(r.verdict), style=_STYLE[r.verdict]),
            Text(r.claim.text),
            Text(r.reason),
        )
    if result.results:
        console.print(table)
    else:
        console.print(f"No claims found in {result.report}.")
    for note in result.notes:
        console.print(Text(f"note: {note}"))
    s = result.summary
    style = "bold red" if s.broken else "bold green"
    console.print(Text(s.sentence(), style=style))
    return out.getvalue()


def _ordered(result: AuditResult) -> list[ClaimResult]:
    return list(result.results)


FORMATS: dict[str, Callable[..., str]] = {
    "term": render_term,
    "json": render_json,
    "md": render_md,
}
