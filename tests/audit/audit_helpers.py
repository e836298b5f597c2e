"""Shared helpers of the audit tests: fixture reports and the repositories beside them."""

from __future__ import annotations

from pathlib import Path

from gonogo.audit import audit
from gonogo.audit.model import AuditResult, ClaimResult, Verdict

HOLDS, BROKEN, OPEN, UNVERIFIABLE = (
    Verdict.HOLDS,
    Verdict.BROKEN,
    Verdict.OPEN,
    Verdict.UNVERIFIABLE,
)
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = Path(__file__).resolve().parents[1] / "data" / "seeds"  # the five reports of the mission

PHASE_REPO = {
    "docker-compose.yml": "services:\n  web:\n    image: nginx:1.27\n",
    "scripts/backup.sh": "#!/bin/sh\necho backup\n",
    "scripts/restore.sh": "#!/bin/sh\necho restore\n",
    "config/settings.toml": "[server\nport = 8080\n",
    "config/alerts.json": '{"alerts": [1, 2,]}\n',
    "docs/NOTES.md": "",
    "deploy/manifest.xml": "<manifest><module></manifest>\n",
    "app/main.py": "def main(:\n    pass\n",
    ".github/workflows/ci.yml": "on: [push\njobs: {}\n",
    "grafana/board.json": "{}\n",
}
EXECUTABLE = ("scripts/backup.sh",)

SPRINT_REPO = {
    "src/app.py": "def app() -> int:\n    return 1\n",
    "reports/summary.json": '{"passed": 5}\n',
    "scripts/smoke.sh": "#!/bin/sh\nexit 0\n",
}

CHECKLIST_REPO = {
    "deploy/compose.yml": "services: {}\n",
    "db/migrations/001_init.sql": "create table t (id int);\n",
    "scripts/nightly.sh": "#!/bin/sh\necho nightly\n",
}


def find(result: AuditResult, needle: str) -> ClaimResult:
    """The one claim whose text contains `needle`."""
    hits = [r for r in result.results if needle in r.claim.text]
    assert len(hits) == 1, f"{needle!r}: {[(r.claim.line, r.claim.text) for r in hits]}"
    return hits[0]


def chmod_x(root: Path, *rels: str) -> None:
    for rel in rels:
        (root / rel).chmod(0o755)


def write_tree(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def run_report(tmp_path: Path, report: str, files: dict[str, str] | None = None) -> AuditResult:
    """Audit `report` (written as report.md) against a repository holding `files`."""
    root = tmp_path / "repo"
    root.mkdir(exist_ok=True)
    write_tree(root, files or {})
    path = tmp_path / "report.md"
    path.write_text(report, encoding="utf-8")
    return audit(path, root)


def verdicts_at(result: AuditResult, line: int) -> list[tuple[Verdict, str]]:
    return [(r.verdict, r.reason) for r in result.results if r.claim.line == line]
