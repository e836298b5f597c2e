"""Acceptance: a task is done when its acceptance checks pass, evaluated by the engine
on the plan restricted to those checks and the checks they need."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.models import CheckResult, GitInfo, Status
from gonogo.plan.model import Plan
from gonogo.probes.base import Probe

# `skip` means "not applicable here": nothing left for the task to do about it.
ACCEPTED = (Status.PASS, Status.SKIP)


def restrict(plan: Plan, check_ids: Iterable[str]) -> Plan:
    """The plan with only `check_ids` and, transitively, the checks they `need`.

    Gate requirements and approvals are dropped: acceptance is about the checks."""
    by_id = {c.id: c for c in plan.checks}
    wanted: set[str] = set()
    stack = [c for c in check_ids if c in by_id]
    while stack:
        cid = stack.pop()
        if cid not in wanted:
            wanted.add(cid)
            stack.extend(n for n in by_id[cid].needs if n in by_id)
    gates = tuple(
        replace(g, checks=tuple(c for c in g.checks if c.id in wanted), requires=(), approvals=())
        for g in plan.gates
        if any(c.id in wanted for c in g.checks)
    )
    return replace(plan, gates=gates, tasks=(), escalation=None)


@dataclass(frozen=True, slots=True)
class Acceptance:
    results: tuple[CheckResult, ...]

    @property
    def passed(self) -> bool:
        return all(r.status in ACCEPTED for r in self.results)

    @property
    def failing(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if r.status not in ACCEPTED)

    def summary(self) -> str:
        """One sentence: how many pass, and what the failing ones said."""
        total = len(self.results)
        bad = self.failing
        if not bad:
            return f"acceptance: {total}/{total} checks pass"
        detail = "; ".join(f"{r.check_id} {r.status.value}: {r.message}" for r in bad)
        return f"acceptance: {total - len(bad)}/{total} checks pass; {detail}"


async def evaluate(
    plan: Plan,
    check_ids: Sequence[str],
    root: Path,
    probes: Mapping[str, Probe[Any]],
    environ: Mapping[str, str],
    jobs: int = 4,
) -> Acceptance:
    """Run the acceptance checks (and their needs) against `root` now."""
    sub = restrict(plan, check_ids)
    options = RunOptions(jobs=jobs, environ=environ, git=GitInfo())
    report = await run_plan(sub, root, probes, options)
    wanted = set(check_ids)
    return Acceptance(tuple(r for r in report.checks if r.check_id in wanted))
