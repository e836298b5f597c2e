"""`junit`: JUnit XML reports (pytest, Maven Surefire, jest-junit, gotestsum, nested
suites) meet a pass rate, a failure budget, and every `critical` test passes.

XML is parsed with defusedxml; junitparser reads each test case's result. A test that
appears several times (reruns) counts once: passed if any attempt passed, marked flaky
when another attempt failed; Surefire/pytest `flakyFailure`/`rerunFailure` children
mark a passing test flaky.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, verdict_of
from gonogo.probes.base import Context, Params, Probe, ProbeDoc, Regex, in_thread
from gonogo.probes.formats import XmlError, xml_root
from gonogo.probes.freshness import MaxAge, stale

MAX_XML_BYTES = 64 * 1024 * 1024
_FLAKY_TAGS = ("flakyFailure", "flakyError", "rerunFailure", "rerunError")


class JunitParams(Params):
    files: str = Field(description="glob of JUnit XML files")
    min_pass_rate: float = Field(100.0, ge=0, le=100, description="percent of run tests")
    max_failures: int | None = Field(None, ge=0, description="failures + errors allowed")
    critical: Regex | None = Field(None, description="regex searched in classname.name")
    max_age: MaxAge | None = Field(None, description="duration, or `commit`")


@dataclass(frozen=True, slots=True)
class Case:
    id: str
    outcome: str  # passed, failed, error, skipped
    message: str
    path: str
    flaky: bool = False


class ReportError(Exception):
    pass


def parse_cases(data: bytes, rel: str) -> list[Case]:
    """Every test case in one report file, nested suites included."""
    from junitparser import TestCase

    try:
        root = xml_root(data)
    except XmlError as exc:
        raise ReportError(exc.located(rel)) from None
    if root.tag not in ("testsuites", "testsuite"):
        raise ReportError(f"{rel}: not a JUnit report (root element <{root.tag}>)")
    cases = []
    for elem in root.iter("testcase"):
        case = TestCase.fromelem(elem)  # type: ignore[no-untyped-call]
        ident = f"{case.classname or ''}.{case.name or ''}".strip(".")
        flaky = any(child.tag in _FLAKY_TAGS for child in elem)
        cases.append(Case(ident, *_outcome(case), path=rel, flaky=flaky))
    return cases


def _outcome(case: Any) -> tuple[str, str]:
    results = case.result
    for kind, label in (("Error", "error"), ("Failure", "failed")):
        for r in results:
            if type(r).__name__ == kind:
                text = (r.message or r.text or "").strip()
                return label, text.splitlines()[0][:200] if text else ""
    if any(type(r).__name__ == "Skipped" for r in results):
        return "skipped", ""
    return "passed", ""


def merge(cases: list[Case]) -> dict[str, Case]:
    """One outcome per test id: a rerun that passed wins, and is flaky."""
    out: dict[str, Case] = {}
    for c in cases:
        prev = out.get(c.id)
        if prev is None:
            out[c.id] = c
        elif c.outcome == "passed" or prev.outcome == "passed":
            bad = prev if prev.outcome in ("failed", "error") else c
            win = c if c.outcome == "passed" else prev
            flaky = bad.outcome in ("failed", "error") or win.flaky
            out[c.id] = Case(win.id, "passed", "", win.path, flaky)
        else:
            out[c.id] = c
    return out


def _check(p: JunitParams, ctx: Context) -> Outcome:
    rels = ctx.files.glob(p.files)
    if not rels:
        return failed(f"no JUnit report matches {p.files}")
    cases: list[Case] = []
    try:
        for rel in rels:
            cases += parse_cases(ctx.files.read_bytes(rel, MAX_XML_BYTES), rel)
    except ReportError as exc:
        return errored(str(exc))
    old = stale(ctx.root, rels, p.max_age)
    if old:
        return failed(old[0].message, findings=tuple(old))
    return judge(p, merge(cases))


def judge(p: JunitParams, tests: dict[str, Case]) -> Outcome:
    n = {k: sum(c.outcome == k for c in tests.values()) for k in ("passed", "failed", "error")}
    run = n["passed"] + n["failed"] + n["error"]
    skipped = len(tests) - run
    flaky = sorted(c.id for c in tests.values() if c.flaky)
    rate = round(100.0 * n["passed"] / run, 2) if run else 0.0
    evidence = {**n, "skipped": skipped, "pass_rate": rate, "flaky": flaky[:20]}
    summary = f"{n['passed']} passed, {n['failed']} failed, {n['error']} errors, {skipped} skipped"
    findings = [
        Finding(f"junit.{c.outcome}", f"{c.id} {c.outcome}: {c.message}".rstrip(": "), c.path)
        for c in tests.values()
        if c.outcome in ("failed", "error")
    ]
    problems = []
    if run == 0:
        problems.append("no test ran")
    elif rate < p.min_pass_rate:
        problems.append(f"pass rate {rate:g}% < {p.min_pass_rate:g}%")
    if p.max_failures is not None and n["failed"] + n["error"] > p.max_failures:
        problems.append(f"{n['failed'] + n['error']} failures > max_failures {p.max_failures}")
    if p.critical:
        regex = re.compile(p.critical)
        crit = [c for c in tests.values() if regex.search(c.id)]
        bad = [c.id for c in crit if c.outcome != "passed"]
        if not crit:
            problems.append(f"no test matches critical /{p.critical}/")
        elif bad:
            problems.append(f"critical test(s) not passing: {', '.join(bad[:3])}")
    if problems:
        why = "; ".join(problems)
        return failed(f"{summary}: {why}", evidence=evidence, findings=tuple(findings[:200]))
    return verdict_of((), f"{summary} (pass rate {rate:g}%)", "", evidence)


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
)
