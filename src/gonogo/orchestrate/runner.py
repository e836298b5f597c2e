"""One orchestration cycle: drive every selected task to done, escalated or blocked.

A task is first judged by its acceptance checks (already done: nothing runs). Else its
command runs in its own process group, killed at the task's timeout; then acceptance
is evaluated again. A failure is retried with exponential backoff and jitter; after
the last attempt the task is escalated, tasks that depend on it become `blocked`, and
independent tasks go on. At most `jobs` tasks are in flight at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from gonogo import atomic
from gonogo.durations import format_duration
from gonogo.engine.scheduler import backoff_s
from gonogo.fs.index import FileIndex
from gonogo.orchestrate import ordering
from gonogo.orchestrate.acceptance import Acceptance, evaluate
from gonogo.orchestrate.escalation import Escalator
from gonogo.orchestrate.state import StateStore, TaskStatus
from gonogo.plan.model import Plan
from gonogo.plan.schema import TaskSpec
from gonogo.probes.base import Context, Probe
from gonogo.probes.command import argv_of, clean_env
from gonogo.proc import run_process, start_time
from gonogo.redact import Redactor

LOG_DIR = "tasks"
LOG_ROTATE_BYTES = 4 * 1024 * 1024


def shown_command(task: TaskSpec, limit: int = 80) -> str:
    """The task's command as a short, shell-quoted line for messages."""
    import shlex

    text = task.run if isinstance(task.run, str) else shlex.join(task.run or [])
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Events(Protocol):
    """Receives every transition, for live progress on the terminal."""

    def event(self, task: TaskSpec, kind: str, message: str) -> None: ...


@dataclass(frozen=True)
class Settings:
    root: Path
    environ: Mapping[str, str]
    now: Callable[[], str]
    jobs: int = 4
    backoff_s: float = 0.5
    backoff_max_s: float = 8.0
    jitter: Callable[[], float] = random.random
    sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    log_dir: Path | None = None
    redactor: Redactor = field(default_factory=Redactor)  # the plan's variables, detectors


class Orchestrator:
    def __init__(
        self,
        plan: Plan,
        tasks: Sequence[TaskSpec],
        store: StateStore,
        escalator: Escalator,
        probes: Mapping[str, Probe[Any]],
        settings: Settings,
        events: Events,
    ) -> None:
        self.plan = plan
        self.tasks = ordering.order(tasks)
        self.store = store
        self.escalator = escalator
        self.probes = probes
        self.settings = settings
        self.events = events

    async def run_cycle(self, stop: asyncio.Event) -> bool:
        """Run until no task can move; True when `stop` interrupted the cycle."""
        running: dict[asyncio.Task[None], str] = {}
        stopper: asyncio.Future[Any] = asyncio.ensure_future(stop.wait())
        try:
            while True:
                self._block_dependents()
                self._start_ready(running)
                if not running:
                    return False
                waiting: set[asyncio.Future[Any]] = {*running, stopper}
                done, _ = await asyncio.wait(waiting, return_when="FIRST_COMPLETED")
                if stopper in done:
                    await self._cancel(running)
                    return True
                for finished in [t for t in running if t in done]:
                    running.pop(finished)
                    finished.result()
        except BaseException:
            await self._cancel(running)
            raise
        finally:
            stopper.cancel()

    def _start_ready(self, running: dict[asyncio.Task[None], str]) -> None:
        slots = self.settings.jobs - len(running)
        for task in ordering.ready(self.tasks, self.store.state.tasks):
            if slots <= 0:
                return
            self.store.set_task(
                task.id, status=TaskStatus.RUNNING, message="starting", durable=False
            )
            running[asyncio.create_task(self._drive(task))] = task.id
            slots -= 1

    async def _cancel(self, running: dict[asyncio.Task[None], str]) -> None:
        for t in running:
            t.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for tid in running.values():
            if self.store.state.task(tid).status is TaskStatus.RUNNING:
                self.store.set_task(tid, status=TaskStatus.PENDING, message="interrupted")
        running.clear()

    def _block_dependents(self) -> None:
        changed = True
        while changed:
            changed = False
            for task in self.tasks:
                state = self.store.state.task(task.id)
                bad = ordering.blockers(task, self.store.state.tasks)
                if state.status is TaskStatus.PENDING and bad:
                    msg = f"blocked by {', '.join(bad)}"
                    self.store.set_task(
                        task.id, status=TaskStatus.BLOCKED, blockers=tuple(bad), message=msg
                    )
                    self.events.event(task, "blocked", msg)
                    changed = True

    async def _drive(self, task: TaskSpec) -> None:
        failure = ""
        blocking: tuple[str, ...] = ()
        if task.acceptance:
            acc = await self._accept(task)
            if acc.passed:
                return self._done(task, f"{acc.summary()} before any run", ran=False)
            failure, blocking = acc.summary(), tuple(r.check_id for r in acc.failing)
        if task.run is None:
            return await self._escalate(task, failure, blocking, "manual task: nothing to run")
        await self._attempts(task)

    async def _attempts(self, task: TaskSpec) -> None:
        limit = task.retries + 1
        attempts = self.store.state.task(task.id).attempts  # finished ones survive a crash
        error = self.store.state.task(task.id).last_error
        blocking: tuple[str, ...] = ()
        while attempts < limit:
            attempt = attempts + 1
            blocking = ()
            self.events.event(task, "run", f"attempt {attempt}/{limit}")
            msg = f"attempt {attempt}/{limit} running"
            self.store.set_task(task.id, message=msg, durable=False)
            error = await self._run_command(task, attempt)
            if not error and task.acceptance:
                acc = await self._accept(task)
                if not acc.passed:
                    error, blocking = acc.summary(), tuple(r.check_id for r in acc.failing)
            attempts = attempt
            if not error:
                return self._done(task, f"done after {attempts} attempt(s)", attempts=attempts)
            self.store.set_task(task.id, attempts=attempts, ran=True, last_error=error)
            if attempts < limit:
                s = self.settings
                delay = backoff_s(attempts, s.backoff_s, s.backoff_max_s, s.jitter)
                self.events.event(task, "retry", f"{error}; retry in {format_duration(delay)}")
                await s.sleep(delay)
        await self._escalate(task, error, blocking, f"gave up after {attempts} attempt(s)")

    async def _accept(self, task: TaskSpec) -> Acceptance:
        s = self.settings
        return await evaluate(self.plan, task.acceptance, s.root, self.probes, s.environ)

    def _done(self, task: TaskSpec, message: str, *, ran: bool = True, attempts: int = -1) -> None:
        changes: dict[str, Any] = {"status": TaskStatus.DONE, "message": message, "ran": ran}
        if attempts >= 0:
            changes["attempts"] = attempts
        self.store.set_task(task.id, **changes)
        self.events.event(task, "done", message)

    async def _escalate(
        self, task: TaskSpec, error: str, blocking: tuple[str, ...], why: str
    ) -> None:
        state = self.store.state
        record = {
            "id": uuid.uuid4().hex,
            "timestamp": self.settings.now(),
            "project": self.plan.project,
            "run_id": state.run_id,
            "cycle": state.cycle,
            "task_id": task.id,
            "title": task.title or task.id,
            "priority": task.priority,
            "owner": task.owner,
            "blockers": list(blocking),
            "blocks": ordering.dependents(task.id, self.tasks),
            "attempts": state.task(task.id).attempts,
            "last_error": error,
            "reason": why,
            "requires_human": True,
        }
        self.events.event(task, "escalated", f"{why}: {error}")
        await self.escalator.escalate(
            record, task.id, status=TaskStatus.ESCALATED, message=why, last_error=error
        )

    async def _run_command(self, task: TaskSpec, attempt: int) -> str:
        """Run the task's command once; "" on exit 0, else what went wrong."""
        root = self.settings.root
        s = self.settings
        ctx = Context(root, FileIndex(root), s.environ, task.timeout, task.id, redactor=s.redactor)
        shown = shown_command(task)
        argv = [shown]
        cwd = (root / (task.cwd or ".")).resolve()
        if not cwd.is_relative_to(root.resolve()):
            return f"cwd {task.cwd} is outside the project root"
        try:
            argv = argv_of(ctx, task.run if task.run is not None else [])
            env = clean_env(ctx, dict(task.env), [])
            env.update(GONOGO_TASK=task.id, GONOGO_ATTEMPT=str(attempt))
            async with asyncio.timeout(task.timeout):
                done = await run_process(
                    argv, cwd=str(cwd), env=env, contain=True, started=self._started(task)
                )
        except TimeoutError:
            return f"`{shown}` timed out after {format_duration(task.timeout)} and was killed"
        except LookupError as exc:
            return f"`{shown}`: {exc}"
        except FileNotFoundError:
            return ctx.redact(f"`{shown}`: program {argv[0]!r} not found")
        except OSError as exc:
            return f"`{shown}` could not start: {exc.strerror or exc}"
        out, err = ctx.redact(done.stdout), ctx.redact(done.stderr)
        self._log(task, attempt, ctx.redact(shown), done.exit_code, out, err)
        if done.exit_code == 0:
            return ""
        tail = (err or out).strip().splitlines()[-1:] or [""]
        detail = f": {tail[0][:200]}" if tail[0] else ""
        return f"`{ctx.redact(shown)}` exited {done.exit_code}{detail}"

    def _started(self, task: TaskSpec) -> Callable[[int], None]:
        """Records the attempt's process, on disk before it runs on: after a crash,
        `--resume` ends it before running the task again."""

        def record(pid: int) -> None:
            self.store.set_task(task.id, pid=pid, pid_start=start_time(pid))

        return record

    def _log(self, task: TaskSpec, attempt: int, shown: str, code: int, out: str, err: str) -> None:
        """Append the attempt's output to `.gonogo/tasks/<id>.log` (0600, never through a
        symlink)."""
        if self.settings.log_dir is None:
            return
        path = self.settings.log_dir / f"{task.id}.log"
        head = f"=== {self.settings.now()} attempt {attempt}: {shown} -> exit {code}\n"
        text = head + out + ("\n--- stderr\n" + err if err else "") + "\n"
        with contextlib.suppress(FileNotFoundError):
            if path.lstat().st_size > LOG_ROTATE_BYTES:
                path.replace(path.with_suffix(".log.1"))  # keep one older log
        fd = atomic.open_state(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        with os.fdopen(fd, "a", encoding="utf-8") as fh:  # a refused link stops the run
            fh.write(text)
