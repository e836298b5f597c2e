"""`--select` / `--ignore` / `--fail-on`, as pytest and ruff users expect them.

A selector names checks by id, kind, gate, tag or priority (globs allowed: `docker*`),
or finding rules by code or code prefix (`compose` or `compose.hardcoded-secret`):
a token that matches no check in the plan is read as a rule code.

- Check selectors choose which checks run; checks a chosen one `needs` run too, so it
  is judged, not blocked. Gates left without checks drop out, and so do `requires` on
  them (the verdict is about the selection).
- Rule selectors run the checks of that rule's family and keep only the chosen
  findings (or drop the ignored ones). A failing check whose findings are all dropped
  passes, and its message says how many were left out.
- `--fail-on P1`: only blockers at P1 or above make the exit code 1; the report still
  shows the full verdict.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from gonogo.errors import SelectionError
from gonogo.models import (
    PRIORITIES,
    CheckResult,
    RunReport,
    Status,
    Verdict,
    blockers,
    priority_rank,
)
from gonogo.plan.model import Check, Plan


@dataclass(frozen=True, slots=True)
class Selection:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, select: Iterable[str] = (), ignore: Iterable[str] = ()) -> Selection:
        return cls(_tokens(select), _tokens(ignore))

    def __bool__(self) -> bool:
        return bool(self.select or self.ignore)


@dataclass(frozen=True, slots=True)
class RuleFilter:
    """The rule half of a selection, applied to each result as it settles."""

    keep: tuple[str, ...] = ()  # rule selectors; empty keeps every rule
    drop: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.keep or self.drop)

    def wants(self, rule: str) -> bool:
        if self.keep and not any(rule_matches(t, rule) for t in self.keep):
            return False
        return not any(rule_matches(t, rule) for t in self.drop)

    def __call__(self, result: CheckResult) -> CheckResult:
        kept = tuple(f for f in result.findings if self.wants(f.rule))
        left_out = len(result.findings) - len(kept)
        if not left_out:
            return result
        if result.status is Status.FAIL and not kept:
            note = f"passes: its {left_out} finding(s) are outside --select/--ignore"
            return replace(result, status=Status.PASS, message=note, findings=())
        return replace(result, findings=kept)


def _tokens(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(t.strip() for v in values for t in v.split(",") if t.strip())


def check_matches(token: str, check: Check) -> bool:
    names = (check.id, check.kind, check.gate, check.priority, *check.tags)
    if token.upper() in PRIORITIES:
        return check.priority == token.upper()
    return any(name == token or fnmatch.fnmatchcase(name, token) for name in names)


def rule_matches(token: str, rule: str) -> bool:
    return rule == token or rule.startswith(token + ".") or fnmatch.fnmatchcase(rule, token)


def _family(kind_or_rule: str) -> str:
    return kind_or_rule.split(".", 1)[0]


def apply(plan: Plan, selection: Selection) -> tuple[Plan, RuleFilter]:
    """The plan narrowed to the selection, and the filter for the findings."""
    checks = plan.checks
    pick = [t for t in selection.select if any(check_matches(t, c) for c in checks)]
    skip = [t for t in selection.ignore if any(check_matches(t, c) for c in checks)]
    rules = RuleFilter(
        keep=tuple(t for t in selection.select if t not in pick),
        drop=tuple(t for t in selection.ignore if t not in skip),
    )
    families = {_family(t) for t in rules.keep}
    for token in rules.keep:
        if not any(_family(c.kind) == _family(token) for c in checks):
            raise SelectionError(
                f"--select {token}: matches no check id, kind, gate, tag or priority in "
                f"{plan.source or 'the plan'}, nor the rule family of any check there"
            )

    def chosen(c: Check) -> bool:
        wanted = not selection.select or any(check_matches(t, c) for t in pick)
        wanted = wanted or _family(c.kind) in families
        return wanted and not any(check_matches(t, c) for t in skip)

    ids = _with_needs({c.id for c in checks if chosen(c)}, checks)
    return _narrow(plan, ids), rules


def _with_needs(ids: set[str], checks: Sequence[Check]) -> set[str]:
    by_id = {c.id: c for c in checks}
    stack = list(ids)
    while stack:
        for need in by_id[stack.pop()].needs:
            if need in by_id and need not in ids:
                ids.add(need)
                stack.append(need)
    return ids


def _narrow(plan: Plan, ids: set[str]) -> Plan:
    gates = []
    for gate in plan.gates:
        kept = tuple(c for c in gate.checks if c.id in ids)
        if kept:
            gates.append(replace(gate, checks=kept))
    present = {g.id for g in gates}
    gates = [replace(g, requires=tuple(r for r in g.requires if r in present)) for g in gates]
    return replace(plan, gates=tuple(gates))


def fails_on(report: RunReport, threshold: str | None) -> bool:
    """Whether the run's NO-GO counts for the exit code under `--fail-on THRESHOLD`."""
    if report.verdict is Verdict.GO:
        return False
    if threshold is None:
        return True
    limit = priority_rank(threshold)
    if any(priority_rank(c.priority) <= limit for c in blockers(report.checks)):
        return True
    # a gate that is NO-GO for want of a sign-off, or with nothing counted, still counts
    return any(
        set(g.approvals_required) - set(g.approvals_given) or g.pass_rate is None
        for g in report.gates
    )
