"""Commit, branch and dirty flag of the project's work tree (None outside git)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from gonogo.models import GitInfo


def git_output(root: Path, *args: str) -> str | None:
    """Stripped stdout of `git ARGS` in `root`, or None when git is missing or fails."""
    try:
        proc = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return proc.stdout.strip() if proc.returncode == 0 else None


def git_info(root: Path) -> GitInfo:
    commit = git_output(root, "rev-parse", "HEAD")
    if commit is None:
        return GitInfo()
    branch = git_output(root, "rev-parse", "--abbrev-ref", "HEAD")
    status = git_output(root, "status", "--porcelain", "--untracked-files=no")
    return GitInfo(
        commit, None if branch == "HEAD" else branch, None if status is None else bool(status)
    )
