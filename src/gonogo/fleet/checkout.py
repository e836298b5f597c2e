"""Where a repository's commit comes from: `git ls-remote` to learn it (cheap, so an
unchanged repository is skipped before anything is fetched), then a shallow clone kept
in a cache and fetched again on later runs.

Every git command runs with argv only, a timeout, no terminal prompt and no
credential helper asking a person: a fleet runs unattended.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

from gonogo.fleet.spec import Repository
from gonogo.proc import kill_group

_SHA = re.compile(r"\A[0-9a-f]{40}(?:[0-9a-f]{24})?\Z")
_GIT_ENV = {
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_ASKPASS": "true",
    "SSH_ASKPASS": "true",
    "GIT_SSH_COMMAND": "ssh -o BatchMode=yes",
    "GIT_CONFIG_NOSYSTEM": "1",
    "LC_ALL": "C",
}


class CheckoutError(Exception):
    """The repository cannot be reached or fetched: worth a retry later."""


def resolve(repo: Repository, timeout: float) -> str:
    """The commit the repository's branch (or HEAD) points at now."""
    ref = f"refs/heads/{repo.branch}" if repo.branch else "HEAD"
    out = _git(["ls-remote", "--", repo.source, ref], timeout=timeout)
    for line in out.splitlines():
        sha, _, name = line.partition("\t")
        if name == ref and _SHA.match(sha):
            return sha
    where = f"branch {repo.branch!r}" if repo.branch else "HEAD"
    raise CheckoutError(f"{scrub(repo.source)} has no {where}")


def checkout(repo: Repository, cache: Path, timeout: float) -> tuple[Path, str]:
    """A clean work tree of the branch's newest commit in the cache, and that commit."""
    folder = cache / _folder_name(repo)
    if not (folder / ".git").is_dir():
        shutil.rmtree(folder, ignore_errors=True)
        folder.parent.mkdir(parents=True, exist_ok=True)
        _git(["init", "--quiet", str(folder)], timeout=timeout)
        _git(["-C", str(folder), "remote", "add", "origin", "--", repo.source], timeout=timeout)
    ref = f"refs/heads/{repo.branch}" if repo.branch else "HEAD"
    source = _fetchable(repo.source)
    _git(
        ["-C", str(folder), "fetch", "--quiet", "--depth", "1", "--no-tags", source, ref],
        timeout=timeout,
    )
    commit = _git(["-C", str(folder), "rev-parse", "FETCH_HEAD"], timeout=timeout).strip()
    _git(["-C", str(folder), "checkout", "--quiet", "--force", "--detach", commit], timeout=timeout)
    _git(["-C", str(folder), "clean", "-ffdxq"], timeout=timeout)
    return folder, commit


def _fetchable(source: str) -> str:
    """A local path as a file:// URL: git ignores --depth for plain paths."""
    if "://" in source or re.match(r"^[^/]+@[^:]+:", source):
        return source
    return Path(source).resolve().as_uri()


def _folder_name(repo: Repository) -> str:
    digest = hashlib.sha256(f"{repo.source}\0{repo.branch}".encode()).hexdigest()[:12]
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", repo.name)[-60:]
    return f"{safe}-{digest}"


def _git(args: list[str], *, timeout: float) -> str:
    env = {**os.environ, **_GIT_ENV}
    try:
        proc = subprocess.Popen(
            ["git", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            start_new_session=True,
        )
    except OSError as exc:
        raise CheckoutError(f"cannot run git: {exc.strerror or exc}") from None
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)  # git's helpers (remote-https, ssh) go with it
        proc.communicate()
        raise CheckoutError(f"git {_verb(args)} took longer than {timeout:g}s") from None
    finally:
        kill_group(proc.pid)
    if proc.returncode != 0:
        why = " ".join(err.split())[-300:] or f"exit code {proc.returncode}"
        raise CheckoutError(f"git {_verb(args)} failed: {scrub(why)}")
    return out


def _verb(args: list[str]) -> str:
    return next(a for a in args if not a.startswith("-") and "/" not in a)


def scrub(text: str) -> str:
    """Credentials in URLs never reach a message: `https://user:token@host` → `https://***@host`."""
    return re.sub(r"(://)[^/@\s]+@", r"\1***@", text)
