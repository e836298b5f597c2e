"""Forged evidence is refused: each report of tests/data/forged/ holds numbers no real
coverage tool or test runner writes, and the check is an `error` that says which."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes import coverage, junit

FORGED = Path(__file__).parents[1] / "data" / "forged"

COVERAGE = {
    "cobertura-nan.xml": "line-rate is nan, not a finite number",
    "cobertura-infinity.xml": "line-rate is inf, not a finite number",
    "cobertura-10000-percent.xml": "line-rate is 100.0, outside 0–1",
    "cobertura-negative.xml": "lines-covered is -4, a negative count",
    "cobertura-covered-over-valid.xml": "50 lines covered out of 10",
    "cobertura-rate-mismatch.xml": "line-rate says 95% but 10/100 lines is 10.00%",
    "cobertura-zero-lines.xml": "the report counts 0 lines, so it measured nothing",
    "cobertura-underscore.xml": "lines-valid='1_000' is not a whole number",
    "json-nan.json": "the report holds NaN, which no coverage tool writes",
    "json-infinity.json": "the report holds 1e999, which no coverage tool writes",
    "json-boolean.json": "totals.covered_lines is true, not a whole number",
    "json-negative.json": "totals.covered_lines is -5, a negative count",
    "json-zero-statements.json": "the report counts 0 lines, so it measured nothing",
    "json-10000-percent.json": "totals.percent_covered is 10000, outside 0–100",
    "json-fractional-count.json": "totals.covered_lines is 5.5, not a whole number",
    "json-totals-not-files.json": "totals say 9/10 lines covered, its files add up to 1/10",
    "lcov-hit-over-found.info:5": "LH:50 lines hit out of LF:10",
    "lcov-da-mismatch.info:7": "LF:2 LH:2, but the record's DA lines count 2 lines, 0 hit",
    "lcov-zero-lines.info": "the report counts 0 lines, so it measured nothing",
    "lcov-negative.info:3": "LH is -1, a negative count",
}
JUNIT = {
    "junit-negative-tests.xml": "<testsuite name='api'> tests='-3' is not a count of tests",
    "junit-nan-failures.xml": "<testsuite name='api'> failures='NaN' is not a count of tests",
    "junit-more-failures-than-tests.xml": "<testsuite name='api'> has failures=5 out of tests=2",
    "junit-underscore.xml": "<testsuite name='api'> skipped='1_000' is not a count of tests",
    "junit-claims-tests-it-lacks.xml": (
        "<testsuite name='api'> claims tests=56 but holds no <testcase> record"
    ),
}


def _copy(tmp_path: Path, name: str) -> None:
    shutil.copy(FORGED / name, tmp_path / name)


@pytest.mark.parametrize(("where", "reason"), COVERAGE.items(), ids=list(COVERAGE))
def test_forged_coverage_is_an_error_naming_the_inconsistency(
    tmp_path: Path, where: str, reason: str
) -> None:
    name = where.partition(":")[0]
    _copy(tmp_path, name)
    out = run_probe(coverage.PROBE, tmp_path, file=name, min_percent=60)
    assert (out.status, out.message) == (Status.ERROR, f"{where}: {reason}")


@pytest.mark.parametrize(("name", "reason"), JUNIT.items(), ids=list(JUNIT))
def test_forged_junit_is_an_error_naming_the_inconsistency(
    tmp_path: Path, name: str, reason: str
) -> None:
    _copy(tmp_path, name)
    out = run_probe(junit.PROBE, tmp_path, files=name, min_pass_rate=0)
    assert (out.status, out.message) == (Status.ERROR, f"{name}: {reason}")


def test_the_corpus_is_all_tested() -> None:
    named = {w.partition(":")[0] for w in COVERAGE} | set(JUNIT)
    assert named == {p.name for p in FORGED.iterdir()}


@pytest.mark.parametrize(
    ("text", "status", "message"),
    [
        ("TN:\nSF:a.py\nDA:1,3\nDA:2,0\nDA:3,1\nLF:3\nLH:2\nend_of_record\n"
         "SF:b.py\nDA:1,1\nend_of_record\n", Status.PASS, "lcov.info: line coverage 75% ≥ 60%"),
        ("SF:a.py\nLF:10\nLH:5\nend_of_record\n", Status.FAIL,
         "lcov.info: line coverage 50% < 60%"),
    ],
)  # fmt: skip
def test_genuine_lcov_is_read(tmp_path: Path, text: str, status: Status, message: str) -> None:
    (tmp_path / "lcov.info").write_text(text)
    out = run_probe(coverage.PROBE, tmp_path, file="lcov.info", min_percent=60)
    assert (out.status, out.message) == (status, message)


def test_genuine_counts_with_a_rounded_rate_pass(tmp_path: Path) -> None:
    (tmp_path / "coverage.xml").write_text(
        '<coverage lines-valid="7" lines-covered="6" line-rate="0.8571"><packages/></coverage>'
    )
    out = run_probe(coverage.PROBE, tmp_path, file="coverage.xml", min_percent=60)
    assert (out.status, out.message) == (Status.PASS, "coverage.xml: line coverage 85.71% ≥ 60%")
