"""Progress: one line per transition on the terminal, and `.gonogo/progress.md` each
cycle (completion by priority and by gate, escalations, what runs next), measured
from the state and the gates' latest evaluation, never typed by hand."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TextIO

from gonogo.models import PRIORITIES, GateReport
from gonogo.orchestrate.state import RunState, TaskStatus
from gonogo.plan.model import Plan
from gonogo.plan.schema import TaskSpec
from gonogo.report.common import rate_text

_MARK = {
    "run": "▶",
    "retry": "↻",
    "done": "✓",
    "escalated": "✗",
    "blocked": "⊘",
    "note": "·",
}


class TerminalEvents:
    """Writes `HH:MM:SS ✓ [P0] harden: done after 1 attempt(s)` lines to a stream."""

    def __init__(self, stream: TextIO | None = None, clock: Callable[[], str] | None = None):
        self.stream = stream or sys.stderr
        self.clock = clock or (lambda: dt.datetime.now().strftime("%H:%M:%S"))

    def event(self, task: TaskSpec, kind: str, message: str) -> None:
        mark = _MARK.get(kind, "·")
        self.write(f"{mark} [{task.priority}] {task.id}: {message}")

    def write(self, text: str) -> None:
        self.stream.write(f"{self.clock()} {text}\n")
        self.stream.flush()


@dataclass(frozen=True, slots=True)
class ProgressView:
    plan: Plan
    tasks: Sequence[TaskSpec]  # the run's tasks, in run order
    state: RunState
    gates: Sequence[GateReport]  # the latest evaluation of the relevant gates
    max_cycles: int | None = None


def bar(done: int, total: int, width: int = 10) -> str:
    filled = round(width * done / total) if total else 0
    return "█" * filled + "░" * (width - filled)


def _pct(done: int, total: int) -> str:
    return f"{100 * done / total:.0f}%" if total else "n/a"


def _cell(text: str, limit: int = 120) -> str:
    text = " ".join(text.split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def render(view: ProgressView) -> str:
    s = view.state
    cycles = f" of {view.max_cycles}" if view.max_cycles else ""
    done = sum(s.task(t.id).status is TaskStatus.DONE for t in view.tasks)
    total = len(view.tasks)
    lines = [
        f"# Remediation progress: {view.plan.project}",
        "",
        f"Run `{s.run_id[:12]}`, cycle {s.cycle}{cycles}, {s.status}; updated {s.updated_at}. "
        f"Plan `{view.plan.source}` ({view.plan.hash or 'no hash'}).",
        "",
        f"**{done}/{total} tasks done ({_pct(done, total)})** `{bar(done, total)}`",
        "",
    ]
    lines += _by_priority(view)
    lines += _by_gate(view)
    lines += _tasks(view)
    lines += _escalations(view)
    lines += _next(view)
    return "\n".join(lines).rstrip() + "\n"


def _by_priority(view: ProgressView) -> list[str]:
    out = [
        "## Completion by priority",
        "",
        "| priority | done | total | progress |",
        "|---|---|---|---|",
    ]
    for p in PRIORITIES:
        group = [t for t in view.tasks if t.priority == p]
        if group:
            n = sum(view.state.task(t.id).status is TaskStatus.DONE for t in group)
            out.append(
                f"| {p} | {n} | {len(group)} | `{bar(n, len(group))}` {_pct(n, len(group))} |"
            )
    return [*out, ""]


def _by_gate(view: ProgressView) -> list[str]:
    if not view.gates:
        return []
    gate_of = {c.id: c.gate for c in view.plan.checks}
    out = [
        "## Gates (measured at the end of the cycle)",
        "",
        "| gate | verdict | pass rate | tasks done | blockers |",
        "|---|---|---|---|---|",
    ]
    for g in view.gates:
        group = [t for t in view.tasks if any(gate_of.get(c) == g.gate_id for c in t.acceptance)]
        n = sum(view.state.task(t.id).status is TaskStatus.DONE for t in group)
        rate = rate_text(g.pass_rate)
        blockers = ", ".join(g.blockers) or "none"
        out.append(
            f"| {_cell(g.title)} | {g.verdict.value} | {rate} | {n}/{len(group)} | "
            f"{_cell(blockers)} |"
        )
    return [*out, ""]


def _tasks(view: ProgressView) -> list[str]:
    out = [
        "## Tasks",
        "",
        "| # | task | priority | status | attempts | note |",
        "|---|---|---|---|---|---|",
    ]
    for i, t in enumerate(view.tasks, 1):
        st = view.state.task(t.id)
        note = st.last_error if st.status is TaskStatus.ESCALATED else st.message
        out.append(
            f"| {i} | {_label(t)} | {t.priority} | {st.status.value} "
            f"| {st.attempts} | {_cell(note)} |"
        )
    return [*out, ""]


def _label(task: TaskSpec) -> str:
    return f"{_cell(task.title)} (`{task.id}`)" if task.title else f"`{task.id}`"


def _escalations(view: ProgressView) -> list[str]:
    escalations = view.state.escalations
    if not escalations:
        return ["## Escalations", "", "None.", ""]
    out = [
        "## Escalations",
        "",
        "| time | task | priority | attempts | last error | webhook |",
        "|---|---|---|---|---|---|",
    ]
    for e in escalations:
        r = e.record
        hook = e.webhook + (f" ({_cell(e.webhook_error, 80)})" if e.webhook_error else "")
        out.append(
            f"| {r.get('timestamp')} | `{r.get('task_id')}` | {r.get('priority')} "
            f"| {r.get('attempts')} | {_cell(str(r.get('last_error', '')))} | {hook} |"
        )
    return [*out, ""]


def _next(view: ProgressView) -> list[str]:
    s = view.state
    out = ["## Next", ""]
    pending = [t for t in view.tasks if s.task(t.id).status is not TaskStatus.DONE]
    for t in pending:
        st = s.task(t.id)
        if st.status is TaskStatus.ESCALATED:
            what = f"needs a human ({st.message})"
        elif st.status is TaskStatus.BLOCKED:
            what = f"waits for {', '.join(st.blockers)}"
        else:
            what = "runs " + (_shown(t) if t.run is not None else "acceptance checks only")
        out.append(f"- [{t.priority}] `{t.id}`: {_cell(what)}")
    if not pending:
        out.append("- Nothing: every task is done.")
    if s.next_cycle_at is not None:
        at = dt.datetime.fromtimestamp(s.next_cycle_at, dt.UTC).isoformat(timespec="seconds")
        out.append(f"- Next cycle at {at.replace('+00:00', 'Z')}.")
    return [*out, ""]


def _shown(task: TaskSpec, limit: int = 80) -> str:
    import shlex

    text = task.run if isinstance(task.run, str) else shlex.join(task.run or [])
    return f"`{text if len(text) <= limit else text[: limit - 1] + '…'}`"


def plan_lines(tasks: Sequence[TaskSpec]) -> list[str]:
    """The `--dry-run` listing: run order, what each task would run, and after what."""
    out = []
    for i, t in enumerate(tasks, 1):
        parts = [f"{i:>3}. [{t.priority}] {t.id}"]
        if t.title:
            parts.append(f"({t.title})")
        run = _shown(t, 200) if t.run is not None else "nothing (manual task)"
        parts.append(f"\n       run: {run}, timeout {t.timeout:g}s, retries {t.retries}")
        if t.acceptance:
            parts.append(f"\n       done when: {', '.join(t.acceptance)} pass")
        if t.depends_on:
            parts.append(f"\n       after: {', '.join(t.depends_on)}")
        out.append(" ".join(parts).replace(" \n", "\n"))
    return out
