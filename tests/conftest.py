"""Shared fixtures: real git repos, the CLI in a subprocess, real services."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import services
from repo_helpers import git, write

REPO = Path(__file__).resolve().parents[1]
# the secrets scanner's fingerprint key: fixed, so no test writes one to the home folder
os.environ.setdefault("GONOGO_SECRETS_KEY", "gonogo-test-suite")


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[..., Path]:
    """A real git repository with the given files committed."""

    def make(files: dict[str, str], *, name: str = "repo", commit: bool = True) -> Path:
        root = tmp_path / name
        root.mkdir()
        git(root, "init", "-q", "-b", "main")
        write(root, files)
        if commit and files:
            git(root, "add", "-A")
            git(root, "commit", "-q", "-m", "initial")
        return root

    return make


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Run `gonogo ARGS` as a real subprocess, not a TTY, NO_COLOR set."""

    def run(
        *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 120
    ) -> CliResult:
        full_env = {**os.environ, "NO_COLOR": "1", **(env or {})}
        proc = subprocess.run(
            [sys.executable, "-m", "gonogo", *args],
            cwd=cwd,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        return CliResult(proc.returncode, proc.stdout, proc.stderr)

    return run


_STATE = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """The controller (or the only process) owns the session's servers."""
    if not hasattr(config, "workerinput") and services.STATE_ENV not in os.environ:
        config.stash[_STATE] = services.begin_session()


def pytest_unconfigure(config: pytest.Config) -> None:
    state = config.stash.get(_STATE, None)
    if state is not None:
        services.end_session(state)


@pytest.fixture(scope="session")
def postgres_dsn() -> str:
    """An admin DSN (database `postgres`) of the session's PostgreSQL server."""
    return services.shared(services.POSTGRES)


@pytest.fixture(scope="session")
def redis_url() -> str:
    """A redis:// URL of the session's Redis server (tests use keys of their own)."""
    return services.shared(services.REDIS)
