"""A pushed body is prepared from its JSON data without building the report's checks:
what the writer gets is what the report itself would give (`summary.prepare`), for
every kind of check, and for a body that leaves out what the schema lets it."""

from __future__ import annotations

import json
from dataclasses import replace

from gonogo.models import Finding, Measure, RunReport, Status
from gonogo.server import intake
from gonogo.server.summary import prepare
from sample_report import sample_report


def _rich() -> RunReport:
    report = sample_report()
    checks = list(report.checks)
    checks[0] = replace(
        checks[0],
        description="the README says how to run it",
        measures=(Measure("p95_ms", 12.5, "ms", "lower", 100.0), Measure("rps", 900.0)),
    )
    checks[1] = replace(
        checks[1], findings=(*checks[1].findings, Finding("x.rule", "keyed", key="VAR"))
    )
    checks[4] = replace(checks[4], priority="P0", waiver={})  # a P0 blocker, an empty waiver
    return replace(report, checks=tuple(checks), git=replace(report.git, branch=None))


def _lean(data: dict[str, object]) -> dict[str, object]:
    """The same run with every key the schema lets a check leave out, left out where it
    holds its default."""
    defaults = {"priority": "P2", "message": "", "owner": None, "attempts": 1, "flaky": False}
    checks = []
    for c in data["checks"]:  # type: ignore[attr-defined]
        lean = {k: v for k, v in c.items() if defaults.get(k, object()) != v}
        for key in ("evidence", "findings"):
            if not lean[key]:
                del lean[key]
        checks.append(lean)
    return {**data, "checks": checks}


def test_a_pushed_body_is_prepared_as_its_report_would_be() -> None:
    data = _rich().to_dict()
    for pushed in (data, _lean(data)):
        got = intake.prepared("shop", json.dumps(pushed).encode())
        assert got == prepare(RunReport.from_dict(pushed))
    got = intake.prepared("shop", json.dumps(data).encode())
    assert [b["check"] for b in got.p0] == ["compose-env", "junit"]
    assert [(w.check_id, w.waived) for w in got.waivers] == [("backup", True)]  # {} is none
    assert got.rows[0]["checks"] == 7
    assert got.branch == ""
    assert json.loads(got.rows[2][0]["detail"])["measures"][1] == {
        "name": "rps",
        "value": 900.0,
        "unit": "",
        "better": "lower",
        "limit": None,
    }
    assert got.rows[2][4]["status"] == Status.BLOCKED.value
