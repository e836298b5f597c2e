"""The one JUnit reader (`gonogo.probes.junitread`), dialect by dialect: what each test
runner means by its records, counted from `<testcase>` elements, never `tests=`."""

from __future__ import annotations

import pytest

from gonogo.probes.junitread import Counts, JunitError, read_junit


def _suite(body: str, attrs: str = 'tests="99" failures="0" errors="0"') -> bytes:
    return f'<?xml version="1.0"?>\n<testsuite name="s" {attrs}>\n{body}\n</testsuite>'.encode()


def _outcomes(data: bytes) -> list[tuple[str, str, bool, int]]:
    return [(c.id, c.outcome, c.flaky, c.attempts) for c in read_junit(data, "r.xml").cases]


def test_pytest_rerunfailures_one_record_per_attempt_is_one_test() -> None:
    """pytest-rerunfailures 16.6.1 writes a record per attempt, the final one last."""
    data = _suite(
        '<testcase classname="t" name="always"/>\n'
        '<testcase classname="t" name="always"/>\n'
        '<testcase classname="t" name="always"><failure message="assert False"/></testcase>\n'
        '<testcase classname="t" name="second_try"><failure message="boom"/></testcase>\n'
        '<testcase classname="t" name="second_try"/>\n'
    )
    assert _outcomes(data) == [
        ("t.always", "failed", False, 3),
        ("t.second_try", "passed", True, 2),
    ]
    assert read_junit(data).counts == Counts(passed=1, failed=1, flaky=1)


def test_surefire_flaky_and_rerun_children() -> None:
    """Surefire: flakyFailure/flakyError on a test without failure = passed on a rerun;
    rerunFailure/rerunError beside failure/error = failed every rerun too."""
    data = _suite(
        '<testcase classname="c.CartTest" name="adds"/>\n'
        '<testcase classname="c.CartTest" name="removes"><flakyFailure message="1"/>'
        '<flakyFailure message="2"/></testcase>\n'
        '<testcase classname="c.CartTest" name="pays"><flakyError message="io"/></testcase>\n'
        '<testcase classname="c.CartTest" name="ships"><failure message="no"/>'
        '<rerunFailure message="no"/><rerunFailure message="no"/></testcase>\n'
        '<testcase classname="c.CartTest" name="bills"><error message="npe"/>'
        '<rerunError message="npe"/></testcase>\n'
    )
    assert _outcomes(data) == [
        ("c.CartTest.adds", "passed", False, 1),
        ("c.CartTest.removes", "passed", True, 3),
        ("c.CartTest.pays", "passed", True, 2),
        ("c.CartTest.ships", "failed", False, 3),
        ("c.CartTest.bills", "error", False, 2),
    ]
    assert read_junit(data).counts == Counts(passed=3, failed=1, errors=1, flaky=2)


def test_a_suite_that_failed_to_run_is_an_error() -> None:
    """jest-junit's "Test suite failed to run" record, pytest's collection error, and a
    suite that reports errors with no test record at all."""
    jest = (
        b'<testsuites name="jest tests" tests="0" failures="0" errors="1">'
        b'<testsuite name="src/app.test.ts" errors="1" failures="0" skipped="0" tests="0">'
        b'<testcase classname="Test suite failed to run" name="src/app.test.ts">'
        b"<error>Test suite failed to run\n  Cannot find module './app'</error>"
        b"</testcase></testsuite></testsuites>"
    )
    assert [(c.id, c.outcome, c.message) for c in read_junit(jest).cases] == [
        ("Test suite failed to run.src/app.test.ts", "error", "Test suite failed to run")
    ]
    collection = _suite(
        '<testcase classname="" name="tests.test_models"><error message="collection failure">'
        "ImportError</error></testcase>"
    )
    assert _outcomes(collection) == [("tests.test_models", "error", False, 1)]
    empty_broken = (
        b'<testsuites><testsuite name="com.shop.DbIT" tests="3" errors="1"/></testsuites>'
    )
    report = read_junit(empty_broken)
    assert [(c.id, c.outcome, c.message) for c in report.cases] == [
        ("com.shop.DbIT", "error", "the suite reports 1 error(s) but no test ran")
    ]


def test_counts_come_from_records_not_attributes() -> None:
    data = _suite(
        '<testcase classname="a" name="one"/><testcase classname="a" name="two">'
        "<skipped/></testcase>",
        attrs='tests="40" failures="3" errors="2" skipped="0"',
    )
    assert read_junit(data).counts == Counts(passed=1, skipped=1)


def test_nested_suites_and_namespaces() -> None:
    data = (
        b'<testsuites xmlns="urn:x"><testsuite name="outer"><testsuite name="inner">'
        b'<testcase classname="p" name="deep"/></testsuite>'
        b'<testcase classname="p" name="top"><failure/></testcase></testsuite></testsuites>'
    )
    assert _outcomes(data) == [("p.deep", "passed", False, 1), ("p.top", "failed", False, 1)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<testsuite>\n<testcase>\n", "r.xml:3: malformed XML"),
        (b"<coverage/>", "r.xml: not a JUnit report (root element <coverage>)"),
        (
            b'<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aa">]><testsuite>&a;</testsuite>',
            "r.xml: refused XML",
        ),
    ],
)
def test_bad_files_raise_with_the_file_and_line(data: bytes, message: str) -> None:
    with pytest.raises(JunitError) as info:
        read_junit(data, "r.xml")
    assert str(info.value).startswith(message)
