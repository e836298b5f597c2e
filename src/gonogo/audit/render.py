"""Audit output: a terminal summary (rich), JSON (`gonogo.audit/v1`) or Markdown.

What a reader sees first: "N hold, M broken, K open, U unverifiable"; then the broken
claims grouped by section with their reasons, the same finding on several lines shown
once with its lines; then open items; then the rest. `only` keeps one verdict."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gonogo.audit.model import AuditResult, ClaimResult, Verdict

_STYLE = {
    Verdict.HOLDS: "green",
    Verdict.BROKEN: "bold red",
    Verdict.OPEN: "cyan",
    Verdict.UNVERIFIABLE: "yellow",
}
ORDER = (Verdict.BROKEN, Verdict.OPEN, Verdict.UNVERIFIABLE, Verdict.HOLDS)


@dataclass(frozen=True, slots=True)
class Row:
    """One finding as shown: the claim's text and reason, with every line it is on."""

    verdict: Verdict
    section: str
    lines: tuple[int, ...]
    text: str
    reason: str

    @property
    def where(self) -> str:
        return ", ".join(str(n) for n in self.lines)


def rows(result: AuditResult, only: str | None = None) -> list[Row]:
    """Findings in reading order of importance: broken, open, unverifiable, holds; within
    each, by section in report order; identical findings joined."""
    out: list[Row] = []
    for verdict in ORDER:
        if only is not None and str(verdict) != only:
            continue
        picked = [r for r in result.results if r.verdict is verdict]
        out += _grouped(verdict, picked)
    return out


def _grouped(verdict: Verdict, results: Sequence[ClaimResult]) -> list[Row]:
    by_reason: dict[tuple[str, str], list[ClaimResult]] = {}
    for r in results:
        key = (r.reason, "" if verdict is not Verdict.OPEN else r.claim.text)
        by_reason.setdefault(key, []).append(r)
    joined = []
    for (reason, _), group in by_reason.items():
        first = group[0]
        lines = tuple(sorted({g.claim.line for g in group}))
        text = (
            first.claim.text
            if len(group) == 1
            else f"{first.claim.text} (and {len(group) - 1} more)"
        )
        joined.append(Row(verdict, first.claim.section, lines, text, reason))
    order = {s: i for i, s in enumerate(dict.fromkeys(r.claim.section for r in results))}
    return sorted(joined, key=lambda r: (order.get(r.section, 0), r.lines[0]))


def render_json(
    result: AuditResult, *, color: bool = False, width: int = 100, only: str | None = None
) -> str:
    data = result.to_dict()
    if only is not None:
        data["claims"] = [c for c in data["claims"] if c["verdict"] == only]
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_md(
    result: AuditResult, *, color: bool = False, width: int = 100, only: str | None = None
) -> str:
    lines = [f"# Audit of {result.report}", "", f"**{result.summary.sentence()}**", ""]
    lines += [f"> **Warning:** {w}" for w in result.warnings]
    lines += [""] if result.warnings else []
    for verdict in ORDER:
        group = [r for r in rows(result, only) if r.verdict is verdict]
        if not group:
            continue
        lines += [
            f"## {str(verdict).capitalize()} ({len(group)})",
            "",
            "| lines | section | claim | reason |",
            "|---|---|---|---|",
        ]
        lines += [
            f"| {r.where} | {_cell(r.section)} | {_cell(r.text)} | {_cell(r.reason)} |"
            for r in group
        ]
        lines.append("")
    lines += [f"- {note}" for note in result.notes]
    return "\n".join(lines).rstrip("\n") + "\n"


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def render_term(
    result: AuditResult, *, color: bool = False, width: int = 100, only: str | None = None
) -> str:
    from rich.console import Console
    from rich.text import Text

    out = io.StringIO()
    console = Console(
        file=out, width=width, color_system="standard" if color else None, highlight=False
    )
    s = result.summary
    name = Path(result.report).name
    style = "bold red" if s.broken else "bold green"
    console.print(Text(f"{name}: {s.sentence()}", style=style), soft_wrap=True)
    for warning in result.warnings:
        console.print(Text(f"warning: {warning}", style="bold yellow"))
    shown = rows(result, only)
    if not result.results:
        console.print(f"No claims found in {result.report}.")
    for verdict in ORDER:
        group = [r for r in shown if r.verdict is verdict]
        if group:
            _print_group(console, verdict, group)
    for note in result.notes:
        console.print(Text(f"note: {note}"))
    return out.getvalue()


def _print_group(console: object, verdict: Verdict, group: Sequence[Row]) -> None:
    from rich.console import Console
    from rich.text import Text

    assert isinstance(console, Console)
    console.print()
    console.print(Text(f"{str(verdict).upper()} ({len(group)})", style=_STYLE[verdict]))
    section = None
    for r in group:
        if r.section != section:
            section = r.section
            console.print(Text(f"  {section or '(top of the report)'}", style="bold"))
        head = Text(f"    line {r.where}: ", style=_STYLE[verdict])
        head.append(r.text)
        console.print(head)
        if verdict is not Verdict.OPEN:
            console.print(Text(f"      {r.reason}"))


FORMATS: dict[str, Callable[..., str]] = {
    "term": render_term,
    "json": render_json,
    "md": render_md,
}
