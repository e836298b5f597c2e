"""`junit`: JUnit XML reports (pytest, Maven Surefire and Failsafe, jest-junit,
gotestsum, nested suites) meet a pass rate, a failure budget, and every `critical` test
passes. Reports are read by `gonogo.probes.junitread`, the reader `gonogo audit` uses too:
reruns are one test, flaky passes are reported as such, suites that failed to run are
errors, and the counts come from the `<testcase>` records, never from `tests=`.
"""

from __future__ import annotations

from pydantic import Field

from gonogo import patterns
from gonogo.models import Finding, Outcome, errored, failed, verdict_of
from gonogo.probes.base import (
    Context,
    MeasureSpec,
    Params,
    Probe,
    ProbeDoc,
    Regex,
    RelPath,
    in_thread,
)
from gonogo.probes.freshness import MaxAge, stale
from gonogo.probes.junitread import Case, JunitError, count, read_junit
from gonogo.rules import Rule

MAX_XML_BYTES = 64 * 1024 * 1024


class JunitParams(Params):
    files: RelPath = Field(description="glob of JUnit XML files")
    min_pass_rate: float = Field(100.0, ge=0, le=100, description="percent of run tests")
    max_failures: int | None = Field(None, ge=0, description="failures + errors allowed")
    critical: Regex | None = Field(None, description="regex searched in classname.name")
    max_age: MaxAge | None = Field(None, description="duration, or `commit`")


def _check(p: JunitParams, ctx: Context) -> Outcome:
    rels = ctx.files.glob(p.files)
    if not rels:
        return failed(f"no JUnit report matches {p.files}")
    cases: list[Case] = []
    try:
        for rel in rels:
            cases += read_junit(ctx.files.read_bytes(rel, MAX_XML_BYTES), rel, ctx.expired).cases
    except JunitError as exc:
        return errored(str(exc))
    old = stale(ctx.root, rels, p.max_age)
    if old:
        return failed(old[0].message, findings=tuple(old))
    return judge(p, cases)


def judge(p: JunitParams, tests: list[Case]) -> Outcome:
    n = count(tests)
    rate = round(100.0 * n.passed / n.ran, 2) if n.ran else 0.0
    flaky = sorted(c.id for c in tests if c.flaky)
    evidence = {
        "passed": n.passed,
        "failed": n.failed,
        "error": n.errors,
        "skipped": n.skipped,
        "pass_rate": rate,
        "flaky": flaky[:20],
    }
    summary = f"{n.passed} passed, {n.failed} failed, {n.errors} errors, {n.skipped} skipped"
    if flaky:
        summary += f" ({len(flaky)} flaky)"
    findings = [_finding(c) for c in tests if c.outcome in ("failed", "error") or c.flaky]
    problems = _problems(p, tests, n.ran, rate, n.failed + n.errors)
    if problems:
        why = "; ".join(problems)
        return failed(f"{summary}: {why}", evidence=evidence, findings=tuple(findings[:200]))
    ok = verdict_of((), f"{summary} (pass rate {rate:g}%)", "", evidence)
    return Outcome(ok.status, ok.message, ok.evidence, tuple(findings[:200]))


def _finding(c: Case) -> Finding:
    if c.outcome == "passed":
        message = f"{c.id} passed after {c.attempts - 1} failed attempt(s): flaky"
        return Finding("junit.flaky", message, c.path, severity="warning", key=c.id)
    message = f"{c.id} {c.outcome}: {c.message}".rstrip(": ")
    if c.attempts > 1:
        message += f" (all {c.attempts} attempts)"
    return Finding(f"junit.{c.outcome}", message, c.path, key=c.id)


def _problems(p: JunitParams, tests: list[Case], ran: int, rate: float, bad: int) -> list[str]:
    problems = []
    if ran == 0:
        problems.append("no test ran")
    elif rate < p.min_pass_rate:
        problems.append(f"pass rate {rate:g}% < {p.min_pass_rate:g}%")
    if p.max_failures is not None and bad > p.max_failures:
        problems.append(f"{bad} failures > max_failures {p.max_failures}")
    if p.critical:
        regex = patterns.compiled(p.critical)
        crit = [c for c in tests if regex.search(c.id)]
        failing = [c.id for c in crit if c.outcome != "passed"]
        if not crit:
            problems.append(f"no test matches critical /{p.critical}/")
        elif failing:
            problems.append(f"critical test(s) not passing: {', '.join(failing[:3])}")
    return problems


RULES = (
    Rule(
        "junit.failed",
        "A test failed",
        remediation="Fix the test or the code under test, then re-run the suite.",
        docs="The report the test run wrote says this test failed (on every attempt, when "
        "the runner retried it).",
    ),
    Rule(
        "junit.error",
        "A test, or a whole suite, could not run",
        remediation="Fix the error (a missing fixture, an import or compile error, a setup "
        "that threw), then re-run the suite.",
        docs="An error is not a failed assertion: the test never got to its checks. A suite "
        "that fails to run hides every test in it.",
    ),
    Rule(
        "junit.flaky",
        "A test passed only on a rerun",
        severity="warning",
        remediation="Find what makes the test order- or time-dependent; a rerun hides it.",
        docs="A test that fails and then passes on one commit will fail again in production "
        "conditions nobody reran.",
    ),
)


PROBE = Probe(
    "junit",
    JunitParams,
    in_thread(_check),
    ProbeDoc(
        summary="JUnit XML reports meet `min_pass_rate` and `max_failures`, and every test "
        "matching `critical` passes; reruns count once; `max_age` rejects stale reports.",
        why="'56/56 tests passed' in a status report is a claim; the XML the test run wrote "
        "is evidence — and a report from last month proves nothing about today's code.",
        example="{id: junit, kind: junit, files: 'reports/*.xml', min_pass_rate: 95, "
        "critical: 'test_payment', max_age: commit}",
        remediation="Fix the failing tests listed in the findings, then re-run the suite so "
        "the report is fresh.",
    ),
    rules=RULES,
    measures=(MeasureSpec("pass_rate", "%", "higher", limit="min_pass_rate"),),
)
