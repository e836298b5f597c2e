"""The redactor: which values, in which forms, and what the detectors add."""

from __future__ import annotations

import base64
import random

import pytest

from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN
from gonogo.redact import Redactor, env_names, for_names
from secret_corpus import crc_token

VALUE = "s3cr3t/Tok+en"
GHP = crc_token("ghp_")(random.Random(5))  # a valid checksum, as GitHub issues them


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (f"token {VALUE}!", "token ***!"),
        ("token s3cr3t%2FTok%2Ben", "token ***"),  # URL-encoded
        ("token s3cr3t%2FTok%2Ben".replace("%2F", "/"), "token s3cr3t/Tok%2Ben"),  # not it
        (base64.b64encode(VALUE.encode()).decode(), "***"),
        ("Basic " + base64.b64encode(b"ci:" + VALUE.encode()).decode(), "Basic Y2k6***"),
        ("Basic " + base64.b64encode(b"user:" + VALUE.encode()).decode(), "Basic dXNlcjp***"),
        (f"401 for {GHP}", "401 for ***"),
        ("postgresql://app:Xk9#vQ2mZ@db:5432/app", "postgresql://app:***@db:5432/app"),
        ("API_KEY=Zq8vLr2nWx5tKp0s", "API_KEY=***"),
        ("README.md exists", "README.md exists"),
        ("", ""),
    ],
)
def test_masked_forms(text: str, shown: str) -> None:
    assert Redactor([VALUE]).text(text) == shown


def test_values_are_masked_inside_nested_evidence() -> None:
    evidence = {"tail": [f"x {VALUE}", {"deep": (VALUE, 3)}], "exit": 1}
    assert Redactor([VALUE]).data(evidence) == {"tail": ["x ***", {"deep": ["***", 3]}], "exit": 1}


def test_short_and_well_known_variables_are_not_secrets() -> None:
    environ = {"HOME": "/home/ci", "PIN": "12345", "TOKEN": "abcdef", "UNSET": ""}
    assert for_names(["HOME", "PIN", "TOKEN", "UNSET", "MISSING"], environ).values == {"abcdef"}


def test_detection_can_be_left_to_the_caller() -> None:
    assert Redactor(detect=False).text(f"t {GHP}") == f"t {GHP}"


def test_the_plan_names_every_variable_it_hands_over() -> None:
    plan = parse_plan(
        """\
version: 1
gates:
  - id: g
    checks:
      - {id: a, kind: command, run: [env], pass_env: [DEPLOY_KEY], env: {T: "${API_TOKEN}"}}
      - {id: b, kind: http, url: "https://h/${TENANT}", headers: {X-Key: "${HDR_KEY:-none}"}}
      - {id: c, kind: file.exists, path: "$HOME/x"}
tasks:
  - {id: t, run: [make], env: {P: "${TASK_PW}"}}
escalation: {webhook: "https://hooks/${HOOK_PATH}", secret_env: HOOK_SECRET}
""",
        BUILTIN,
    )
    assert plan.env_names() == {
        "DEPLOY_KEY",
        "API_TOKEN",
        "TENANT",
        "HDR_KEY",
        "TASK_PW",
        "HOOK_PATH",
        "HOOK_SECRET",
    }
    assert env_names({"pass_env": "ONE", "x": ["${TWO}", 3]}) == {"ONE", "TWO"}
