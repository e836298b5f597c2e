"""Fleets of real git repositories for the fleet tests: each a bare repository served
over file://, as a fleet would clone it from a git host."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from repo_helpers import git, write

GO_PLAN = """\
version: 1
gates:
  - id: base
    checks:
      - {id: readme, kind: file.exists, path: README.md}
"""
NO_GO_PLAN = """\
version: 1
gates:
  - id: base
    checks:
      - {id: readme, kind: file.exists, path: README.md}
      - {id: changelog, kind: file.exists, path: CHANGELOG.md}
"""


def command_plan(script: str, timeout: str = "5m") -> str:
    """A plan whose one check runs `python -c SCRIPT` (for slow, hungry or killed checks)."""
    argv = json.dumps(["python3", "-c", script])
    return textwrap.dedent(
        f"""\
        version: 1
        gates:
          - id: base
            checks:
              - {{id: work, kind: command, run: {argv}, timeout: {timeout}}}
        """
    )


def publish(root: Path, name: str, files: dict[str, str]) -> str:
    """A work repository with `files` committed and a bare clone of it: the file:// URL."""
    work = root / "work" / name
    work.mkdir(parents=True)
    git(work, "init", "-q", "-b", "main")
    write(work, files)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "initial")
    bare = root / "git" / f"{name}.git"
    bare.parent.mkdir(parents=True, exist_ok=True)
    git(root, "clone", "-q", "--bare", str(work), str(bare))
    return bare.as_uri()


def push_change(root: Path, name: str, files: dict[str, str]) -> None:
    work = root / "work" / name
    write(work, files)
    git(work, "add", "-A")
    git(work, "commit", "-q", "-m", "change")
    git(work, "push", "-q", str(root / "git" / f"{name}.git"), "main")


def fleet_file(root: Path, repos: list[dict[str, Any]], **defaults: Any) -> Path:
    lines = ["version: 1", f"defaults: {json.dumps({'retry_backoff': '0.05s', **defaults})}"]
    lines.append("repositories:")
    lines += [f"  - {json.dumps(r)}" for r in repos]
    path = root / "fleet.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def verdicts(summary: dict[str, Any]) -> dict[str, tuple[str, bool]]:
    return {r["name"]: (r["verdict"], r["skipped"]) for r in summary["repositories"]}
