"""JUnit XML: one testsuite per gate, one testcase per check, parsed back by junitparser."""

from __future__ import annotations

from pathlib import Path

from junitparser import Error, Failure, JUnitXml, Skipped

from gonogo.models import (
    CheckResult,
    Finding,
    GateReport,
    GitInfo,
    RunReport,
    Status,
    Verdict,
)
from gonogo.report import render


def _check(cid: str, gate: str, status: Status, message: str, **kw: object) -> CheckResult:
    return CheckResult(cid, gate, "command", "P1", status, message, duration_s=0.25, **kw)  # type: ignore[arg-type]


def _report() -> RunReport:
    checks = (
        _check("unit", "build", Status.PASS, "exit 0"),
        _check(
            "lint",
            "build",
            Status.FAIL,
            "2 findings <in> app.py & more",
            findings=(Finding("E501", "line too long", "app.py", 12),),
        ),
        _check("db", "deploy", Status.ERROR, "connection refused\x00\x1b[31m"),
        _check("migrate", "deploy", Status.BLOCKED, "needs db (error)"),
        _check("gpu", "deploy", Status.SKIP, "when: env CUDA is unset"),
        _check(
            "backup",
            "deploy",
            Status.WAIVED,
            "waived: fail: no backup",
            waiver={"reason": "drill next sprint", "owner": "ops", "expires": "2027-01-31"},
        ),
    )
    gates = (
        GateReport("build", "Build", Verdict.NO_GO, 50.0, 1, 2, 0, 0, 100.0, ("lint",), ()),
        GateReport("deploy", "Deploy", Verdict.NO_GO, 0.0, 0, 4, 1, 1, 100.0, ("db",), ()),
    )
    return RunReport(
        "shop",
        "run1",
        "2026-01-01T00:00:00Z",
        1.5,
        GitInfo("abc", "main", False),
        Verdict.NO_GO,
        25.0,
        gates,
        checks,
    )


def test_statuses_map_to_junit_elements(tmp_path: Path) -> None:
    path = tmp_path / "gonogo.xml"
    path.write_text(render(_report(), "junit"))
    xml = JUnitXml.fromfile(str(path))
    suites = {s.name: s for s in xml}
    assert list(suites) == ["build", "deploy"]
    build, deploy = suites["build"], suites["deploy"]
    # each gate adds its `gate verdict` testcase, failed when the gate is NO-GO
    assert (build.tests, build.failures, build.errors, build.skipped) == (3, 2, 0, 0)
    assert (deploy.tests, deploy.failures, deploy.errors, deploy.skipped) == (5, 1, 2, 2)
    cases = {(c.classname, c.name): c for s in xml for c in s}
    (verdict,) = cases["deploy", "gate verdict"].result
    assert isinstance(verdict, Failure)
    assert verdict.message == "deploy is NO-GO"
    cases = {c.name: c for s in xml for c in s}
    assert cases["unit"].is_passed
    assert cases["unit"].classname == "build"
    assert cases["unit"].time == 0.25
    (failure,) = cases["lint"].result
    assert isinstance(failure, Failure)
    assert failure.message == "2 findings <in> app.py & more"
    assert "app.py:12 E501: line too long" in (failure.text or "")
    assert all(isinstance(r, Error) for r in cases["db"].result + cases["migrate"].result)
    assert "\x00" not in cases["db"].result[0].message  # control bytes do not break the XML
    assert isinstance(cases["gpu"].result[0], Skipped)
    (waived,) = cases["backup"].result
    assert isinstance(waived, Skipped)
    assert waived.message == "waived: drill next sprint (owner ops, expires 2027-01-31)"


def test_gate_verdicts_travel_as_properties() -> None:
    text = render(_report(), "junit")
    assert '<property name="verdict" value="NO-GO" />' in text
    assert '<property name="pass_rate" value="50" />' in text
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites')


def test_a_gate_no_go_only_for_its_threshold_shows_a_failure(tmp_path: Path) -> None:
    """No check fails, yet the gate is NO-GO (a missing approval): the importer must count
    a failure, or CI shows green beside exit code 1."""
    report = RunReport(
        "shop",
        "run2",
        "2026-01-01T00:00:00Z",
        0.1,
        GitInfo(),
        Verdict.NO_GO,
        100.0,
        (
            GateReport(
                "release",
                "Release",
                Verdict.NO_GO,
                100.0,
                1,
                1,
                0,
                0,
                100.0,
                (),
                ("missing approval(s) for this commit: vp",),
                approvals_required=("vp",),
            ),
        ),
        (_check("unit", "release", Status.PASS, "exit 0"),),
    )
    path = tmp_path / "gonogo.xml"
    path.write_text(render(report, "junit"))
    xml = JUnitXml.fromfile(str(path))
    assert (xml.tests, xml.failures, xml.errors) == (2, 1, 0)
    ((suite_name, case),) = [(s.name, c) for s in xml for c in s if not c.is_passed]
    assert (suite_name, case.name) == ("release", "gate verdict")
    assert case.result[0].message == ("release is NO-GO: missing approval(s) for this commit: vp")
