"""A whole `gonogo orchestrate` run: lock, fresh or resumed state, recovery of
escalations, cycles (`--every`, `--max-cycles`, early stop when every gate is GO),
the gates' evaluation and `.gonogo/progress.md` after each cycle."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import signal
import socket
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gonogo import atomic
from gonogo.durations import format_duration
from gonogo.engine.breaker import Breakers
from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.errors import InputError
from gonogo.models import GateReport, Verdict
from gonogo.orchestrate import ordering, progress
from gonogo.orchestrate.escalation import JSONL_FILE, Escalator, webhook_from
from gonogo.orchestrate.lock import LOCK_FILE, Holder, OrchestratorLock
from gonogo.orchestrate.runner import LOG_DIR, Orchestrator, Settings
from gonogo.orchestrate.state import (
    STATE_FILE,
    RunState,
    Selection,
    StateStore,
    TaskState,
    TaskStatus,
)
from gonogo.plan.model import Plan
from gonogo.plan.schema import TaskSpec
from gonogo.probes.base import Probe
from gonogo.proc import end_process
from gonogo.redact import for_names

STATE_DIR = ".gonogo"
PROGRESS_FILE = "progress.md"
INTERRUPTED = 130


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class Request:
    root: Path
    plan: Plan
    selection: Selection
    resume: bool = False
    jobs: int = 4
    backoff_s: float | None = None  # overrides the plan's defaults.backoff


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    state: RunState
    tasks: tuple[TaskSpec, ...]


def selected_tasks(plan: Plan, selection: Selection) -> list[TaskSpec]:
    gate = selection.target if selection.mode == "gate" else None
    task = selection.target if selection.mode == "task" else None
    return ordering.order(ordering.select(plan, gate=gate, task=task))


class Session:
    def __init__(
        self,
        req: Request,
        probes: Mapping[str, Probe[Any]],
        environ: Mapping[str, str],
        events: progress.TerminalEvents,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.req = req
        self.probes = probes
        self.environ = environ
        self.events = events
        self.wall = wall
        self.dir = req.root / STATE_DIR

    def run(self) -> Outcome:
        with OrchestratorLock(self.dir / LOCK_FILE) as lock:
            stale = lock.acquire(utc_now())
            if stale is not None:
                state = _stale_state(stale)
                self.events.write(
                    f"· found a stale lock from {stale.describe()} ({state}); taking it over"
                )
            return asyncio.run(self._main())

    def _initial_state(self) -> RunState:
        path = self.dir / STATE_FILE
        previous = StateStore.load(path)
        if self.req.resume:
            if previous is None:
                raise InputError(f"--resume: no saved state at {path}; run without --resume")
            if previous.plan_hash != self.req.plan.hash:
                self.events.write(
                    f"· the plan changed since the saved run ({previous.plan_hash} → "
                    f"{self.req.plan.hash}); task states are kept by id"
                )
            return replace(previous, status="running")
        carried: tuple[Any, ...] = ()
        if previous is not None:
            carried = tuple(e for e in previous.escalations if e.webhook in ("pending", "failed"))
        return RunState(
            run_id=uuid.uuid4().hex,
            plan_hash=self.req.plan.hash,
            selection=self.req.selection,
            started_at=utc_now(),
            escalations=carried,
        )

    async def _main(self) -> Outcome:
        plan = self.req.plan
        store = StateStore(self.dir / STATE_FILE, self._initial_state(), utc_now)
        sel = store.state.selection
        tasks = selected_tasks(plan, sel)
        for note in await _ended(store.state.tasks):
            self.events.write(note)
        store.update(tasks=_normalise(store.state.tasks, tasks))
        escalator = self._escalator(store)
        for note in await escalator.recover():
            self.events.write(f"· {note}")
        stop = _stop_event()
        orch = Orchestrator(
            plan, tasks, store, escalator, self.probes, self._settings(), self.events
        )
        while True:
            if not await self._wait_for_cycle(store, stop):
                return self._finish(store, tasks, [], interrupted=True)
            self.events.write(f"· cycle {store.state.cycle}: {len(tasks)} task(s)")
            interrupted = await orch.run_cycle(stop)
            gates = [] if interrupted else await self._gates(tasks, sel.mode)
            if interrupted:
                return self._finish(store, tasks, gates, interrupted=True)
            if self._last_cycle(store.state, tasks, gates):
                return self._finish(store, tasks, gates, interrupted=False)
            every = sel.every_s or 0.0
            store.update(
                cycle=store.state.cycle + 1,
                next_cycle_at=self.wall() + every,
                tasks={t.id: TaskState() for t in tasks},
            )
            self._write_progress(store.state, tasks, gates)
            self.events.write(f"· next cycle in {format_duration(every)}")

    def _settings(self) -> Settings:
        d = self.req.plan.defaults
        base = d.backoff if self.req.backoff_s is None else self.req.backoff_s
        return Settings(
            root=self.req.root,
            environ=self.environ,
            now=utc_now,
            jobs=self.req.jobs,
            backoff_s=base,
            backoff_max_s=max(base, d.backoff_max),
            log_dir=self.dir / LOG_DIR,
            redactor=for_names(self.req.plan.env_names(), self.environ),
        )

    def _escalator(self, store: StateStore) -> Escalator:
        hook = webhook_from(self.req.plan.escalation, self.environ)
        if hook is not None and hook.warning:
            self.events.write(f"· warning: {hook.warning}")
        s = self._settings()
        b = self.req.plan.defaults.breaker
        return Escalator(
            store,
            self.dir / JSONL_FILE,
            hook,
            wall=self.wall,
            backoff=(s.backoff_s, 4.0),
            breakers=Breakers(b.threshold, b.cooldown),
        )

    async def _wait_for_cycle(self, store: StateStore, stop: asyncio.Event) -> bool:
        """Sleep until the saved next-cycle time (survives a restart); False if stopped."""
        at = store.state.next_cycle_at
        if at is not None:
            delay = max(0.0, at - self.wall())
            try:
                await asyncio.wait_for(stop.wait(), timeout=delay)
                return False
            except TimeoutError:
                pass
            store.update(next_cycle_at=None)
        return not stop.is_set()

    def _last_cycle(self, state: RunState, tasks: list[TaskSpec], gates: list[GateReport]) -> bool:
        sel = state.selection
        if sel.every_s is None:
            return True
        if sel.max_cycles and state.cycle >= sel.max_cycles:
            return True
        if gates:
            return all(g.verdict is Verdict.GO for g in gates)
        return all(state.task(t.id).status is TaskStatus.DONE for t in tasks)

    async def _gates(self, tasks: list[TaskSpec], mode: str) -> list[GateReport]:
        """Evaluate the gates this run is about, for progress.md and the early stop."""
        plan = self.req.plan
        gate_ids = _relevant_gates(plan, tasks, mode)
        if not gate_ids:
            return []
        sub = plan.select(gate_ids)
        options = RunOptions(jobs=self.req.jobs, environ=self.environ, **self._history_options())
        report = await run_plan(sub, self.req.root, self.probes, options)
        return [g for g in report.gates if g.gate_id in gate_ids]

    def _history_options(self) -> dict[str, Any]:
        """The commit and the approvals recorded for it (read-only: nothing is recorded),
        so a gate that lists approvals can count as GO for the early stop."""
        from gonogo.git import git_info
        from gonogo.store import exists, given_approvals, open_reader, store_url

        git = git_info(self.req.root)
        url = store_url(None, self.environ, self.req.root)
        approvals: dict[str, list[str]] = {}
        if git.commit and exists(url):
            # an unreadable history leaves the approvals unmet: such gates stay NO-GO
            with contextlib.suppress(Exception):
                reader = open_reader(url)
                try:
                    approvals = given_approvals(reader, self.req.plan.hash, git.commit)
                finally:
                    reader.close()
        return {"git": git, "approvals": approvals}

    def _finish(
        self,
        store: StateStore,
        tasks: list[TaskSpec],
        gates: list[GateReport],
        *,
        interrupted: bool,
    ) -> Outcome:
        status = "interrupted" if interrupted else "finished"
        state = store.update(status=status)
        self._write_progress(state, tasks, gates)
        if interrupted:
            code = INTERRUPTED
        else:
            code = 0 if all(state.task(t.id).status is TaskStatus.DONE for t in tasks) else 1
        return Outcome(code, state, tuple(tasks))

    def _write_progress(
        self, state: RunState, tasks: list[TaskSpec], gates: list[GateReport]
    ) -> None:
        view = progress.ProgressView(self.req.plan, tasks, state, gates, state.selection.max_cycles)
        atomic.write_text(self.dir / PROGRESS_FILE, progress.render(view), mode=atomic.REPORT_MODE)


async def _ended(tasks: Mapping[str, TaskState]) -> list[str]:
    """Each task recorded as running whose process is still alive (the run before was
    killed): that process and its tree are ended, so the task never runs twice."""
    notes = []
    for tid, st in tasks.items():
        if st.status is TaskStatus.RUNNING and st.pid and await end_process(st.pid, st.pid_start):
            notes.append(
                f"· task {tid}: its process {st.pid} from the interrupted run was still "
                "running; ended it before running the task again"
            )
    return notes


def _stale_state(holder: Holder) -> str:
    if holder.host != socket.gethostname():
        return "started on another host; it no longer holds the lock"
    return "alive but not holding the lock" if holder.alive() else "no longer running"


def _normalise(saved: Mapping[str, TaskState], tasks: list[TaskSpec]) -> dict[str, TaskState]:
    """Resumed states: done and escalated stay; running and blocked start over as pending
    (an interrupted attempt does not count), new tasks are pending."""
    out = {}
    for t in tasks:
        st = saved.get(t.id, TaskState())
        if st.status in (TaskStatus.RUNNING, TaskStatus.BLOCKED):
            st = replace(
                st, status=TaskStatus.PENDING, blockers=(), message="resumed", pid=0, pid_start=""
            )
        out[t.id] = st
    return out


def _relevant_gates(plan: Plan, tasks: list[TaskSpec], mode: str) -> list[str]:
    if mode == "all":
        return [g.id for g in plan.gates]
    gate_of = {c.id: c.gate for c in plan.checks}
    wanted = {gate_of[c] for t in tasks for c in t.acceptance if c in gate_of}
    return [g.id for g in plan.gates if g.id in wanted]


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)
    return stop
