"""Thresholds relative to history: a check's measure judged against an earlier run's.

The engine never opens a store: whoever runs it (the CLI, a server) passes a
`BaselineReader` in `RunOptions`; the lookups for the plan's `compare` checks happen
once before the checks run, and judging is a pure function of the outcome, the
check's `compare` and the baseline found.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from gonogo.models import Baseline, Finding, Measure, NoBaseline, Outcome, Status
from gonogo.plan.model import Check, Plan
from gonogo.plan.schema import CompareSpec
from gonogo.probes.base import MeasureSpec, Probe
from gonogo.rules import REGRESSION

REGRESSION_RULE = REGRESSION.code
_EPSILON = 1e-9  # 10% worse is within `max_regression: 10%`, whatever the float rounding


Found = Baseline | NoBaseline


class BaselineReader(Protocol):
    def lookup(self, project: str, wanted: Sequence[tuple[str, str]]) -> Mapping[str, Found]:
        """For each (check id, `with` reference: last_passing, last or run:ID), keyed by
        check id: the earlier run's result for that check, or why there is none."""


def read_baselines(plan: Plan, reader: BaselineReader | None) -> dict[str, Found]:
    """One lookup, before any check runs, for every check that compares with history;
    a reader that fails means no baseline (and says why), never a crashed run."""
    wanted = [(c.id, c.compare.with_) for c in plan.checks if c.compare is not None]
    if not wanted or reader is None:
        return {}
    try:
        return dict(reader.lookup(plan.project, wanted))
    except Exception as exc:
        none = NoBaseline(f"the history could not be read: {type(exc).__name__}: {exc}")
        return {cid: none for cid, _ in wanted}


def judged(probe: Probe[Any], check: Check, outcome: Outcome, found: Found | None) -> Outcome:
    """The measures the outcome reports, then the `compare` step, if the check has one."""
    measures = measures_of(probe.measures, check.params, outcome)
    if measures is not outcome.measures:
        outcome = replace(outcome, measures=measures)
    if check.compare is None or not probe.measures:
        return outcome
    name = check.compare.measure or probe.measures[0].name
    return compared(outcome, check.compare, found, name)


def measures_of(
    specs: tuple[MeasureSpec, ...], params: Any, outcome: Outcome
) -> tuple[Measure, ...]:
    """The outcome's own measures, else those its kind declares, read from its evidence.
    Only an evaluated outcome (pass or fail) has measures."""
    if outcome.measures or outcome.status not in (Status.PASS, Status.FAIL):
        return outcome.measures
    out = []
    for spec in specs:
        value = _number(outcome.evidence.get(spec.key or spec.name))
        if value is None:
            continue
        limit = _number(_param(params, spec.limit)) if spec.limit else None
        out.append(Measure(spec.name, value, spec.unit, spec.better, limit))
    return tuple(out)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def _param(params: Any, path: str) -> Any:
    for part in path.split("."):
        params = getattr(params, part, None)
    return params


def compared(outcome: Outcome, spec: CompareSpec, found: Found | None, name: str) -> Outcome:
    """`outcome` judged against the baseline as well: a regression beyond
    `max_regression` fails; with no baseline the absolute threshold decides, and with
    none of those either the check is an `error` (could not tell is never a pass)."""
    if outcome.status not in (Status.PASS, Status.FAIL):
        return outcome
    now = next((m for m in outcome.measures if m.name == name), None)
    if now is None:
        if outcome.status is Status.FAIL:
            return outcome
        return replace(
            outcome,
            status=Status.ERROR,
            message=f"`compare` needs the measure {name}, which this run did not report; "
            f"{outcome.message}",
            transient=False,
        )
    base = found.measure(name) if isinstance(found, Baseline) else None
    if base is None or not isinstance(found, Baseline):
        return _without_baseline(outcome, spec, now, _why_none(found, name))
    return _against(outcome, spec, now, base, found)


def _why_none(found: Found | None, name: str) -> str:
    if found is None:
        return "no history store to read"
    if isinstance(found, NoBaseline):
        return found.reason
    return f"run {found.run_id[:8]} did not measure {name} for this check"


def _without_baseline(outcome: Outcome, spec: CompareSpec, now: Measure, why: str) -> Outcome:
    evidence = {**outcome.evidence, "compare": _evidence(spec, now, None, None) | {"reason": why}}
    if now.limit is not None:
        message = f"{outcome.message}; no baseline ({why}): judged by its absolute threshold only"
        return replace(outcome, message=message, evidence=evidence)
    return replace(
        outcome,
        status=Status.ERROR,
        message=f"{now.name} {_shown(now.value, now.unit)} has no baseline to compare with "
        f"({why}) and the check sets no absolute threshold to fall back on: give it one, "
        "or compare `with: last` (the newest run that measured it)",
        evidence=evidence,
        transient=False,
    )


def _against(
    outcome: Outcome, spec: CompareSpec, now: Measure, base: Measure, found: Baseline
) -> Outcome:
    worse = regression(now.value, base.value, now.better)
    evidence = {**outcome.evidence, "compare": _evidence(spec, now, base, found, worse)}
    where = f"{_shown(base.value, base.unit)} in run {found.run_id[:8]} ({spec.with_})"
    if worse > spec.max_regression + _EPSILON:
        amount = "" if math.isinf(worse) else f"{_pct(worse)} "
        text = (
            f"{now.name} {_shown(now.value, now.unit)} is {amount}worse than {where}; "
            f"at most {_pct(spec.max_regression)} allowed"
        )
        findings = (*outcome.findings, Finding(REGRESSION_RULE, text))
        return replace(
            outcome,
            status=Status.FAIL,
            message=f"{text}; {outcome.message}",
            evidence=evidence,
            findings=findings,
        )
    if worse > 0:
        how = f"{_pct(worse)} worse than {where}, within {_pct(spec.max_regression)}"
    elif worse < 0:
        how = f"{_pct(-worse)} better than {where}"
    else:
        how = f"same as {where}"
    return replace(outcome, message=f"{outcome.message}; {now.name} {how}", evidence=evidence)


def regression(value: float, base: float, better: str) -> float:
    """How much worse `value` is than `base`, as a fraction of `base` (negative: better).
    From a baseline of 0 any worsening is infinite."""
    worse = value - base if better == "lower" else base - value
    if base == 0:
        return 0.0 if worse == 0 else (math.inf if worse > 0 else -math.inf)
    return worse / abs(base)


def _evidence(
    spec: CompareSpec,
    now: Measure,
    base: Measure | None,
    found: Baseline | None,
    worse: float | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {"with": spec.with_, "measure": now.name, "value": now.value}
    out["baseline"] = None if base is None else base.value
    if found is not None:
        out.update(run_id=found.run_id, started_at=found.started_at)
    if worse is not None:
        out["regression"] = None if math.isinf(worse) else round(worse, 6)
    out["max_regression"] = spec.max_regression
    return out


def _pct(fraction: float) -> str:
    return f"{round(fraction * 100, 2):g}%"


def _shown(value: float, unit: str) -> str:
    if not unit:
        return f"{value:g}"
    return f"{value:g}{unit}" if unit == "%" else f"{value:g} {unit}"
