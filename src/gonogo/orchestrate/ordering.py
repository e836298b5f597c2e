"""Which tasks a run covers and in what order: dependencies first, then priority
(a dependency inherits the priority of the most urgent task waiting on it), then
plan order. Pure functions of the plan's tasks and their states."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Mapping, Sequence

from gonogo.errors import PlanError, SelectionError
from gonogo.models import priority_rank
from gonogo.orchestrate.state import TaskState, TaskStatus
from gonogo.plan.model import Plan
from gonogo.plan.schema import TaskSpec

_FAILED = (TaskStatus.ESCALATED, TaskStatus.BLOCKED)


def select(plan: Plan, *, gate: str | None = None, task: str | None = None) -> tuple[TaskSpec, ...]:
    """Every task (mode all); the tasks whose acceptance checks belong to `gate`; or
    `task` alone; each with the tasks it depends on, transitively. Plan order kept."""
    tasks = plan.tasks
    by_id = {t.id: t for t in tasks}
    if task is not None:
        if task not in by_id:
            raise SelectionError(
                f"--task {task}: no such task in {plan.source}; tasks: {_ids(tasks)}"
            )
        roots = [task]
    elif gate is not None:
        gates = {g.id: g for g in plan.gates}
        if gate not in gates:
            raise SelectionError(
                f"--gate {gate}: no such gate in {plan.source}; gates: {_ids(plan.gates)}"
            )
        in_gate = {c.id for c in gates[gate].checks}
        roots = [t.id for t in tasks if in_gate & set(t.acceptance)]
        if not roots:
            raise SelectionError(
                f"--gate {gate}: no task lists an acceptance check of this gate "
                f"(its checks: {', '.join(sorted(in_gate)) or 'none'})"
            )
    else:
        return tuple(tasks)
    wanted = _closure(roots, by_id)
    return tuple(t for t in tasks if t.id in wanted)


def _ids(items: Iterable[object]) -> str:
    return ", ".join(str(getattr(i, "id", i)) for i in items) or "none"


def _closure(roots: Iterable[str], by_id: Mapping[str, TaskSpec]) -> set[str]:
    wanted: set[str] = set()
    stack = list(roots)
    while stack:
        tid = stack.pop()
        if tid not in wanted:
            wanted.add(tid)
            stack.extend(by_id[tid].depends_on)
    return wanted


def effective_rank(tasks: Sequence[TaskSpec]) -> dict[str, int]:
    """A task's rank is the most urgent of its own and of every task waiting on it:
    the P3 task a P0 depends on is on the P0's critical path, so it runs as a P0."""
    rank = {t.id: priority_rank(t.priority) for t in tasks}
    changed = True
    while changed:  # the graph is acyclic: this settles in at most len(tasks) passes
        changed = False
        for t in tasks:
            for dep in t.depends_on:
                if dep in rank and rank[t.id] < rank[dep]:
                    rank[dep] = rank[t.id]
                    changed = True
    return rank


def _keys(tasks: Sequence[TaskSpec]) -> dict[str, tuple[int, int]]:
    rank = effective_rank(tasks)
    return {t.id: (rank[t.id], i) for i, t in enumerate(tasks)}


def order(tasks: Sequence[TaskSpec]) -> list[TaskSpec]:
    """A topological order that always takes the most urgent ready task next.

    The loader rejects cycles; a cycle reaching here is reported, not looped on."""
    key = _keys(tasks)
    by_id = {t.id: t for t in tasks}
    waiting = {t.id: {d for d in t.depends_on if d in by_id} for t in tasks}
    heap = [(key[t.id], t.id) for t in tasks if not waiting[t.id]]
    heapq.heapify(heap)
    out: list[TaskSpec] = []
    while heap:
        _, tid = heapq.heappop(heap)
        out.append(by_id[tid])
        for other, deps in waiting.items():
            if tid in deps:
                deps.discard(tid)
                if not deps:
                    heapq.heappush(heap, (key[other], other))
    if len(out) != len(tasks):
        stuck = sorted(set(by_id) - {t.id for t in out})
        raise PlanError(f"tasks {', '.join(stuck)} depend on each other in a cycle")
    return out


def ready(tasks: Sequence[TaskSpec], states: Mapping[str, TaskState]) -> list[TaskSpec]:
    """Pending tasks whose dependencies (within the run) are all done, most urgent first."""
    ids = {t.id for t in tasks}
    key = _keys(tasks)

    def status(tid: str) -> TaskStatus:
        return states.get(tid, TaskState()).status

    out = [
        t
        for t in tasks
        if status(t.id) is TaskStatus.PENDING
        and all(status(d) is TaskStatus.DONE for d in t.depends_on if d in ids)
    ]
    return sorted(out, key=lambda t: key[t.id])


def blockers(task: TaskSpec, states: Mapping[str, TaskState]) -> list[str]:
    """The dependencies that failed (escalated) or are themselves blocked."""
    return [d for d in task.depends_on if d in states and states[d].status in _FAILED]


def dependents(task_id: str, tasks: Sequence[TaskSpec]) -> list[str]:
    """Tasks that wait on `task_id`, directly or transitively."""
    out: list[str] = []
    frontier = {task_id}
    while frontier:
        nxt = {t.id for t in tasks if frontier & set(t.depends_on) and t.id not in out}
        out.extend(sorted(nxt - set(out)))
        frontier = nxt
    return out
