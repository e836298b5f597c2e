"""The orchestrator's persisted state: one JSON document under `.gonogo/`, rewritten
atomically on every transition, so a run killed at any instant can be resumed.

This is the orchestrator's own file (`.gonogo/orchestrate.json`, schema
`gonogo.orchestrate/v1`); it moves into the history store once that exists.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gonogo import atomic
from gonogo.errors import InputError

STATE_SCHEMA = "gonogo.orchestrate/v1"
STATE_FILE = "orchestrate.json"
MAX_STATE_BYTES = 32 * 1024 * 1024


class TaskStatus(enum.StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    ESCALATED = "escalated"
    BLOCKED = "blocked"

    @property
    def final(self) -> bool:
        return self in (TaskStatus.DONE, TaskStatus.ESCALATED, TaskStatus.BLOCKED)


@dataclass(frozen=True, slots=True)
class TaskState:
    """Where one task stands. `attempts` counts finished runs of its command."""

    status: TaskStatus = TaskStatus.PENDING
    attempts: int = 0
    ran: bool = False
    message: str = ""
    last_error: str = ""
    blockers: tuple[str, ...] = ()
    updated_at: str = ""
    pid: int = 0  # the running attempt's process (its supervisor), for a resume to end
    pid_start: str = ""  # that process's start time: a reused pid is never killed

    def to_dict(self) -> dict[str, Any]:
        return {
            "pid": self.pid,
            "pid_start": self.pid_start,
            "status": self.status.value,
            "attempts": self.attempts,
            "ran": self.ran,
            "message": self.message,
            "last_error": self.last_error,
            "blockers": list(self.blockers),
            "updated_at": self.updated_at,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TaskState:
        return cls(
            status=TaskStatus(data.get("status", "pending")),
            attempts=int(data.get("attempts", 0)),
            ran=bool(data.get("ran", False)),
            message=str(data.get("message", "")),
            last_error=str(data.get("last_error", "")),
            blockers=tuple(data.get("blockers") or ()),
            updated_at=str(data.get("updated_at", "")),
            pid=int(data.get("pid", 0)),
            pid_start=str(data.get("pid_start", "")),
        )


@dataclass(frozen=True, slots=True)
class Escalation:
    """One escalation: the JSON line in escalations.jsonl and the webhook body.

    `logged` says it reached the JSONL file; `webhook` is `none`, `pending`, `sent`
    or `failed` (with `webhook_error`); pending and failed deliveries are retried on
    resume."""

    record: Mapping[str, Any]
    logged: bool = False
    webhook: str = "none"
    webhook_error: str = ""

    @property
    def id(self) -> str:
        return str(self.record["id"])

    def to_dict(self) -> dict[str, Any]:
        return {
            "record": dict(self.record),
            "logged": self.logged,
            "webhook": self.webhook,
            "webhook_error": self.webhook_error,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Escalation:
        return cls(
            record=dict(data["record"]),
            logged=bool(data.get("logged", False)),
            webhook=str(data.get("webhook", "none")),
            webhook_error=str(data.get("webhook_error", "")),
        )


@dataclass(frozen=True, slots=True)
class Selection:
    """What the run covers and how often it repeats (restored by `--resume`)."""

    mode: str = "all"  # all | gate | task
    target: str | None = None
    every_s: float | None = None
    max_cycles: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "target": self.target,
            "every_s": self.every_s,
            "max_cycles": self.max_cycles,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Selection:
        return cls(
            str(data.get("mode", "all")),
            data.get("target"),
            data.get("every_s"),
            data.get("max_cycles"),
        )


@dataclass(frozen=True, slots=True)
class RunState:
    run_id: str
    plan_hash: str
    selection: Selection
    started_at: str
    status: str = "running"  # running | interrupted | finished
    cycle: int = 1
    next_cycle_at: float | None = None  # epoch seconds; set while waiting between cycles
    tasks: Mapping[str, TaskState] = field(default_factory=dict)
    escalations: tuple[Escalation, ...] = ()
    updated_at: str = ""

    def task(self, task_id: str) -> TaskState:
        return self.tasks.get(task_id, TaskState())

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": STATE_SCHEMA,
            "run_id": self.run_id,
            "plan_hash": self.plan_hash,
            "selection": self.selection.to_dict(),
            "started_at": self.started_at,
            "updated_at": self.updated_at,
            "status": self.status,
            "cycle": self.cycle,
            "next_cycle_at": self.next_cycle_at,
            "tasks": {k: v.to_dict() for k, v in self.tasks.items()},
            "escalations": [e.to_dict() for e in self.escalations],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> RunState:
        if data.get("schema") != STATE_SCHEMA:
            raise ValueError(f"schema is {data.get('schema')!r}, expected {STATE_SCHEMA!r}")
        return cls(
            run_id=str(data["run_id"]),
            plan_hash=str(data.get("plan_hash", "")),
            selection=Selection.from_dict(data.get("selection") or {}),
            started_at=str(data.get("started_at", "")),
            status=str(data.get("status", "running")),
            cycle=int(data.get("cycle", 1)),
            next_cycle_at=data.get("next_cycle_at"),
            tasks={k: TaskState.from_dict(v) for k, v in (data.get("tasks") or {}).items()},
            escalations=tuple(Escalation.from_dict(e) for e in data.get("escalations") or ()),
            updated_at=str(data.get("updated_at", "")),
        )


class StateStore:
    """Holds the current `RunState` and writes it atomically on every change."""

    def __init__(self, path: Path, state: RunState, now: Callable[[], str]) -> None:
        self.path = path
        self.state = state
        self._now = now

    @staticmethod
    def load(path: Path) -> RunState | None:
        """The saved state, None when there is none; a damaged file is a clear error."""
        data = atomic.read_state(path, MAX_STATE_BYTES + 1)
        if data is None:
            return None
        if len(data) > MAX_STATE_BYTES:
            raise InputError(f"{path} is larger than {MAX_STATE_BYTES:,} bytes")
        try:
            return RunState.from_dict(json.loads(data))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(
                f"{path} is not a readable orchestrator state ({exc}); move it away to start over"
            ) from None

    def save(self, state: RunState, *, durable: bool = True) -> RunState:
        """Replace the file atomically. `durable` also fsyncs, so the change survives a
        power cut; without it the change still survives a killed process (the
        rename is atomic), which is enough for transitions a resume does not rely on."""
        self.state = replace(state, updated_at=self._now())
        # compact: json's C encoder is used only without `indent` (10x faster on big states)
        data = (json.dumps(self.state.to_dict(), separators=(",", ":")) + "\n").encode()
        atomic.write_bytes(self.path, data, mode=atomic.STATE_MODE, durable=durable)
        return self.state

    def set_task(self, task_id: str, *, durable: bool = True, **changes: Any) -> TaskState:
        current = self.state.task(task_id)
        new = replace(current, updated_at=self._now(), **changes)
        self.save(replace(self.state, tasks={**self.state.tasks, task_id: new}), durable=durable)
        return new

    def update(self, **changes: Any) -> RunState:
        return self.save(replace(self.state, **changes))

    def add_escalation(
        self, entry: Escalation, task_id: str | None = None, **task_changes: Any
    ) -> None:
        """Record an escalation and, in the same write, the escalated task's new state:
        a crash can never leave one without the other."""
        tasks = dict(self.state.tasks)
        if task_id is not None:
            tasks[task_id] = replace(
                self.state.task(task_id), updated_at=self._now(), **task_changes
            )
        escalations = (*self.state.escalations, entry)
        self.save(replace(self.state, tasks=tasks, escalations=escalations))

    def set_escalation(self, esc_id: str, **changes: Any) -> None:
        out = tuple(replace(e, **changes) if e.id == esc_id else e for e in self.state.escalations)
        self.save(replace(self.state, escalations=out))
