"""One shared set of sample results that every output format is tested against."""

from __future__ import annotations

from gonogo.models import (
    CheckResult,
    Finding,
    GateReport,
    GitInfo,
    RunReport,
    Status,
    Verdict,
)


def sample_report() -> RunReport:
    checks = (
        CheckResult(
            "readme",
            "infra",
            "file.exists",
            "P2",
            Status.PASS,
            "README.md exists",
            owner="docs",
            duration_s=0.0004,
            evidence={"files": ["README.md"]},
        ),
        CheckResult(
            "compose-env",
            "infra",
            "compose",
            "P0",
            Status.FAIL,
            "2 hardcoded secrets",
            owner="devops",
            duration_s=0.004,
            evidence={"file": "docker-compose.yml"},
            findings=(
                Finding(
                    "compose.hardcoded-secret",
                    "POSTGRES_PASSWORD is set inline",
                    "docker-compose.yml",
                    12,
                ),
                Finding(
                    "compose.hardcoded-secret", "API_KEY is set inline", "docker-compose.yml", 19
                ),
            ),
        ),
        CheckResult(
            "backup",
            "infra",
            "file.exists",
            "P1",
            Status.WAIVED,
            "waived (restore drill next sprint; ops, until 2027-01-31): fail: "
            "scripts/backup.sh is not executable",
            owner="ops",
            duration_s=0.0001,
            waiver={"reason": "restore drill next sprint", "owner": "ops", "expires": "2027-01-31"},
        ),
        CheckResult(
            "unit",
            "deploy",
            "command",
            "P1",
            Status.ERROR,
            "`helm lint chart` program 'helm' not found on PATH",
            duration_s=0.012,
        ),
        CheckResult("junit", "deploy", "junit", "P2", Status.BLOCKED, "needs unit (error)"),
        CheckResult(
            "staging", "deploy", "http", "P2", Status.SKIP, "when: $STAGING_URL is not set"
        ),
        CheckResult(
            "lint",
            "deploy",
            "command",
            "P3",
            Status.PASS,
            "`ruff check .` exited 0",
            duration_s=1.5,
            attempts=2,
            flaky=True,
            evidence={"exit": 0},
        ),
    )
    gates = (
        GateReport(
            "infra",
            "Phase 1 — Infrastructure",
            Verdict.NO_GO,
            50.0,
            1,
            3,
            0,
            1,
            95.0,
            ("compose-env",),
            ("P0 check(s) not passing: compose-env", "pass rate 50% is below the 95% threshold"),
        ),
        GateReport(
            "deploy",
            "Sprint 15 deploy",
            Verdict.NO_GO,
            33.3,
            1,
            4,
            1,
            0,
            95.0,
            ("unit", "junit"),
            (
                "pass rate 33.3% is below the 95% threshold",
                "required gate infra is not GO",
                "missing approval(s) for this commit: quality",
            ),
            ("devops", "quality"),
            ("devops",),
        ),
    )
    return RunReport(
        project="shop",
        run_id="0123456789abcdef0123456789abcdef",
        started_at="2026-11-22T10:00:00Z",
        duration_s=1.42,
        git=GitInfo("a1b2c3d4e5f60718293a4b5c6d7e8f9012345678", "main", False),
        verdict=Verdict.NO_GO,
        pass_rate=40.0,
        gates=gates,
        checks=checks,
        plan_hash="feedfacecafebeef",
        plan_source="gonogo.yaml",
        root="/srv/shop",
        notes=("waiver for old-check expired on 2026-01-01; it has no effect",),
    )
