"""SARIF output: valid 2.1.0, one rule per finding kind, locations, suppressions."""

from __future__ import annotations

import json

from sarif_pydantic import Sarif

from gonogo.models import CheckResult, Finding, GitInfo, RunReport, Status, Verdict
from gonogo.probes.registry import BUILTIN
from gonogo.report import RenderOptions, render

DOCS = {kind: probe.doc for kind, probe in BUILTIN.items()}


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
    return json.loads(render(_report(), "sarif", RenderOptions(docs=DOCS)))


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
        regions = [loc["physicalLocation"].get("region") for loc in result["locations"]]
        assert [r["startLine"] >= 1 for r in regions if r] == [True for r in regions if r]


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


def _places(doc: dict) -> list[tuple[str, int | None]]:
    places = []
    for r in doc["runs"][0]["results"]:
        physical = r["locations"][0]["physicalLocation"]
        places.append(
            (physical["artifactLocation"]["uri"], physical.get("region", {}).get("startLine"))
        )
    return places


def test_every_result_has_a_location() -> None:
    """Findings at their file and line; a check without findings at the project folder
    when there is no plan file to point at (the default packs)."""
    assert _places(_sarif()) == [
        ("app.py", 3),
        ("id_rsa", 1),
        ("b.py", 9),
        ("dc.yml", 7),
        (".", None),
    ]


def _with_provenance(report: RunReport | None = None) -> dict:
    from gonogo.report import Provenance

    prov = Provenance(
        root_uri="file:///work/shop/",
        prefix="svc/",
        plan="svc/gonogo.yaml",
        check_lines={"unit": 31},
        repository_uri="https://git.example.com/acme/shop",
    )
    return json.loads(
        render(report or _report(), "sarif", RenderOptions(provenance=prov, docs=DOCS))
    )


def test_paths_are_from_the_repository_root_with_its_base_uri() -> None:
    doc = _with_provenance()
    run = doc["runs"][0]
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": "file:///work/shop/"}}
    assert _places(doc) == [
        ("svc/app.py", 3),
        ("svc/id_rsa", 1),
        ("svc/b.py", 9),
        ("svc/dc.yml", 7),
        ("svc/gonogo.yaml", 31),
    ]
    bases = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"]
        for r in run["results"]
    }
    assert bases == {"%SRCROOT%"}
    assert run["versionControlProvenance"] == [
        {
            "repositoryUri": "https://git.example.com/acme/shop",
            "revisionId": "abc123",
            "branch": "main",
        }
    ]


def test_no_version_control_provenance_without_a_remote() -> None:
    assert "versionControlProvenance" not in _sarif()["runs"][0]


def test_fingerprints_differ_within_a_run_and_survive_line_moves() -> None:
    from dataclasses import replace

    same = Finding("secrets.generic-secret", "generic secret abcd… (24 chars)", "app.py", 10)
    twice = CheckResult(
        "s", "g", "secrets", "P0", Status.FAIL, "2", findings=(same, replace(same, line=20))
    )
    report = replace(_report(), checks=(twice,))
    first = [
        r["partialFingerprints"]["gonogo/v1"]
        for r in _with_provenance(report)["runs"][0]["results"]
    ]
    moved = replace(twice, findings=(replace(same, line=14), replace(same, line=29)))
    second = [
        r["partialFingerprints"]["gonogo/v1"]
        for r in _with_provenance(replace(report, checks=(moved,)))["runs"][0]["results"]
    ]
    assert len(set(first)) == 2
    assert first == second


def test_github_upload_rules_hold() -> None:
    from github_sarif_rules import violations
    from sample_report import sample_report

    for report in (_report(), sample_report()):
        assert violations(render(report, "sarif", RenderOptions())) == []
        assert violations(json.dumps(_with_provenance(report))) == []


def test_the_upload_rules_checker_catches_a_result_without_a_location() -> None:
    from github_sarif_rules import violations

    doc = _sarif()
    del doc["runs"][0]["results"][4]["locations"]
    assert violations(json.dumps(doc)) == [
        "runs[0].results[4]: no locations (GitHub refuses the upload)"
    ]


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
