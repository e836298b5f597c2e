"""SARIF output: valid 2.1.0, one rule per finding kind, locations, suppressions."""

from __future__ import annotations

import json

from sarif_pydantic import Sarif

from gonogo.models import CheckResult, Finding, GitInfo, RunReport, Status, Verdict
from gonogo.report import RenderOptions, render


def _report() -> RunReport:
    leak = Finding("secrets.aws-access-key-id", "AWS access key ID AKIA… (20 chars)", "app.py", 3)
    checks = (
        CheckResult(
            "no-secrets",
            "infra",
            "secrets",
            "P0",
            Status.FAIL,
            "2 secret(s) found",
            findings=(
                leak,
                Finding("secrets.private-key", "private key block ---… (31 chars)", "id_rsa", 1),
                Finding(
                    "secrets.aws-access-key-id", "AWS access key ID ASIA… (20 chars)", "b.py", 9
                ),
            ),
        ),
        CheckResult(
            "compose-env",
            "infra",
            "compose",
            "P1",
            Status.WAIVED,
            "waived",
            findings=(
                Finding(
                    "compose.hardcoded-secret", "db: POSTGRES_PASSWORD is set inline", "dc.yml", 7
                ),
            ),
            waiver={
                "check": "compose-env",
                "reason": "rotated next sprint",
                "owner": "ops",
                "expires": "2027-01-31",
            },
        ),
        CheckResult("unit", "deploy", "command", "P1", Status.ERROR, "`pytest` not found"),
        CheckResult("readme", "deploy", "file.exists", "P2", Status.PASS, "README.md exists"),
    )
    return RunReport(
        project="shop",
        run_id="r1",
        started_at="2026-01-01T00:00:00Z",
        duration_s=1.0,
        git=GitInfo("abc123", "main", False),
        verdict=Verdict.NO_GO,
        pass_rate=50.0,
        gates=(),
        checks=checks,
    )


def _sarif() -> dict:
    return json.loads(render(_report(), "sarif", RenderOptions()))


def test_output_validates_against_the_sarif_210_models() -> None:
    doc = _sarif()
    parsed = Sarif.model_validate(doc)
    assert parsed.version == "2.1.0"
    assert doc["$schema"].endswith("sarif-2.1.0.json")
    run = doc["runs"][0]
    for result in run["results"]:
        rule = run["tool"]["driver"]["rules"][result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        assert result["level"] in ("none", "note", "warning", "error")
        for loc in result.get("locations", []):
            assert loc["physicalLocation"]["region"]["startLine"] >= 1


def test_one_rule_per_finding_kind_with_text_from_the_probe_doc() -> None:
    rules = _sarif()["runs"][0]["tool"]["driver"]["rules"]
    ids = [r["id"] for r in rules]
    assert ids == [
        "secrets.aws-access-key-id",
        "secrets.private-key",
        "compose.hardcoded-secret",
        "command.error",
    ]
    secrets_rule = rules[0]
    assert "hardcoded credential" in secrets_rule["shortDescription"]["text"]
    assert secrets_rule["help"]["text"].startswith("Revoke and rotate")


def test_every_finding_has_a_location() -> None:
    results = _sarif()["runs"][0]["results"]
    located = [
        (
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
        )
        for r in results
        if "locations" in r
    ]
    assert located == [("app.py", 3), ("id_rsa", 1), ("b.py", 9), ("dc.yml", 7)]
    unlocated = [r for r in results if "locations" not in r]
    assert [r["ruleId"] for r in unlocated] == ["command.error"]


def test_waived_results_carry_an_external_suppression_with_the_reason() -> None:
    results = _sarif()["runs"][0]["results"]
    waived = [r for r in results if "suppressions" in r]
    assert [r["ruleId"] for r in waived] == ["compose.hardcoded-secret"]
    (suppression,) = waived[0]["suppressions"]
    assert suppression["kind"] == "external"
    assert suppression["justification"] == "rotated next sprint"


def test_cli_writes_sarif(make_repo, cli) -> None:
    root = make_repo({"README.md": "x\n", "app.py": 'API_KEY = "Zq8vQ2mX7pL4kT9wYb3"\n'})
    plan = "version: 1\ngates:\n  - id: g\n    checks:\n      - {id: s, kind: secrets}\n"
    (root / "gonogo.yaml").write_text(plan)
    result = cli("check", str(root), "--format", "sarif", "-o", str(root / "out.sarif"))
    assert result.code == 1, result.stderr
    doc = json.loads((root / "out.sarif").read_text())
    Sarif.model_validate(doc)
    (res,) = doc["runs"][0]["results"]
    assert res["ruleId"] == "secrets.generic-secret"
    assert "Zq8vQ2mX7pL4kT9wYb3" not in (root / "out.sarif").read_text()
