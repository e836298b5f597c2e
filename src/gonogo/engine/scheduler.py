"""Run a plan's checks concurrently: needs, when, timeouts, retries, breaker, waivers."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from gonogo.durations import format_duration
from gonogo.engine.breaker import Breakers
from gonogo.engine.compare import BaselineReader, Found, judged, read_baselines
from gonogo.engine.conditions import unmet
from gonogo.engine.gates import DIRTY_TREE, judge_gates, overall, score_notes
from gonogo.engine.waivers import apply_waivers
from gonogo.fs.index import FileIndex
from gonogo.fs.reader import OutsideRoot
from gonogo.git import git_info
from gonogo.models import (
    CheckResult,
    Finding,
    GitInfo,
    Outcome,
    RunReport,
    Status,
    errored,
)
from gonogo.plan.model import Check, Plan
from gonogo.probes.base import Context, Probe
from gonogo.redact import for_names, strings
from gonogo.rules import OUTSIDE_ROOT

CIRCUIT_OPEN = "circuit open"


class Listener(Protocol):
    def started(self, check: Check) -> None: ...
    def finished(self, result: CheckResult) -> None: ...


class _Silent:
    def started(self, check: Check) -> None:
        pass

    def finished(self, result: CheckResult) -> None:
        pass


@dataclass
class RunOptions:
    jobs: int = 16
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    approvals: Mapping[str, list[str]] = field(default_factory=dict)
    today: dt.date | None = None
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], Any] = asyncio.sleep
    listener: Listener = field(default_factory=_Silent)
    stop: asyncio.Event | None = None
    git: GitInfo | None = None
    refine: Callable[[CheckResult], CheckResult] | None = None  # e.g. --select's rule filter
    baselines: BaselineReader | None = None  # earlier runs, for checks that `compare`
    files: FileIndex | None = None  # a listing of `root` shared by runs over the same tree


async def run_plan(
    plan: Plan, root: Path, probes: Mapping[str, Probe[Any]], options: RunOptions | None = None
) -> RunReport:
    """Run every check of `plan` against `root` and judge the gates."""
    opts = options or RunOptions()
    started_at = dt.datetime.now(dt.UTC)
    t0 = opts.clock()
    run = _Run(plan, root, probes, opts)
    interrupted = await run.all()
    return _report(plan, root, run, opts, started_at, opts.clock() - t0, interrupted)


class _Run:
    def __init__(
        self, plan: Plan, root: Path, probes: Mapping[str, Probe[Any]], opts: RunOptions
    ) -> None:
        self.plan = plan
        self.root = root
        self.probes = probes
        self.opts = opts
        shared = opts.files
        self.files = (
            shared if shared is not None and shared.root == root.resolve() else FileIndex(root)
        )
        self.redactor = for_names(plan.env_names(), opts.environ)
        self.sem = asyncio.Semaphore(max(1, opts.jobs))
        self.done: dict[str, asyncio.Future[CheckResult]] = {}
        self.results: dict[str, CheckResult] = {}
        b = plan.defaults.breaker
        self.breakers = Breakers(b.threshold, b.cooldown, opts.clock)
        self.errors: dict[str, Outcome] = {}  # each check's last real error, redacted
        self.baselines: dict[str, Found] = {}

    async def all(self) -> bool:
        """Run everything; True when a stop request interrupted the run."""
        await asyncio.to_thread(lambda: self.files.files)
        self.baselines = read_baselines(self.plan, self.opts.baselines)
        loop = asyncio.get_running_loop()
        checks = self.plan.checks
        self.done = {c.id: loop.create_future() for c in checks}
        tasks = [asyncio.create_task(self._one(c)) for c in checks if not self._settled(c)]
        waiter = asyncio.gather(*tasks)
        stopper = asyncio.ensure_future(self.opts.stop.wait()) if self.opts.stop else None
        pending = {waiter} | ({stopper} if stopper else set())
        done, _ = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        if stopper is not None and stopper in done and not waiter.done():
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return True
        if stopper is not None:
            stopper.cancel()
        await waiter
        return False

    def _judged(self, probe: Probe[Any], check: Check, outcome: Outcome) -> Outcome:
        return judged(probe, check, outcome, self.baselines.get(check.id))

    def _settled(self, check: Check) -> bool:
        """Settle a check without a task when nothing can make it wait: no `needs` and a
        probe with an inline fast path (its `when` is judged here). Most file checks end here."""
        if check.needs or self.probes[check.kind].fast is None:
            return False  # the task path evaluates `when` itself, once
        result = self._decided(check)
        if result is None:
            return False
        self._record(check, result)
        return True

    def _decided(self, check: Check) -> CheckResult | None:
        reason = unmet(check.when, self.opts.environ, self.files)
        if reason is not None:
            return self._result(check, Outcome(Status.SKIP, reason), 0.0, 0)
        probe = self.probes[check.kind]
        return self._fast(probe, check) if probe.fast is not None else None

    def _record(self, check: Check, result: CheckResult) -> None:
        if self.opts.refine is not None:
            result = self.opts.refine(result)
        self.results[check.id] = result
        self.done[check.id].set_result(result)
        self.opts.listener.finished(result)

    async def _one(self, check: Check) -> None:
        try:
            result = await self._evaluate(check)
        except asyncio.CancelledError:
            self.results[check.id] = self._result(
                check, errored("interrupted before it finished"), 0.0, 0
            )
            raise
        self._record(check, result)

    async def _evaluate(self, check: Check) -> CheckResult:
        waiting = [n for n in check.needs if n in self.done]
        if waiting:
            needed = [await self.done[n] for n in waiting]
            bad = [r for r in needed if not r.status.passed]
            if bad:
                names = ", ".join(f"{r.check_id} ({r.status.value})" for r in bad)
                return self._result(check, Outcome(Status.BLOCKED, f"needs {names}"), 0.0, 0)
        decided = self._decided(check)
        if decided is not None:
            return decided
        async with self.sem:
            self.opts.listener.started(check)
            return await self._attempts(check)

    async def _attempts(self, check: Check) -> CheckResult:
        """One attempt, plus retries of `error` (never `fail`) with jittered exponential
        backoff, through tenacity."""
        probe = self.probes[check.kind]
        t0 = self.opts.clock()
        if check.retries == 0:
            outcome = self._judged(probe, check, await self._redacted_attempt(probe, check))
            return self._result(check, outcome, self.opts.clock() - t0, 1)
        from tenacity import AsyncRetrying, retry_if_result, stop_after_attempt
        from tenacity import wait_random_exponential as jittered

        d = self.plan.defaults
        retrying = AsyncRetrying(
            stop=stop_after_attempt(check.retries + 1),
            wait=jittered(multiplier=d.backoff, max=d.backoff_max),
            retry=retry_if_result(_retryable),
            retry_error_callback=lambda state: state.outcome.result(),  # type: ignore[union-attr]
            sleep=self.opts.sleep,
        )
        outcome = self._judged(probe, check, await retrying(self._redacted_attempt, probe, check))
        attempts = int(retrying.statistics.get("attempt_number", 1))
        return self._result(check, outcome, self.opts.clock() - t0, attempts)

    def _fast(self, probe: Probe[Any], check: Check) -> CheckResult | None:
        """Index lookups that never block run inline: no task hop, no timer."""
        assert probe.fast is not None
        t0 = self.opts.clock()
        ctx = self._context(check)
        try:
            outcome = probe.fast(check.params, ctx)
        except OutsideRoot as exc:
            outcome = outside_root(exc)
        except Exception as exc:  # a broken probe must not sink the run
            outcome = errored(f"{check.kind} probe raised {type(exc).__name__}: {exc}")
        if outcome is None:
            return None
        outcome = self._judged(probe, check, _redact(outcome, ctx))
        return self._result(check, outcome, self.opts.clock() - t0, 1)

    def _context(self, check: Check) -> Context:
        environ, timeout_s = self.opts.environ, check.timeout_s
        return Context(self.root, self.files, environ, timeout_s, check.id, redactor=self.redactor)

    async def _redacted_attempt(self, probe: Probe[Any], check: Check) -> Outcome:
        ctx = self._context(check)
        outcome = _redact(await self._attempt(probe, check, ctx), ctx)
        if outcome.status is Status.ERROR and "circuit" not in outcome.evidence:
            self.errors[check.id] = outcome
        return outcome

    async def _attempt(self, probe: Probe[Any], check: Check, ctx: Context) -> Outcome:
        target = _target(probe, check, ctx)
        if target is not None and not self.breakers.allow(target):
            own = self.errors.get(check.id)
            if own is not None:  # its own retries opened the circuit: keep what it saw
                evidence = {**own.evidence, "circuit": "open", "target": target}
                return errored(own.message, evidence=evidence, findings=own.findings)
            return errored(CIRCUIT_OPEN, evidence={"target": target, "circuit": "open"})
        try:
            async with asyncio.timeout(check.timeout_s):
                outcome = await probe.run(check.params, ctx)
        except TimeoutError:
            outcome = errored(f"timed out after {format_duration(check.timeout_s)}")
        except asyncio.CancelledError:
            if target is not None:
                self.breakers.release(target)
            raise
        except OutsideRoot as exc:
            outcome = outside_root(exc)
        except Exception as exc:  # a broken probe must not sink the run
            outcome = errored(f"{check.kind} probe raised {type(exc).__name__}: {exc}")
        if target is not None:  # an error the target answered (a bad query) says it is up
            self.breakers.record(
                target, outcome.status is not Status.ERROR or not outcome.transient
            )
        return outcome

    def _result(
        self, check: Check, outcome: Outcome, duration_s: float, attempts: int
    ) -> CheckResult:
        return CheckResult(
            check_id=check.id,
            gate=check.gate,
            kind=check.kind,
            priority=check.priority,
            status=outcome.status,
            message=outcome.message,
            owner=check.owner,
            duration_s=duration_s,
            attempts=attempts,
            evidence=dict(outcome.evidence),
            findings=outcome.findings,
            description=check.description,
            measures=outcome.measures,
        )


def outside_root(exc: OutsideRoot) -> Outcome:
    """A probe met a symlink leading out of the root: a finding, and the link unread."""
    message = f"{exc.rel} leads outside the project root through a symlink; not followed"
    finding = Finding(OUTSIDE_ROOT.code, message, path=exc.rel)
    return Outcome(Status.FAIL, message, {"path": exc.rel}, (finding,), transient=False)


def _retryable(outcome: Outcome) -> bool:
    return (
        outcome.status is Status.ERROR and outcome.transient and "circuit" not in outcome.evidence
    )


def backoff_s(
    attempt: int, base_s: float = 0.5, cap_s: float = 8.0, jitter: Callable[[], float] | None = None
) -> float:
    """Exponential backoff with jitter over the upper half: base·2^(n-1), capped. For callers
    that sleep themselves (the orchestrator); checks retry through tenacity."""
    import random

    ceiling = min(cap_s, base_s * 2 ** (attempt - 1))
    rand = jitter() if jitter is not None else random.random()  # noqa: S311 - not crypto
    return float(ceiling / 2 + rand * ceiling / 2)


def _target(probe: Probe[Any], check: Check, ctx: Context) -> str | None:
    if probe.target is None:
        return None
    try:
        return probe.target(check.params, ctx)
    except Exception:
        return None


def _redact(outcome: Outcome, ctx: Context) -> Outcome:
    """The choke point: every text a probe returns, masked before anything else sees it."""
    mask = ctx.masking()
    texts = [outcome.message, *strings(outcome.evidence), *(f.message for f in outcome.findings)]
    if not mask.touches(texts):
        return outcome
    return replace(
        outcome,
        message=mask.text(outcome.message),
        evidence=mask.data(dict(outcome.evidence)),
        findings=tuple(replace(f, message=mask.text(f.message)) for f in outcome.findings),
    )


def _report(
    plan: Plan,
    root: Path,
    run: _Run,
    opts: RunOptions,
    started_at: dt.datetime,
    duration_s: float,
    interrupted: bool,
) -> RunReport:
    results = dict(run.results)
    for c in plan.checks:
        if c.id not in results:
            results[c.id] = run._result(c, errored("interrupted before it started"), 0.0, 0)
    today = opts.today or dt.datetime.now().date()
    results, notes = apply_waivers(plan, results, today)
    git = opts.git or git_info(root)
    void = DIRTY_TREE if git.tracked_changes else ""
    gates = judge_gates(plan.gates, results, opts.approvals, void)
    notes += score_notes(gates)
    ordered = tuple(results[c.id] for c in plan.checks)
    verdict, rate = overall(gates, ordered)
    if interrupted:
        notes.insert(0, "run interrupted: unfinished checks are marked error")
    return RunReport(
        project=plan.project,
        run_id=uuid.uuid4().hex,
        started_at=started_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
        duration_s=duration_s,
        git=git,
        verdict=verdict,
        pass_rate=rate,
        gates=tuple(gates),
        checks=ordered,
        plan_hash=plan.hash,
        plan_source=plan.source,
        root=str(root),
        interrupted=interrupted,
        notes=tuple(notes),
    )
