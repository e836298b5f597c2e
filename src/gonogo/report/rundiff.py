"""What changed between two runs: each check sorted into newly failing, fixed, still
failing, added or removed. Pure over two reports; `gonogo diff` and the team server's
diff page and API share it."""

from __future__ import annotations

from dataclasses import dataclass

from gonogo.models import RunReport

FAILING = ("fail", "error", "blocked")
SECTIONS = (
    ("newly_failing", "Newly failing"),
    ("fixed", "Fixed"),
    ("still_failing", "Still failing"),
    ("added", "Added"),
    ("removed", "Removed"),
)


@dataclass(frozen=True, slots=True)
class Change:
    check_id: str
    gate: str
    before: str | None  # status in run A; None when the check was not there
    after: str | None
    message: str


@dataclass(frozen=True, slots=True)
class RunDiff:
    newly_failing: tuple[Change, ...]
    fixed: tuple[Change, ...]
    still_failing: tuple[Change, ...]
    added: tuple[Change, ...]
    removed: tuple[Change, ...]


def compare(a: RunReport, b: RunReport) -> RunDiff:
    """Pure: sort every check of both runs into the five kinds of change."""
    before = {c.check_id: c for c in a.checks}
    after = {c.check_id: c for c in b.checks}
    out: dict[str, list[Change]] = {key: [] for key, _ in SECTIONS}
    for cid, new in after.items():
        old = before.get(cid)
        was = old.status.value if old is not None else None
        change = Change(cid, new.gate, was, new.status.value, new.message)
        bad_now = new.status.value in FAILING
        if old is None:
            out["added"].append(change)
        elif bad_now and old.status.value in FAILING:
            out["still_failing"].append(change)
        elif bad_now:
            out["newly_failing"].append(change)
        elif old.status.value in FAILING and new.status.passed:
            out["fixed"].append(change)
    for cid, old in before.items():
        if cid not in after:
            out["removed"].append(Change(cid, old.gate, old.status.value, None, old.message))
    return RunDiff(**{k: tuple(v) for k, v in out.items()})
