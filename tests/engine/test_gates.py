"""Gate verdicts exactly as DESIGN.md defines them."""

from __future__ import annotations

import pytest

from gonogo.engine.gates import judge_gates, pass_rate
from gonogo.models import CheckResult, Status, Verdict
from gonogo.plan.model import Check, Gate
from gonogo.probes.base import Params


def result(cid: str, status: str, priority: str = "P2", gate: str = "g") -> CheckResult:
    return CheckResult(cid, gate, "x", priority, Status(status), "")


def gate(
    gid: str,
    ids: list[str],
    *,
    threshold: float = 100,
    requires: tuple[str, ...] = (),
    approvals: tuple[str, ...] = (),
) -> Gate:
    checks = tuple(Check(i, gid, "x", Params()) for i in ids)
    return Gate(gid, gid, checks, threshold, requires, approvals)


@pytest.mark.parametrize(
    ("statuses", "rate"),
    [
        (["pass", "pass", "fail"], 66.7),
        (["pass", "skip", "waived"], 100.0),
        (["pass", "error", "blocked", "skip"], 33.3),
        (["skip", "waived"], None),
        ([], None),
    ],
)
def test_pass_rate_excludes_skipped_and_waived(statuses: list[str], rate: float | None) -> None:
    assert pass_rate([result(f"c{i}", s) for i, s in enumerate(statuses)]) == rate


@pytest.mark.parametrize(
    ("results", "threshold", "verdict", "reason"),
    [
        ([("a", "pass", "P0"), ("b", "pass", "P2")], 100, "GO", None),
        ([("a", "fail", "P0"), ("b", "pass", "P2")], 0, "NO-GO", "P0 check(s) not passing: a"),
        ([("a", "pass", "P0"), ("b", "fail", "P2"), ("c", "pass", "P1")], 60, "GO", None),
        (
            [("a", "pass", "P0"), ("b", "fail", "P2")],
            60,
            "NO-GO",
            "pass rate 50% is below the 60% threshold",
        ),
        ([("a", "skip", "P0")], 0, "NO-GO", "empty gate: every check was skipped or waived"),
        ([("a", "waived", "P0"), ("b", "pass", "P1")], 100, "GO", None),
    ],
)
def test_gate_rules(
    results: list[tuple[str, str, str]], threshold: float, verdict: str, reason: str | None
) -> None:
    g = gate("g", [r[0] for r in results], threshold=threshold)
    by_id = {cid: result(cid, s, p) for cid, s, p in results}
    (report,) = judge_gates([g], by_id)
    assert report.verdict.value == verdict
    if reason:
        assert reason in report.reasons
    else:
        assert report.reasons == ()


def test_requires_propagates_no_go_whatever_the_plan_order() -> None:
    deploy = gate("deploy", ["d"], requires=("infra",))
    infra = gate("infra", ["i"])
    results = {"d": result("d", "pass", gate="deploy"), "i": result("i", "fail", gate="infra")}
    reports = judge_gates([deploy, infra], results)
    assert [r.gate_id for r in reports] == ["deploy", "infra"]
    assert reports[0].verdict is Verdict.NO_GO
    assert "required gate infra is not GO" in reports[0].reasons


def test_approvals_must_all_be_given() -> None:
    g = gate("deploy", ["d"], approvals=("devops", "quality"))
    results = {"d": result("d", "pass", gate="deploy")}
    (partial,) = judge_gates([g], results, {"deploy": ["devops"]})
    assert partial.verdict is Verdict.NO_GO
    assert "missing approval(s) for this commit: quality" in partial.reasons
    (full,) = judge_gates([g], results, {"deploy": ["quality", "devops", "someone-else"]})
    assert full.verdict is Verdict.GO
    assert full.approvals_given == ("devops", "quality")


def test_blockers_are_ordered_by_priority_then_id() -> None:
    g = gate("g", ["z", "a", "m", "ok"])
    results = {
        "z": result("z", "fail", "P0"),
        "a": result("a", "error", "P2"),
        "m": result("m", "blocked", "P0"),
        "ok": result("ok", "pass", "P0"),
    }
    (report,) = judge_gates([g], results)
    assert report.blockers == ("m", "z", "a")
