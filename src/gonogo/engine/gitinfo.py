"""Commit, branch and dirty flag of the project's work tree (None outside git)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gonogo.models import GitInfo


def _git(root: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def git_info(root: Path) -> GitInfo:
    commit = _git(root, "rev-parse", "HEAD")
    if commit is None:
        return GitInfo()
    branch = _git(root, "rev-parse", "--abbrev-ref", "HEAD")
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return GitInfo(
        commit, None if branch == "HEAD" else branch, None if status is None else bool(status)
    )
