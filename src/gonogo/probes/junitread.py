"""The one JUnit XML reader: the `junit` check and `gonogo audit --junit` count with it.

    from gonogo.probes.junitread import read_junit, JunitError
    report = read_junit(data, "reports/junit.xml")   # bytes of one file
    report.counts.passed, report.counts.failed, report.counts.errors, report.counts.skipped
    for case in report.cases: case.id, case.outcome, case.flaky, case.attempts, case.message

Counting follows what the test runners mean, not the `tests=`/`failures=` attributes
(which disagree with the records in real files):

- every `<testcase>` element at any depth of nested `<testsuite>`s is a record; one test
  written several times in one file is one test, judged by its last record, the final
  attempt. pytest-rerunfailures writes a record per attempt (from 16.6.1), so an earlier
  failure followed by a pass is a flaky pass and a pass followed by a failure is a failure;
  gotestsum's `--rerun-fails` does the same.
- Maven Surefire and Failsafe reruns: `<flakyFailure>`/`<flakyError>` children on a test
  without `<failure>`/`<error>` mean it failed, then passed on a rerun: passed, flaky.
  `<rerunFailure>`/`<rerunError>` children mean it failed every rerun too: failed (or an
  error), with one attempt per child more.
- a record for a suite that failed to run (jest's "Test suite failed to run", pytest's
  collection errors, a Surefire class whose setup threw) is an `<error>` record: an error.
  A `<testsuite>` that holds no `<testcase>` at all but reports errors or failures is
  one error record of its own.

XML is read with defusedxml (no entities, no external references) as a bounded
stream (`gonogo.probes.xmlstream`): depth and element caps, the check's deadline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from gonogo.probes import xmlstream
from gonogo.probes.formats import XmlError
from gonogo.strictnum import ascii_int

OUTCOMES = ("passed", "failed", "error", "skipped")
_FLAKY = ("flakyFailure", "flakyError")
_RERUN = {"rerunFailure": "failed", "rerunError": "error"}


class JunitError(ValueError):
    """Not a JUnit report: malformed or refused XML, or another root element."""


@dataclass(frozen=True, slots=True)
class Case:
    id: str  # classname.name
    outcome: str  # passed, failed, error, skipped
    message: str  # the first line of the failure or error message
    path: str  # the report file
    flaky: bool = False  # failed at least once, passed in the end
    attempts: int = 1


@dataclass(frozen=True, slots=True)
class Counts:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    flaky: int = 0  # passed tests that needed a rerun (included in `passed`)

    @property
    def total(self) -> int:
        return self.passed + self.failed + self.errors + self.skipped

    @property
    def ran(self) -> int:
        return self.passed + self.failed + self.errors

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.passed + other.passed,
            self.failed + other.failed,
            self.errors + other.errors,
            self.skipped + other.skipped,
            self.flaky + other.flaky,
        )


def count(cases: Iterable[Case]) -> Counts:
    tally = dict.fromkeys(OUTCOMES, 0)
    flaky = 0
    for case in cases:
        tally[case.outcome] += 1
        flaky += case.flaky
    return Counts(tally["passed"], tally["failed"], tally["error"], tally["skipped"], flaky)


@dataclass(frozen=True, slots=True)
class Report:
    """One report file: its tests, one `Case` each."""

    path: str
    cases: tuple[Case, ...]

    @property
    def counts(self) -> Counts:
        return count(self.cases)


def read_junit(
    data: bytes, path: str = "<junit>", expired: Callable[[], bool] | None = None
) -> Report:
    """The tests of one JUnit XML file (bytes already read, size bounded by the caller),
    read as a stream: a finished test record is judged and dropped. Raises JunitError,
    or DeadlinePassed once `expired()`."""
    final: dict[str, Case] = {}
    try:
        for case in _records(data, path, expired):
            earlier = final.pop(case.id, None)
            final[case.id] = case if earlier is None else _rerun(earlier, case)
    except XmlError as exc:
        raise JunitError(exc.located(path)) from None
    return Report(path, tuple(final.values()))


def _records(data: bytes, path: str, expired: Callable[[], bool] | None) -> Iterable[Case]:
    """Every test record, and an error record for each suite that holds none but
    reports errors or failures."""
    holds: list[bool] = []  # per open suite: a <testcase> somewhere inside
    for event, elem, parents in xmlstream.events(data, expired):
        tag = _local(elem.tag)
        if not parents and event == "start" and tag not in ("testsuites", "testsuite"):
            raise JunitError(f"{path}: not a JUnit report (root element <{tag}>)")
        if tag in ("testsuite", "testsuites") and event == "start":
            holds.append(False)
        if event != "end":
            continue
        if tag == "testcase":
            if holds:
                holds[-1] = True
            yield _case(elem, path)
        elif tag in ("testsuite", "testsuites"):
            held = holds.pop()
            if holds and held:
                holds[-1] = True
            _check_counts(elem, tag, path, not held)
            broken = _suite_error(elem, path) if not held and tag == "testsuite" else None
            if broken is not None:
                yield broken
        else:
            continue
        if parents:
            xmlstream.drop(elem, parents)


_COUNTS = ("tests", "failures", "errors", "skipped")


def _check_counts(elem: Any, tag: str, path: str, empty: bool) -> None:
    """A suite's own counts, where it writes them, are counts no runner could contradict:
    whole non-negative numbers, no more failures or skips than tests, and no
    tests claimed by a suite that holds none and reports no error. (The cases are counted
    from the records all the same; these only unmask a forged or broken report.)"""
    name = f"<{tag}{_named(elem)}>"
    got: dict[str, int] = {}
    for attr in _COUNTS:
        text = elem.get(attr)
        if text is None or not text.strip():
            continue
        value = ascii_int(text.strip())
        if value is None:
            raise JunitError(f"{path}: {name} {attr}={text!r} is not a count of tests")
        got[attr] = value
    tests = got.get("tests")
    if tests is None:
        return
    over = [a for a in ("failures", "skipped") if got.get(a, 0) > tests]  # a suite that
    # failed to run has errors and no tests (jest), a test can fail and error (pytest)
    if over:
        raise JunitError(f"{path}: {name} has {over[0]}={got[over[0]]} out of tests={tests}")
    if empty and tests and not got.get("failures") and not got.get("errors"):
        raise JunitError(f"{path}: {name} claims tests={tests} but holds no <testcase> record")


def _named(elem: Any) -> str:
    name = elem.get("name")
    return f" name={name[:60]!r}" if name else ""


def _case(elem: Any, path: str) -> Case:
    ident = f"{elem.get('classname') or ''}.{elem.get('name') or ''}".strip(".")
    children = [(_local(child.tag), child) for child in elem]
    tags = [tag for tag, _ in children]
    reruns = sum(tag in _RERUN for tag in tags)
    for tag, label in (("error", "error"), ("failure", "failed")):
        if tag in tags:
            return Case(ident, label, _message(children, tag), path, attempts=1 + reruns)
    rerun = next((tag for tag in tags if tag in _RERUN), None)
    if rerun is not None:
        return Case(ident, _RERUN[rerun], _message(children, rerun), path, attempts=reruns)
    if "skipped" in tags:
        return Case(ident, "skipped", "", path)
    flaky = sum(tag in _FLAKY for tag in tags)
    return Case(ident, "passed", "", path, flaky=flaky > 0, attempts=1 + flaky)


def _suite_error(elem: Any, path: str) -> Case | None:
    """A suite with no test records that still reports errors or failures: it did not run."""
    bad = _int(elem.get("errors")) + _int(elem.get("failures"))
    if bad <= 0:
        return None
    name = elem.get("name") or "<unnamed suite>"
    text = next(((c.get("message") or c.text or "") for c in elem if _local(c.tag) == "error"), "")
    message = _first_line(text) or f"the suite reports {bad} error(s) but no test ran"
    return Case(name, "error", message, path)


def _rerun(earlier: Case, final: Case) -> Case:
    """The final record of a test written more than once decides; a pass after a failure
    is flaky."""
    attempts = earlier.attempts + final.attempts
    if final.outcome == "passed":
        flaky = final.flaky or earlier.outcome in ("failed", "error") or earlier.flaky
        return Case(final.id, "passed", "", final.path, flaky, attempts)
    return Case(final.id, final.outcome, final.message, final.path, False, attempts)


def _message(children: list[tuple[str, Any]], tag: str) -> str:
    elem = next(child for name, child in children if name == tag)
    return _first_line(elem.get("message") or elem.text or "")


def _first_line(text: str) -> str:
    text = text.strip()
    return text.splitlines()[0][:200] if text else ""


def _local(tag: Any) -> str:
    return str(tag).rpartition("}")[2]


def _int(text: str | None) -> int:
    try:
        return int(text or 0)
    except ValueError:
        return 0
