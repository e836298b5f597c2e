"""Flaky checks: a status that flipped at least twice within the last runs on one commit."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from gonogo.models import Status
from gonogo.store import FLAKY_WINDOW, HistoryReader

MIN_FLIPS = 2


@dataclass(frozen=True, slots=True)
class Flaky:
    check_id: str
    commit: str
    flips: int
    statuses: tuple[Status, ...]  # oldest first


def _bucket(status: Status) -> Status:
    # A waiver changes how a failure counts, not whether the check flapped.
    return Status.FAIL if status is Status.WAIVED else status


def flips(statuses: Sequence[Status]) -> int:
    """Status changes between consecutive evaluated runs (skips are not evaluations)."""
    seen = [_bucket(s) for s in statuses if s is not Status.SKIP]
    return sum(a is not b for a, b in pairwise(seen))


def flaky_ids(
    history: Sequence[Mapping[str, Status]], window: int = FLAKY_WINDOW
) -> dict[str, int]:
    """Check id → flips, for checks that flipped at least MIN_FLIPS times in `history`
    (runs on one commit, oldest first; only the newest `window` count)."""
    recent = list(history)[-window:]
    ids = {cid for run in recent for cid in run}
    out = {}
    for cid in sorted(ids):
        n = flips([run[cid] for run in recent if cid in run])
        if n >= MIN_FLIPS:
            out[cid] = n
    return out


def flaky_in_store(store: HistoryReader, runs: int = 50) -> list[Flaky]:
    """Flaky checks on each commit among the newest `runs` runs, newest commit first."""
    found = []
    for commit in store.commits(runs):
        history = store.statuses(commit, FLAKY_WINDOW)
        for cid, n in flaky_ids(history).items():
            seq = tuple(run[cid] for run in history if cid in run)
            found.append(Flaky(cid, commit, n, seq))
    return found
