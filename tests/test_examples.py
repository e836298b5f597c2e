"""The bundled example is the demo: it must show every kind of result and a NO-GO."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_demo_shows_every_status_and_a_no_go(cli, tmp_path) -> None:
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".gonogo"))
    (root / "scripts/backup.sh").chmod(0o644)
    (root / "scripts/migrate.sh").chmod(0o755)
    result = cli("check", str(root), env={"STAGING_URL": ""})
    assert result.code == 1, result.stderr
    report = json.loads((root / ".gonogo/last.json").read_text())
    assert report["verdict"] == "NO-GO"
    assert len(report["gates"]) >= 3 and len(report["checks"]) >= 15
    seen = {c["status"] for c in report["checks"]}
    assert {"pass", "fail", "error", "blocked", "skip"} <= seen
    assert "Blockers" in result.stdout and "NO-GO" in result.stdout
    md = (root / ".gonogo/last.md").read_text()
    assert "## Blockers" in md and "### P0" in md


def test_example_files_are_tracked_with_their_modes() -> None:
    assert not (EXAMPLES / "scripts/backup.sh").stat().st_mode & 0o111
    assert (EXAMPLES / "scripts/migrate.sh").stat().st_mode & 0o100


def test_the_examples_commands_in_the_readme_run(cli, tmp_path) -> None:
    """The bundled example shows orchestrate's tasks and an approval gate."""
    example = Path(__file__).resolve().parents[1] / "examples"
    dry = cli("orchestrate", str(example), "--dry-run")
    assert dry.code == 0, dry.stderr
    assert dry.stdout.splitlines()[0] == (
        "gonogo orchestrate --dry-run: 2 task(s) for all tasks, in this order:"
    )
    out = cli("check", str(example), "--no-history", "--format", "json", "--select", "release")
    release = next(g for g in json.loads(out.stdout)["gates"] if g["id"] == "release")
    assert release["approvals"] == {"required": ["release-manager"], "given": []}
