"""Terminal dashboard: per-gate table, blockers by priority, a one-line verdict."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from gonogo.durations import format_duration
from gonogo.models import RunReport, Status, Verdict
from gonogo.report import RenderOptions
from gonogo.report.common import blockers, gate_rate, summary_line
from gonogo.safetext import printable as _p

STYLES = {
    Status.PASS: "green",
    Status.FAIL: "red",
    Status.ERROR: "magenta",
    Status.BLOCKED: "yellow",
    Status.SKIP: "dim",
    Status.WAIVED: "cyan",
}
MARKS = {
    Status.PASS: "PASS",
    Status.FAIL: "FAIL",
    Status.ERROR: "ERROR",
    Status.BLOCKED: "BLOCKED",
    Status.SKIP: "SKIP",
    Status.WAIVED: "WAIVED",
}


def render(report: RunReport, options: RenderOptions) -> str:
    buf = io.StringIO()
    console = Console(
        file=buf,
        width=options.width,
        color_system="standard" if options.color else None,
        force_terminal=options.color,
        no_color=not options.color,
        highlight=False,
        markup=False,
        emoji=False,
    )
    console.print(dashboard(report, verbose=bool(options.extra.get("verbose"))))
    return buf.getvalue()


def dashboard(report: RunReport, *, verbose: bool = False) -> RenderableType:
    parts: list[RenderableType] = [_header(report), _gates(report)]
    parts.append(_checks(report, verbose))
    bad = blockers(report)
    if bad:
        parts.append(_blockers(report))
    for note in report.notes:
        parts.append(Text(f"note: {_p(note)}", style="yellow"))
    parts.append(_verdict(report))
    return Group(*parts)


def _header(report: RunReport) -> Text:
    text = Text(f"gonogo · {_p(report.project)}", style="bold")
    if report.git.commit:
        dirty = ", dirty" if report.git.dirty else ""
        text.append(f" · {_p(report.git.branch or 'detached')}@{report.git.commit[:8]}{dirty}")
    text.append(f" · {format_duration(report.duration_s)}")
    return text


def _gates(report: RunReport) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    for col in ("gate", "verdict", "pass rate", "threshold", "approvals", "why"):
        table.add_column(col, overflow="fold")
    for g in report.gates:
        style = "bold green" if g.verdict is Verdict.GO else "bold red"
        approvals = (
            f"{len(g.approvals_given)}/{len(g.approvals_required)}" if g.approvals_required else "-"
        )
        table.add_row(
            _p(g.gate_id),
            Text(g.verdict.value, style=style),
            gate_rate(g),
            f"{g.threshold:g}%",
            approvals,
            _p("; ".join(g.reasons)),
        )
    return table


def _checks(report: RunReport, verbose: bool) -> Table:
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for col in ("", "check", "gate", "prio", "result", "time"):
        table.add_column(col, overflow="fold")
    for c in report.checks:
        if not verbose and c.status is Status.PASS and len(report.checks) > 40:
            continue
        flaky = " (flaky)" if c.flaky else ""
        table.add_row(
            Text(MARKS[c.status], style=STYLES[c.status]),
            _p(c.check_id),
            _p(c.gate),
            c.priority,
            _p(c.message) + flaky,
            format_duration(c.duration_s),
        )
    return table


def _blockers(report: RunReport) -> Group:
    lines: list[RenderableType] = [Text("Blockers", style="bold")]
    for c in blockers(report):
        owner = f" [{_p(c.owner)}]" if c.owner else ""
        line = Text(f"  {c.priority} ", style="bold")
        line.append(_p(c.check_id), style=STYLES[c.status])
        line.append(f"{owner}: {_p(c.message)}")
        lines.append(line)
        for f in c.findings[:3]:
            where = f"{f.path}:{f.line}" if f.path and f.line else (f.path or "")
            lines.append(Text(f"      {_p(where)} {_p(f.message)}", style="dim"))
        if len(c.findings) > 3:
            lines.append(Text(f"      … {len(c.findings) - 3} more", style="dim"))
    return Group(*lines)


def _verdict(report: RunReport) -> Text:
    style = "bold white on green" if report.verdict is Verdict.GO else "bold white on red"
    text = Text(f" {report.verdict.value} ", style=style)
    text.append(" " + _p(summary_line(report).split(": ", 1)[1]))
    return text
