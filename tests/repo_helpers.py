"""Helpers for tests that build real git repositories (importable from any test module;
conftest modules are not, since several share that name)."""

from __future__ import annotations

import os
import subprocess
import textwrap
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "gonogo tests",
    "GIT_AUTHOR_EMAIL": "tests@gonogo.invalid",
    "GIT_COMMITTER_NAME": "gonogo tests",
    "GIT_COMMITTER_EMAIL": "tests@gonogo.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV, "HOME": str(cwd)}
    proc = subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True
    )
    return proc.stdout.strip()


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
