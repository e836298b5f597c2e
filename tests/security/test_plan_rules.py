"""Plan rules that stop a plan from lying quietly: waivers that never come up again,
blank owners and reasons, YAML 1.1 booleans where text was meant."""

from __future__ import annotations

import datetime as dt

import pytest

from gonogo.errors import PlanError
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN

TODAY = dt.date(2026, 12, 3)
GATES = "version: 1\ngates:\n  - id: g\n    checks:\n      - {id: ci, kind: file.exists, path: x}\n"


def _error(text: str) -> str:
    with pytest.raises(PlanError) as err:
        parse_plan(text, BUILTIN, source="gonogo.yaml", today=TODAY)
    return str(err.value)


@pytest.mark.parametrize(
    ("waiver", "message"),
    [
        (
            '{check: ci, reason: "drill", owner: ops, expires: 9999-12-31}',
            "gonogo.yaml:7:46: waivers[0].expires: 9999-12-31 is 2912106 days away; a waiver "
            "lasts at most 365 days (`defaults.waiver_max_days`), so that it is reviewed again",
        ),
        (
            '{check: ci, reason: "   ", owner: ops, expires: 2027-01-31}',
            "gonogo.yaml:7:17: waivers[0].reason: '   ': must say something: it is blank",
        ),
        (
            '{check: ci, reason: "drill", owner: "\t", expires: 2027-01-31}',
            "gonogo.yaml:7:34: waivers[0].owner: '\\t': must say something: it is blank",
        ),
    ],
    ids=["far-expiry", "blank-reason", "blank-owner"],
)
def test_waivers_are_bounded_and_say_who_and_why(waiver: str, message: str) -> None:
    assert _error(GATES + f"waivers:\n  - {waiver}\n") == message


def test_the_waiver_limit_is_configurable() -> None:
    waiver = "waivers:\n  - {check: ci, reason: drill, owner: ops, expires: 2028-12-01}\n"
    plan = parse_plan(GATES + "defaults: {waiver_max_days: 730}\n" + waiver, BUILTIN, today=TODAY)
    assert plan.waivers[0].expires == dt.date(2028, 12, 1)
    assert "729 days away; a waiver lasts at most 365 days" in _error(GATES + waiver)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "{id: ci, kind: command, run: [yes]}",
            "gonogo.yaml:5:39: gates[0].checks[0].run[0]: true: text is needed here, and YAML "
            'reads an unquoted yes, on or true as a boolean; quote it ("yes") to mean the word',
        ),
        (
            "{id: ci, kind: command, run: [echo], env: {DEBUG: off}}",
            "gonogo.yaml:5:52: gates[0].checks[0].env.DEBUG: false: text is needed here, and YAML "
            'reads an unquoted no, off or false as a boolean; quote it ("no") to mean the word',
        ),
    ],
    ids=["run-yes", "env-off"],
)
def test_yaml_booleans_in_text_fields_are_plan_errors_that_say_why(line: str, message: str) -> None:
    assert _error(f"version: 1\ngates:\n  - id: g\n    checks:\n      - {line}\n") == message
