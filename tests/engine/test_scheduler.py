"""The scheduler: needs → blocked, when → skip, timeouts, retries of error only,
concurrency limit, circuit breaker, interruption, waivers, redaction."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from gonogo.engine.scheduler import RunOptions, backoff_s, run_plan
from gonogo.models import GitInfo, Outcome, RunReport, Status, Verdict
from gonogo.plan.loader import parse_plan
from gonogo.probes.base import Context, Params, Probe, ProbeDoc
from gonogo.probes.registry import BUILTIN

DOC = ProbeDoc("test probe", "tests", "{}")


class ScriptParams(Params):
    statuses: tuple[str, ...] = ("pass",)
    sleep: float = 0.0
    hold: bool = False  # wait at the barrier until every slot is busy
    target: str | None = None
    message: str = "scripted"


class Recorder:
    """Fake probes whose behaviour is scripted per check; records calls and concurrency."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []  # backoff delays the engine asked for
        self.calls: dict[str, int] = defaultdict(int)
        self.running = 0
        self.peak = 0
        self.hold_at = 0  # with `hold`: release the barrier once this many run at once
        self.released: asyncio.Event | None = None

    async def run(self, p: ScriptParams, ctx: Context) -> Outcome:
        n = self.calls[ctx.check_id]
        self.calls[ctx.check_id] += 1
        self.running += 1
        self.peak = max(self.peak, self.running)
        try:
            if p.hold:
                await self._barrier()
            await asyncio.sleep(p.sleep)
        finally:
            self.running -= 1
        status = Status(p.statuses[min(n, len(p.statuses) - 1)])
        message = p.message
        if "${" in message:
            message = ctx.expand(message)
        return Outcome(status, f"{message} #{n + 1}", {"echo": message})

    async def _barrier(self) -> None:
        """Hold every check until `hold_at` are running; then give the engine many loop
        turns to (wrongly) start one more before letting them all go. No clock involved."""
        if self.released is None:
            self.released = asyncio.Event()
        if self.running >= self.hold_at:
            for _ in range(50):
                await asyncio.sleep(0)
            self.released.set()
        await self.released.wait()

    def probes(self) -> dict[str, Probe[Any]]:
        probe = Probe("t.script", ScriptParams, self.run, DOC, target=lambda p, ctx: p.target)
        return {**BUILTIN, "t.script": probe}


def run(text: str, rec: Recorder, tmp_path: Path, **opts: Any) -> RunReport:
    plan = parse_plan(text, rec.probes(), source="plan.yaml")

    async def fake_sleep(s: float) -> None:
        rec.sleeps.append(s)

    options = RunOptions(sleep=fake_sleep, git=GitInfo(), **opts)
    return asyncio.run(run_plan(plan, tmp_path, rec.probes(), options))


def statuses(report: RunReport) -> dict[str, str]:
    return {c.check_id: c.status.value for c in report.checks}


def test_needs_chain_blocks_everything_downstream(tmp_path: Path) -> None:
    report = run(
        """
gates:
  - id: g
    checks:
      - {id: a, kind: t.script, statuses: [fail]}
      - {id: b, kind: t.script, needs: [a]}
      - {id: c, kind: t.script, needs: [b]}
      - {id: d, kind: t.script}
""",
        rec := Recorder(),
        tmp_path,
    )
    assert statuses(report) == {"a": "fail", "b": "blocked", "c": "blocked", "d": "pass"}
    assert report.check("b").message == "needs a (fail)"
    assert report.check("c").message == "needs b (blocked)"
    assert "b" not in rec.calls and "c" not in rec.calls


def test_retries_apply_to_error_only_with_backoff(tmp_path: Path) -> None:
    report = run(
        """
defaults: {retries: 3, backoff: 1s, backoff_max: 3s}
gates:
  - id: g
    checks:
      - {id: flaky, kind: t.script, statuses: [error, error, pass]}
      - {id: broken, kind: t.script, statuses: [error]}
      - {id: wrong, kind: t.script, statuses: [fail, pass]}
""",
        rec := Recorder(),
        tmp_path,
    )
    assert statuses(report) == {"flaky": "pass", "broken": "error", "wrong": "fail"}
    assert [report.check(i).attempts for i in ("flaky", "broken", "wrong")] == [3, 4, 1]
    assert rec.calls == {"flaky": 3, "broken": 4, "wrong": 1}
    sleeps = rec.sleeps
    assert len(sleeps) == 5 and all(0 <= s <= 3 for s in sleeps)


def test_backoff_grows_exponentially_and_is_capped() -> None:
    upper = [backoff_s(n, 0.5, 4.0, jitter=lambda: 1.0) for n in range(1, 7)]
    lower = [backoff_s(n, 0.5, 4.0, jitter=lambda: 0.0) for n in range(1, 7)]
    assert upper == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert lower == [u / 2 for u in upper]


def test_timeout_is_an_error_and_the_run_goes_on(tmp_path: Path) -> None:
    report = run(
        """
gates:
  - id: g
    checks:
      - {id: slow, kind: t.script, sleep: 5, timeout: 100ms}
      - {id: fast, kind: t.script}
""",
        Recorder(),
        tmp_path,
    )
    assert statuses(report) == {"slow": "error", "fast": "pass"}
    assert report.check("slow").message == "timed out after 100ms"


def test_concurrency_limit_is_respected(tmp_path: Path) -> None:
    checks = "\n".join(f"      - {{id: c{i}, kind: t.script, hold: true}}" for i in range(12))
    rec = Recorder()
    rec.hold_at = 3
    report = run(f"gates:\n  - id: g\n    checks:\n{checks}\n", rec, tmp_path, jobs=3)
    assert rec.peak == 3
    assert set(statuses(report).values()) == {"pass"}


def test_when_false_is_skip_with_the_reason(tmp_path: Path) -> None:
    report = run(
        """
gates:
  - id: g
    checks:
      - {id: staging, kind: t.script, when: {env: STAGING_URL}}
      - {id: prod, kind: t.script, when: {env: STAGE, equals: prod}}
      - {id: docker, kind: t.script, when: {file: Dockerfile}}
      - {id: here, kind: t.script, when: {env: STAGE, equals: dev}}
""",
        Recorder(),
        tmp_path,
        environ={"STAGE": "dev"},
    )
    assert statuses(report) == {"staging": "skip", "prod": "skip", "docker": "skip", "here": "pass"}
    assert report.check("staging").message == "when: $STAGING_URL is not set"
    assert report.gates[0].pass_rate == 100.0 and report.gates[0].skipped == 3


def test_circuit_opens_after_threshold_and_fails_fast(tmp_path: Path) -> None:
    checks = "\n".join(
        f"      - {{id: c{i}, kind: t.script, statuses: [error], target: 'db:5432'}}"
        for i in range(6)
    )
    rec = Recorder()
    report = run(
        f"defaults: {{breaker: {{threshold: 2, cooldown: 1h}}}}\n"
        f"gates:\n  - id: g\n    checks:\n{checks}\n",
        rec,
        tmp_path,
        jobs=1,
    )
    messages = [c.message for c in report.checks]
    assert sum(m == "circuit open" for m in messages) == 4
    assert sum(rec.calls.values()) == 2


def test_a_crashing_probe_is_an_error_result(tmp_path: Path) -> None:
    async def boom(p: ScriptParams, ctx: Context) -> Outcome:
        raise RuntimeError("kaboom")

    probes = {"t.boom": Probe("t.boom", ScriptParams, boom, DOC)}
    plan = parse_plan("gates:\n  - id: g\n    checks:\n      - {id: x, kind: t.boom}\n", probes)
    report = asyncio.run(run_plan(plan, tmp_path, probes, RunOptions(git=GitInfo())))
    assert report.checks[0].status is Status.ERROR
    assert report.checks[0].message == "t.boom probe raised RuntimeError: kaboom"


def test_stop_request_writes_a_partial_report(tmp_path: Path) -> None:
    rec = Recorder()
    plan = parse_plan(
        "gates:\n  - id: g\n    checks:\n"
        "      - {id: quick, kind: t.script}\n"
        "      - {id: slow, kind: t.script, sleep: 30}\n",
        rec.probes(),
    )

    async def main() -> RunReport:
        stop = asyncio.Event()
        asyncio.get_running_loop().call_later(0.3, stop.set)
        return await run_plan(plan, tmp_path, rec.probes(), RunOptions(stop=stop, git=GitInfo()))

    report = asyncio.run(main())
    assert report.interrupted
    assert statuses(report) == {"quick": "pass", "slow": "error"}
    assert report.check("slow").message == "interrupted before it finished"
    assert report.verdict is Verdict.NO_GO


def test_waivers_active_expired_and_unneeded(tmp_path: Path) -> None:
    report = run(
        """
gates:
  - id: g
    checks:
      - {id: a, kind: t.script, statuses: [fail]}
      - {id: b, kind: t.script, statuses: [fail]}
      - {id: c, kind: t.script}
waivers:
  - {check: a, reason: restore drill next sprint, owner: ops, expires: 2027-01-31}
  - {check: b, reason: old, owner: ops, expires: 2026-01-01}
  - {check: c, reason: spare, owner: ops, expires: 2027-01-31}
""",
        Recorder(),
        tmp_path,
        today=dt.date(2026, 11, 22),
    )
    assert statuses(report) == {"a": "waived", "b": "fail", "c": "pass"}
    assert report.check("a").message.startswith("waived (restore drill next sprint; ops")
    assert report.check("b").waiver == {
        "reason": "old",
        "owner": "ops",
        "expires": "2026-01-01",
        "expired": True,
    }
    assert any("waiver for b expired on 2026-01-01" in n for n in report.notes)
    assert any("waiver for c is not needed" in n for n in report.notes)
    gate = report.gates[0]
    assert (gate.waived, gate.pass_rate) == (1, 50.0)


def test_expanded_secrets_never_reach_the_report(tmp_path: Path) -> None:
    report = run(
        """
gates:
  - id: g
    checks:
      - {id: a, kind: t.script, message: "token=${API_TOKEN}"}
""",
        Recorder(),
        tmp_path,
        environ={"API_TOKEN": "sup3r-s3cret-value"},
    )
    text = str(report.to_dict())
    assert "sup3r-s3cret-value" not in text
    assert report.checks[0].message == "token=*** #1"


def test_unset_variable_without_default_is_an_error(tmp_path: Path) -> None:
    report = run(
        "gates:\n  - id: g\n    checks:\n      - {id: a, kind: t.script, message: '${NOPE}'}\n",
        Recorder(),
        tmp_path,
        environ={},
    )
    assert report.checks[0].status is Status.ERROR
    assert "environment variable NOPE is not set" in report.checks[0].message


@pytest.mark.parametrize("jobs", [1, 8])
def test_results_keep_plan_order(tmp_path: Path, jobs: int) -> None:
    checks = "\n".join(
        f"      - {{id: c{i}, kind: t.script, sleep: {0.02 * (5 - i)}}}" for i in range(5)
    )
    report = run(f"gates:\n  - id: g\n    checks:\n{checks}\n", Recorder(), tmp_path, jobs=jobs)
    assert [c.check_id for c in report.checks] == [f"c{i}" for i in range(5)]
