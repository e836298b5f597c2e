"""Gate verdicts, pass rates and blockers: pure functions of results."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from gonogo.models import CheckResult, GateReport, Score, Status, Verdict, blockers
from gonogo.plan.model import Gate


def pass_rate(results: Iterable[CheckResult]) -> float | None:
    """`100 * passed / (total - skipped - waived)`; None when nothing counts (an empty gate)."""
    counted = [r for r in results if r.status not in (Status.SKIP, Status.WAIVED)]
    if not counted:
        return None
    return round(100.0 * sum(r.status.passed for r in counted) / len(counted), 1)


def judge_gate(
    gate: Gate,
    results: Sequence[CheckResult],
    verdicts: Mapping[str, Verdict],
    approvals_given: Iterable[str] = (),
    void: str = "",
) -> GateReport:
    """A gate is GO when no P0 check is non-passing, its pass rate meets the threshold,
    its weighted score (if it sets `score:`) is at least the warn level, every required
    gate is GO, and every approval it lists was given. `void` says why no approval
    counts at all (tracked files changed since the commit they were given for)."""
    rate = pass_rate(results)
    score = gate_score(gate, results)
    bad = blockers(results)
    given = [] if void else sorted(set(approvals_given) & set(gate.approvals))
    reasons = _reasons(gate, rate, score, bad, verdicts, given, void)
    counts = _counts(results)
    return GateReport(
        gate_id=gate.id,
        title=gate.title,
        verdict=Verdict.NO_GO if reasons else Verdict.GO,
        pass_rate=rate,
        passed=counts[Status.PASS],
        total=len(results),
        skipped=counts[Status.SKIP],
        waived=counts[Status.WAIVED],
        threshold=gate.threshold,
        blockers=tuple(r.check_id for r in bad),
        reasons=tuple(reasons),
        approvals_required=tuple(gate.approvals),
        approvals_given=tuple(given),
        score=score,
    )


def _reasons(
    gate: Gate,
    rate: float | None,
    score: Score | None,
    bad: list[CheckResult],
    verdicts: Mapping[str, Verdict],
    given: list[str],
    void: str = "",
) -> list[str]:
    reasons: list[str] = []
    p0 = [r.check_id for r in bad if r.priority == "P0"]
    if p0:
        reasons.append(f"P0 check(s) not passing: {', '.join(p0)}")
    if rate is None:
        reasons.append("empty gate: every check was skipped or waived")
    elif rate < gate.threshold:
        reasons.append(f"pass rate {rate:g}% is below the {gate.threshold:g}% threshold")
    if gate.score is not None and rate is not None:
        reasons += _score_reasons(score, gate.score.pass_at, gate.score.warn_at)
    for req in gate.requires:
        if verdicts.get(req) is not Verdict.GO:
            reasons.append(f"required gate {req} is not GO")
    missing = [a for a in gate.approvals if a not in given]
    if missing and void:
        reasons.append(f"approval(s) not counted: {', '.join(missing)}: {void}")
    elif missing:
        reasons.append(f"missing approval(s) for this commit: {', '.join(missing)}")
    return reasons


DIRTY_TREE = (
    "tracked files have uncommitted changes, and an approval covers its commit with a "
    "clean tree only (commit or stash the changes)"
)


def score_notes(gates: Sequence[GateReport]) -> list[str]:
    """A note per gate whose score is in its warn band (GO, with a warning)."""
    return [
        f"gate {g.gate_id}: score {g.score.value:g} is in the warn band "
        f"({g.score.warn_at:g} ≤ score < {g.score.pass_at:g}); GO by its other rules"
        for g in gates
        if g.score is not None and g.score.status == "warn"
    ]


def gate_score(gate: Gate, results: Sequence[CheckResult]) -> Score | None:
    """`100 * weight of passed checks / weight of counted checks` (skipped and waived
    checks are not counted, as in the pass rate); None without a `score:` target or
    when no weight is counted."""
    if gate.score is None:
        return None
    weights = {c.id: 1.0 if c.weight is None else c.weight for c in gate.checks}
    counted = [r for r in results if r.status not in (Status.SKIP, Status.WAIVED)]
    total = sum(weights.get(r.check_id, 1.0) for r in counted)
    if total <= 0:
        return None
    got = sum(weights.get(r.check_id, 1.0) for r in counted if r.status.passed)
    value = round(100.0 * got / total, 1)
    pass_at, warn_at = gate.score.pass_at, gate.score.warn_at
    status = "pass" if value >= pass_at else "warn" if value >= warn_at else "fail"
    return Score(value, pass_at, warn_at, status)


def _score_reasons(score: Score | None, pass_at: float, warn_at: float) -> list[str]:
    if score is None:
        return ["score: every counted check has weight 0"]
    if score.status != "fail":
        return []
    if warn_at < pass_at:
        return [f"score {score.value:g} is below the warn level {warn_at:g} (pass {pass_at:g})"]
    return [f"score {score.value:g} is below the {pass_at:g} pass level"]


def _counts(results: Iterable[CheckResult]) -> dict[Status, int]:
    counts = dict.fromkeys(Status, 0)
    for r in results:
        counts[r.status] += 1
    return counts


def judge_gates(
    gates: Sequence[Gate],
    results: Mapping[str, CheckResult],
    approvals: Mapping[str, Iterable[str]] | None = None,
    void: str = "",
) -> list[GateReport]:
    """Judge gates in dependency order (`requires` first), returned in plan order."""
    approvals = approvals or {}
    by_id = {g.id: g for g in gates}
    verdicts: dict[str, Verdict] = {}
    reports: dict[str, GateReport] = {}

    def judge(gid: str) -> None:
        if gid in reports:
            return
        gate = by_id[gid]
        for req in gate.requires:
            if req in by_id:
                judge(req)
        gate_results = [results[c.id] for c in gate.checks if c.id in results]
        report = judge_gate(gate, gate_results, verdicts, approvals.get(gid, ()), void)
        reports[gid] = report
        verdicts[gid] = report.verdict

    for g in gates:
        judge(g.id)
    return [reports[g.id] for g in gates]


def overall(
    gates: Sequence[GateReport], results: Iterable[CheckResult]
) -> tuple[Verdict, float | None]:
    verdict = Verdict.GO if gates and all(g.verdict is Verdict.GO for g in gates) else Verdict.NO_GO
    return verdict, pass_rate(results)
