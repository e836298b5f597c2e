"""Git queries: commit, branch, dirty flag, repository root and remote (None outside git).

One module that the engine, probes, store and CLI all ask, instead of each its own
subprocess call.
"""

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
    # untracked files count: a check that flips because a file came and went is an edit
    status = git_output(root, "status", "--porcelain")
    if status is None:
        return GitInfo(commit, None if branch == "HEAD" else branch)
    tracked = any(not line.startswith("??") for line in status.splitlines())
    return GitInfo(commit, None if branch == "HEAD" else branch, bool(status), tracked)


def git_root(root: Path) -> Path | None:
    """The top of the work tree holding ROOT, or None outside git."""
    top = git_output(root, "rev-parse", "--show-toplevel")
    return Path(top) if top else None


def remote_uri(root: Path, name: str = "origin") -> str | None:
    """The remote's URL as a URI without credentials (`git@host:o/r.git` becomes
    `ssh://git@host/o/r.git`), or None when there is no such remote."""
    from urllib.parse import urlsplit, urlunsplit

    url = git_output(root, "remote", "get-url", name)
    if not url:
        return None
    if "://" not in url:
        user_host, sep, path = url.partition(":")
        if not sep or "/" in user_host:
            return None  # a local path, not a URI
        return f"ssh://{user_host}/{path.lstrip('/')}"
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def github_owner(root: Path) -> str | None:
    """The GitHub owner (user or organisation) of the repository at `root`: from the
    origin remote, else from `GITHUB_REPOSITORY` as GitHub Actions sets it."""
    import os
    import re

    uri = remote_uri(root) or ""
    m = re.match(r"(?:https|ssh|git)://(?:[^@/]+@)?(?:www\.)?github\.com(?::\d+)?/([^/]+)/", uri)
    if m:
        return m.group(1)
    owner, sep, _ = os.environ.get("GITHUB_REPOSITORY", "").partition("/")
    return owner if sep and owner else None
