"""The fleet overview as pure functions of the projects' states: filters, order (NO-GO
first), the gate columns of the matrix, counts, stale projects and open P0 blockers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gonogo.server.queries import ProjectState

DAY_S = 86400.0
_ORDER = {"NO-GO": 0, "GO": 2}


@dataclass(frozen=True, slots=True)
class Filters:
    owner: str | None = None
    tag: str | None = None
    gate: str | None = None
    q: str | None = None

    def keeps(self, s: ProjectState) -> bool:
        if self.owner and (s.owner or "").lower() != self.owner.lower():
            return False
        if self.tag and self.tag not in s.tags:
            return False
        if self.gate and s.gate(self.gate) is None:
            return False
        return not self.q or self.q.lower() in s.project.lower()


def stale(s: ProjectState, now: float, days: float) -> bool:
    return s.received_at is None or now - s.received_at > days * DAY_S


def ordered(states: Sequence[ProjectState], f: Filters) -> list[ProjectState]:
    """NO-GO first, then projects without a run, then GO; by name within each."""
    kept = [s for s in states if f.keeps(s)]
    return sorted(kept, key=lambda s: (_ORDER.get(s.verdict or "", 1), s.project.lower()))


def gate_columns(states: Sequence[ProjectState], f: Filters) -> list[str]:
    """The matrix columns: the filtered gate alone, else every gate, commonest first."""
    if f.gate:
        return [f.gate]
    seen = Counter(g["id"] for s in states for g in s.gates)
    return sorted(seen, key=lambda g: (-seen[g], g))


def summary(states: Sequence[ProjectState], now: float, days: float) -> dict[str, Any]:
    verdicts = Counter(s.verdict or "none" for s in states)
    blockers = [{"project": s.project, **b} for s in states for b in s.p0]
    return {
        "projects": len(states),
        "go": verdicts["GO"],
        "no_go": verdicts["NO-GO"],
        "no_runs": verdicts["none"],
        "stale": sorted(s.project for s in states if stale(s, now, days)),
        "stale_days": days,
        "p0_blockers": blockers,
    }


def owners_and_tags(states: Sequence[ProjectState]) -> tuple[list[str], list[str]]:
    owners = sorted({s.owner for s in states if s.owner})
    tags = sorted({t for s in states for t in s.tags})
    return owners, tags
