"""Weights and scores: a gate's weighted score beside its pass rate, and the GO rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gonogo.engine.gates import judge_gate
from gonogo.errors import GonogoError
from gonogo.models import CheckResult, Score, Status, Verdict
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN

ONE_CHECK = (
    "gates:\n  - id: g\n    checks:\n      - {{id: a, kind: file.exists, path: a, "
    "weight: {weight}}}\n"
)
P, F, E, S, W = Status.PASS, Status.FAIL, Status.ERROR, Status.SKIP, Status.WAIVED


def gate_with(weights: dict[str, float | None], score: str = "{pass: 90, warn: 70}") -> str:
    checks = "\n".join(
        f"      - {{id: {cid}, kind: file.exists, path: {cid}.txt"
        + ("" if w is None else f", weight: {w:g}")
        + "}"
        for cid, w in weights.items()
    )
    return f"gates:\n  - id: g\n    pass_rate: 0\n    score: {score}\n    checks:\n{checks}\n"


def judged(
    weights: dict[str, float | None],
    statuses: dict[str, Status],
    score: str = "{pass: 90, warn: 70}",
):
    plan = parse_plan(gate_with(weights, score), BUILTIN)
    [gate] = plan.gates
    results = [CheckResult(cid, "g", "file.exists", "P2", statuses[cid], "") for cid in weights]
    return judge_gate(gate, results, {})


@pytest.mark.parametrize(
    ("statuses", "value", "status", "verdict"),
    [
        ({"a": P, "b": P, "c": P}, 100.0, "pass", Verdict.GO),
        ({"a": P, "b": P, "c": F}, 83.3, "warn", Verdict.GO),  # 5 of 6
        ({"a": P, "b": F, "c": P}, 66.7, "fail", Verdict.NO_GO),  # 4 of 6
        ({"a": F, "b": P, "c": P}, 50.0, "fail", Verdict.NO_GO),  # 3 of 6
        ({"a": P, "b": E, "c": S}, 60.0, "fail", Verdict.NO_GO),  # skip not counted: 3 of 5
        ({"a": P, "b": W, "c": P}, 100.0, "pass", Verdict.GO),  # waived not counted
    ],
)
def test_weighted_score(
    statuses: dict[str, Status], value: float, status: str, verdict: Verdict
) -> None:
    report = judged({"a": 3, "b": 2, "c": None}, statuses)
    assert report.score == Score(value, 90.0, 70.0, status)
    assert report.verdict is verdict
    if status == "fail":
        assert report.reasons == (f"score {value:g} is below the warn level 70 (pass 90)",)


def test_without_warn_the_pass_level_decides() -> None:
    report = judged({"a": 1, "b": 1}, {"a": P, "b": F}, "{pass: 75}")
    assert report.score == Score(50.0, 75.0, 75.0, "fail")
    assert report.reasons == ("score 50 is below the 75 pass level",)


def test_zero_weights_fail_closed() -> None:
    report = judged({"a": 0, "b": 0}, {"a": P, "b": P})
    assert report.score is None
    assert report.reasons == ("score: every counted check has weight 0",)


def test_p0_and_pass_rate_still_apply_beside_the_score() -> None:
    text = gate_with({"a": 9, "b": 1}).replace("pass_rate: 0", "pass_rate: 95")
    [gate] = parse_plan(text, BUILTIN).gates
    results = [
        CheckResult("a", "g", "file.exists", "P2", P, ""),
        CheckResult("b", "g", "file.exists", "P0", F, ""),
    ]
    report = judge_gate(gate, results, {})
    assert report.score == Score(90.0, 90.0, 70.0, "pass")
    assert report.reasons == (
        "P0 check(s) not passing: b",
        "pass rate 50% is below the 95% threshold",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            ONE_CHECK.format(weight=2),
            "<plan>:2:5: gates[0]: check(s) a set `weight:` but gate 'g' has no `score:` target, "
            "so the weights would change nothing; add e.g. `score: {pass: 90, warn: 75}` or "
            "drop the weights",
        ),
        (
            "gates:\n  - id: g\n    score: {pass: 80, warn: 90}\n",
            "<plan>:3:5: gates[0].score: `warn: 90` is above `pass: 80`",
        ),
        (
            ONE_CHECK.format(weight=-1),
            "<plan>:4:45: gates[0].checks[0].weight: -1: must be ≥ 0",
        ),
    ],
)
def test_score_plan_errors(text: str, expected: str) -> None:
    with pytest.raises(GonogoError) as info:
        parse_plan(text, BUILTIN)
    assert expected in str(info.value)


def test_the_score_in_reports_and_the_warn_band_note(make_repo, cli) -> None:
    plan = gate_with({"a": 3, "b": 2, "c": None}).replace("id: g", "id: release")
    root = make_repo({"gonogo.yaml": plan, "a.txt": "a\n", "b.txt": "b\n"})
    out = cli("check", str(root), "--no-history", "--format", "json")
    assert out.code == 0, out.stderr
    report = json.loads(out.stdout)
    [gate] = report["gates"]
    assert gate["score"] == {"value": 83.3, "pass": 90.0, "warn": 70.0, "status": "warn"}
    assert gate["verdict"] == "GO"
    assert report["notes"] == [
        "gate release: score 83.3 is in the warn band (70 ≤ score < 90); GO by its other rules"
    ]
    md = (Path(root) / ".gonogo/last.md").read_text()
    assert "| 66.7% (2/3) · score 83.3 warn (pass 90, warn 70) |" in md
    term = cli("check", str(root), "--no-history", env={"COLUMNS": "200"})
    assert "score 83.3 warn (pass 90, warn 70)" in term.stdout
    html = cli("check", str(root), "--no-history", "--format", "html")
    assert "(2/3 counted · threshold 0%) · score 83.3 warn (pass 90, warn 70)</span>" in html.stdout
