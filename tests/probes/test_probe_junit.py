from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from artifact_helpers import copy_data, run_probe
from gonogo.models import Status
from gonogo.probes.junit import PROBE


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    return copy_data(tmp_path, "junit")


def test_pytest_dialect_counts_failures_errors_skips_and_flaky(reports: Path) -> None:
    out = run_probe(PROBE, reports, files="junit/pytest.xml", min_pass_rate=60)
    assert out.status is Status.FAIL
    assert out.message.startswith("2 passed, 1 failed, 1 errors, 1 skipped (1 flaky)")
    assert out.evidence["flaky"] == ["tests.test_api.test_flaky"]
    rules = sorted((f.rule, f.severity, f.message.split()[0]) for f in out.findings)
    assert rules == [
        ("junit.error", "error", "tests.test_api.test_db"),
        ("junit.failed", "error", "tests.test_api.test_payment_refund"),
        ("junit.flaky", "warning", "tests.test_api.test_flaky"),
    ]
    assert "tests.test_api.test_payment_refund failed: assert 402 == 200" in [
        f.message for f in out.findings
    ]


def test_surefire_many_files_pass_with_flaky_counted_once(reports: Path) -> None:
    out = run_probe(PROBE, reports, files="junit/surefire/TEST-*.xml")
    assert out.status is Status.PASS, out.message
    assert out.evidence["passed"] == 3
    assert out.evidence["skipped"] == 1
    assert out.evidence["flaky"] == ["com.shop.CartTest.removesItem"]


def test_jest_dialect(reports: Path) -> None:
    assert run_probe(PROBE, reports, files="junit/jest.xml").status is Status.PASS


def test_gotestsum_rerun_passes_once_and_nested_suites_count(reports: Path) -> None:
    out = run_probe(PROBE, reports, files="junit/gotestsum.xml", max_failures=0)
    assert out.status is Status.PASS, out.message
    assert out.evidence["passed"] == 3
    assert out.evidence["flaky"] == ["example.com/shop/api.TestRetry"]


@pytest.mark.parametrize(
    ("params", "status", "text"),
    [
        ({"min_pass_rate": 40}, Status.PASS, "pass rate 50%"),
        ({"min_pass_rate": 60}, Status.FAIL, "pass rate 50% < 60%"),
        ({"min_pass_rate": 0, "max_failures": 1}, Status.FAIL, "2 failures > max_failures 1"),
        ({"min_pass_rate": 0, "critical": "payment"}, Status.FAIL, "test_payment_refund"),
        ({"min_pass_rate": 0, "critical": "test_login$"}, Status.PASS, ""),
        ({"min_pass_rate": 0, "critical": "nothing"}, Status.FAIL, "no test matches critical"),
    ],
)
def test_thresholds(reports: Path, params: dict, status: Status, text: str) -> None:
    out = run_probe(PROBE, reports, files="junit/pytest.xml", **params)
    assert out.status is status
    assert text in out.message


def test_malformed_xml_is_an_error_naming_file_and_line(reports: Path) -> None:
    out = run_probe(PROBE, reports, files="junit/*.xml", min_pass_rate=0)
    assert out.status is Status.ERROR
    assert out.message.startswith("junit/broken.xml:4: malformed XML")


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    (tmp_path / "r.xml").write_text(
        '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaa">]><testsuite>&a;</testsuite>'
    )
    out = run_probe(PROBE, tmp_path, files="r.xml")
    assert out.status is Status.ERROR
    assert "r.xml" in out.message


def test_stale_report_fails_with_its_age(reports: Path) -> None:
    old = time.time() - 40 * 86400
    os.utime(reports / "junit/jest.xml", (old, old))
    out = run_probe(PROBE, reports, files="junit/jest.xml", max_age="7d")
    assert out.status is Status.FAIL
    assert "junit/jest.xml is 40d" in out.message


def test_no_report_fails(tmp_path: Path) -> None:
    assert run_probe(PROBE, tmp_path, files="reports/*.xml").status is Status.FAIL


def test_reruns_flaky_passes_warn_and_failed_reruns_fail(tmp_path: Path) -> None:
    (tmp_path / "TEST-Cart.xml").write_text(
        '<testsuite name="Cart" tests="3" failures="1">'
        '<testcase classname="Cart" name="adds"/>'
        '<testcase classname="Cart" name="removes"><flakyFailure message="1"/></testcase>'
        '<testcase classname="Cart" name="pays"><failure message="declined"/>'
        '<rerunFailure message="declined"/><rerunFailure message="declined"/></testcase>'
        "</testsuite>"
    )
    out = run_probe(PROBE, tmp_path, files="TEST-*.xml", min_pass_rate=50)
    assert out.status is Status.PASS
    assert out.message == "2 passed, 1 failed, 0 errors, 0 skipped (1 flaky) (pass rate 66.67%)"
    assert [(f.rule, f.severity, f.path, f.message) for f in out.findings] == [
        (
            "junit.flaky",
            "warning",
            "TEST-Cart.xml",
            "Cart.removes passed after 1 failed attempt(s): flaky",
        ),
        ("junit.failed", "error", "TEST-Cart.xml", "Cart.pays failed: declined (all 3 attempts)"),
    ]
    strict = run_probe(PROBE, tmp_path, files="TEST-*.xml")
    assert strict.status is Status.FAIL
    assert strict.message.endswith("pass rate 66.67% < 100%")
