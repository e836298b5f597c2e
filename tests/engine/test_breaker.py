"""The per-target circuit breaker: pure behaviour with an injected clock, then in the engine
against real dead endpoints."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from gonogo.engine.breaker import CLOSED, HALF_OPEN, OPEN, Breakers
from gonogo.engine.scheduler import CIRCUIT_OPEN, RunOptions, run_plan
from gonogo.models import GitInfo, Status
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN
from httpserver import Blackhole, closed_port, serve


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_threshold_consecutive_errors() -> None:
    b = Breakers(threshold=3, cooldown_s=10, clock=Clock())
    for _ in range(2):
        b.record("t", ok=False)
    assert b.allow("t")
    b.record("t", ok=False)
    assert b.state("t") == OPEN
    assert not b.allow("t")
    assert b.allow("other")


def test_a_success_resets_the_count() -> None:
    b = Breakers(threshold=2, cooldown_s=10, clock=Clock())
    b.record("t", ok=False)
    b.record("t", ok=True)
    b.record("t", ok=False)
    assert b.state("t") == CLOSED


def test_half_open_lets_one_trial_through_after_cooldown() -> None:
    clock = Clock()
    b = Breakers(threshold=1, cooldown_s=10, clock=clock)
    b.record("t", ok=False)
    clock.now += 9.9
    assert not b.allow("t")
    clock.now += 0.1
    assert b.state("t") == HALF_OPEN
    assert b.allow("t")
    assert not b.allow("t")  # one trial only
    b.record("t", ok=True)
    assert b.state("t") == CLOSED
    assert b.allow("t")


def test_failed_trial_reopens_for_a_full_cooldown() -> None:
    clock = Clock()
    b = Breakers(threshold=5, cooldown_s=10, clock=clock)
    for _ in range(5):
        b.record("t", ok=False)
    clock.now += 10
    assert b.allow("t")
    b.record("t", ok=False)
    assert b.state("t") == OPEN
    clock.now += 5
    assert not b.allow("t")


def test_cancelled_trial_is_released() -> None:
    clock = Clock()
    b = Breakers(threshold=1, cooldown_s=1, clock=clock)
    b.record("t", ok=False)
    clock.now += 1
    assert b.allow("t")
    b.release("t")
    assert b.allow("t")


def plan_text(urls: list[str], threshold: int = 3, cooldown: str = "60s") -> str:
    checks = "\n".join(
        f"      - {{id: c{i}, kind: http, url: '{u}', timeout: 1s, retries: 2}}"
        for i, u in enumerate(urls)
    )
    return (
        f"version: 1\ndefaults: {{backoff: 50ms, backoff_max: 100ms, breaker: "
        f"{{threshold: {threshold}, cooldown: {cooldown}}}}}\n"
        f"gates:\n  - id: live\n    checks:\n{checks}\n"
    )


def run(tmp_path: Path, text: str, jobs: int = 4):  # type: ignore[no-untyped-def]
    plan = parse_plan(text, BUILTIN)
    return asyncio.run(run_plan(plan, tmp_path, BUILTIN, RunOptions(jobs=jobs, git=GitInfo())))


def test_dead_target_checks_end_at_once_as_circuit_open(tmp_path: Path) -> None:
    with Blackhole() as hole:
        t0 = time.monotonic()
        report = run(tmp_path, plan_text([f"http://127.0.0.1:{hole.port}/{i}" for i in range(12)]))
        wall = time.monotonic() - t0
    messages = [c.message for c in report.checks]
    opened = [c for c in report.checks if c.message == CIRCUIT_OPEN]
    assert all(c.status is Status.ERROR for c in report.checks)
    assert len(opened) >= 6, messages
    assert all(c.evidence["target"] == f"http://127.0.0.1:{hole.port}" for c in opened)
    assert any("(timeout)" in m for m in messages)
    # without a breaker every check would spend all 3 attempts on the dead target
    assert sum(c.attempts for c in report.checks) < 2 * len(report.checks), wall


def test_breaker_is_per_target(tmp_path: Path) -> None:
    with serve() as live:
        dead = f"http://127.0.0.1:{closed_port()}"
        urls = [f"{dead}/{i}" for i in range(6)] + [live.url(f"/ok?{i}") for i in range(4)]
        report = run(tmp_path, plan_text(urls, threshold=2), jobs=1)
    statuses = [c.status for c in report.checks]
    assert statuses[6:] == [Status.PASS] * 4
    assert [c.message for c in report.checks[2:6]] == [CIRCUIT_OPEN] * 4
    assert all(c.attempts == 1 for c in report.checks[2:6])
    assert "connection refused" in report.checks[0].message
