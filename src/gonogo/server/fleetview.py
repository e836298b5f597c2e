"""The fleet overview as pure functions of the projects' states: filters, order (NO-GO
first), the gate columns of the matrix, counts, stale projects and open P0 blockers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gonogo.report.common import rate_text
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


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One project's row of the overview, every cell's class and text worked out here,
    so the template only writes them out (250 rows x the gate columns)."""

    project: str
    tags: tuple[str, ...]
    verdict: str | None
    rate: str
    owner: str
    last_run: str
    stale: bool
    cells: tuple[tuple[str, str], ...]  # (class, text) per gate column


def matrix(
    states: Sequence[ProjectState], columns: Sequence[str], now: float, days: float
) -> list[MatrixRow]:
    out = []
    for s in states:
        by_id = {g["id"]: g for g in s.gates}
        cells = []
        for column in columns:
            g = by_id.get(column)
            if g is None:
                cells.append(("none", "—"))
            else:
                cells.append((g["verdict"], f"{g['verdict']} {rate_text(g['pass_rate'])}"))
        out.append(
            MatrixRow(
                project=s.project,
                tags=s.tags,
                verdict=s.verdict,
                rate=rate_text(s.pass_rate),
                owner=s.owner or "",
                last_run=s.started_at or "",
                stale=stale(s, now, days),
                cells=tuple(cells),
            )
        )
    return out


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
