"""The resolved plan the engine runs: frozen, params validated, durations in seconds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from gonogo.plan.schema import CompareSpec, Defaults, EscalationSpec, ScoreSpec, TaskSpec, When
from gonogo.probes.base import Params


@dataclass(frozen=True, slots=True)
class Check:
    id: str
    gate: str
    kind: str
    params: Params
    priority: str = "P2"
    owner: str | None = None
    needs: tuple[str, ...] = ()
    timeout_s: float = 30.0
    retries: int = 0
    tags: tuple[str, ...] = ()
    description: str | None = None
    when: When | None = None
    compare: CompareSpec | None = None
    weight: float | None = None  # None: not set in the plan (counts as 1 in a score)


@dataclass(frozen=True, slots=True)
class Gate:
    id: str
    title: str
    checks: tuple[Check, ...]
    threshold: float = 100.0
    requires: tuple[str, ...] = ()
    approvals: tuple[str, ...] = ()
    owner: str | None = None
    description: str | None = None
    score: ScoreSpec | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    check: str
    reason: str
    owner: str
    expires: dt.date

    def active(self, today: dt.date) -> bool:
        return today <= self.expires

    def to_dict(self) -> dict[str, Any]:
        return {"reason": self.reason, "owner": self.owner, "expires": self.expires.isoformat()}


@dataclass(frozen=True, slots=True)
class Plan:
    project: str
    gates: tuple[Gate, ...]
    defaults: Defaults = field(default_factory=Defaults)
    pass_rate: float = 100.0
    tasks: tuple[TaskSpec, ...] = ()
    escalation: EscalationSpec | None = None
    waivers: tuple[Waiver, ...] = ()
    source: str = ""
    hash: str = ""

    def env_names(self) -> set[str]:
        """Environment variables the plan hands to checks, tasks and webhooks (`pass_env`,
        `${VAR}`, `secret_env`): their values are masked in every output."""
        from gonogo.redact import env_names

        parts: list[Any] = [c.params for c in self.checks]
        return env_names([*parts, *self.tasks, self.escalation])

    @property
    def checks(self) -> tuple[Check, ...]:
        return tuple(c for g in self.gates for c in g.checks)

    def check(self, check_id: str) -> Check:
        return next(c for c in self.checks if c.id == check_id)

    def gate(self, gate_id: str) -> Gate:
        return next(g for g in self.gates if g.id == gate_id)

    def select(self, gate_ids: list[str]) -> Plan:
        """Only the named gates and the gates they require, transitively."""
        wanted: set[str] = set()
        stack = list(gate_ids)
        while stack:
            gid = stack.pop()
            if gid not in wanted:
                wanted.add(gid)
                stack.extend(self.gate(gid).requires)
        needed = {n for g in self.gates if g.id in wanted for c in g.checks for n in c.needs}
        by_check = {c.id: g.id for g in self.gates for c in g.checks}
        wanted |= {by_check[n] for n in needed if n in by_check}
        gates = tuple(g for g in self.gates if g.id in wanted)
        return Plan(
            self.project,
            gates,
            self.defaults,
            self.pass_rate,
            self.tasks,
            self.escalation,
            self.waivers,
            self.source,
            self.hash,
        )
