"""One repository's turn, the same in every mode (sequential, local pool, Celery task):
learn its commit, skip it when that commit was judged already, else check it out and
run `gonogo check` on it in a bounded child process, then record the result once.

A failed clone or fetch and a timeout are *transient*: the caller retries them with
backoff and records an `error` when the retries are spent. Everything else — GO, NO-GO,
a plan error in the repository, a crash of the check — is a result, never retried.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gonogo import __version__
from gonogo.fleet import checkout as co
from gonogo.fleet.results import FleetStore, Item, Key, failing_checks
from gonogo.fleet.spec import Limits, Repository
from gonogo.models import RunReport
from gonogo.proc import kill_group

# What the check process sees of the environment: a plan from a repository nobody
# vetted must not read the worker's tokens through `pass_env`.
_KEPT_ENV = ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "TZ", "SYSTEMROOT")
_RUNNING: set[int] = set()  # process groups of the checks running now
_LOCK = threading.Lock()


def stop_all() -> None:
    """Kill every check this process started and that still runs (Ctrl-C)."""
    with _LOCK:
        groups = list(_RUNNING)
    for pid in groups:
        kill_group(pid)


@dataclass(frozen=True, slots=True)
class Job:
    """What every repository of one fleet run shares."""

    fleet_run: str
    limits: Limits
    shared_plan_path: str | None = None
    shared_plan_digest: str | None = None  # sha256 of "shared:" + text, with the path

    def to_task(self) -> dict[str, Any]:
        return {
            "fleet_run": self.fleet_run,
            "limits": self.limits.model_dump(),
            "shared_plan_path": self.shared_plan_path,
            "shared_plan_digest": self.shared_plan_digest,
        }

    @classmethod
    def from_task(cls, data: dict[str, Any]) -> Job:
        return cls(
            str(data["fleet_run"]),
            Limits.model_validate(data["limits"]),
            data.get("shared_plan_path"),
            data.get("shared_plan_digest"),
        )

    def plan_digest(self, repo: Repository) -> str:
        """What the verdict depends on besides the commit and gonogo's version."""
        if self.shared_plan_digest is not None and repo.plan_in_repo is None:
            return self.shared_plan_digest
        return hashlib.sha256(("repo:" + (repo.plan_in_repo or "")).encode()).hexdigest()


class Transient(Exception):
    """Worth another attempt later: the repository could not be reached, or timed out."""


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def run_repository(
    repo: Repository,
    job: Job,
    store: FleetStore,
    cache: Path,
    sleep: Callable[[float], None] = time.sleep,
) -> Item:
    """`attempt` with the retries of the local modes: backoff doubling from
    `limits.retry_backoff`; an `error` item once they are spent."""
    error = ""
    for tries in range(1, job.limits.retries + 2):
        try:
            return attempt(repo, job, store, cache, tries)
        except Transient as exc:
            error = str(exc)
            if tries <= job.limits.retries:
                sleep(backoff(job.limits, tries))
    return give_up(repo, job, store, error, job.limits.retries + 1)


def backoff(limits: Limits, tries: int) -> float:
    return float(limits.retry_backoff * 2 ** (tries - 1))


def attempt(repo: Repository, job: Job, store: FleetStore, cache: Path, tries: int) -> Item:
    """One attempt at `repo`; raises Transient for what a retry may fix. The item
    returned is recorded (or was, by an earlier delivery of the same task)."""
    earlier = store.item(job.fleet_run, repo.name)
    if earlier is not None:
        return earlier  # a redelivered task whose work is already recorded
    started = time.monotonic()
    limits = job.limits
    try:
        commit = co.resolve(repo, limits.clone_timeout)
        key = Key(repo.name, commit, job.plan_digest(repo), __version__)
        skipped = _skipped(store, job, repo, key, tries, started)
        if skipped is not None:
            return skipped
        folder, commit = co.checkout(repo, cache, limits.clone_timeout)
    except co.CheckoutError as exc:
        raise Transient(str(exc)) from None
    key = Key(repo.name, commit, job.plan_digest(repo), __version__)
    skipped = _skipped(store, job, repo, key, tries, started)
    if skipped is not None:
        return skipped
    report, error = run_check(folder, repo, job, cache)
    elapsed = time.monotonic() - started
    if report is None:
        item = Item(repo.name, "error", commit, False, error, tries, elapsed)
        return store.record_item(job.fleet_run, item, None, None, now())
    failing = failing_checks(report)
    item = Item(repo.name, report.verdict.value, commit, False, None, tries, elapsed, failing)
    return store.record_item(job.fleet_run, item, key, report, now())


def give_up(repo: Repository, job: Job, store: FleetStore, error: str, tries: int) -> Item:
    """Record the error of a repository whose retries are spent."""
    item = Item(repo.name, "error", None, False, error, tries, 0.0)
    return store.record_item(job.fleet_run, item, None, None, now())


def _skipped(
    store: FleetStore, job: Job, repo: Repository, key: Key, tries: int, started: float
) -> Item | None:
    found = store.done(key)
    if found is None:
        return None
    _id, verdict, failing, run_id = found
    elapsed = time.monotonic() - started
    item = Item(repo.name, verdict, key.commit, True, None, tries, elapsed, failing, run_id)
    return store.record_item(job.fleet_run, item, key, None, now())


def run_check(
    folder: Path, repo: Repository, job: Job, cache: Path
) -> tuple[RunReport | None, str | None]:
    """`gonogo check` on the work tree in a bounded child: its report, or why there is
    none. Raises Transient when it runs out of time."""
    limits = job.limits
    plan: list[str] = []
    if repo.plan_in_repo is not None:
        plan = ["-p", str(folder / repo.plan_in_repo)]
    elif job.shared_plan_path is not None:
        plan = ["-p", job.shared_plan_path]
    tmp = cache / "reports"
    tmp.mkdir(parents=True, exist_ok=True)
    fd, out_path = tempfile.mkstemp(prefix="report-", suffix=".json", dir=tmp)
    os.close(fd)
    argv = [
        sys.executable,
        "-m",
        "gonogo.fleet.child",
        str(limits.memory),
        str(limits.disk),
        "--",
        "check",
        str(folder),
        *plan,
        "--format",
        "json",
        "-o",
        out_path,
        "--no-history",
        "--no-color",
    ]
    try:
        code, stderr = _run_bounded(argv, folder, repo.timeout)
        return _read_report(code, stderr, Path(out_path))
    finally:
        Path(out_path).unlink(missing_ok=True)


def _run_bounded(argv: list[str], cwd: Path, timeout: float) -> tuple[int, str]:
    env = {k: os.environ[k] for k in _KEPT_ENV if k in os.environ}
    env["GONOGO_FLEET"] = "1"
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    with _LOCK:
        _RUNNING.add(proc.pid)
    try:
        _out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc.pid)
        proc.communicate()
        raise Transient(f"the check took longer than its timeout ({timeout:g}s)") from None
    except BaseException:
        kill_group(proc.pid)
        raise
    finally:
        with _LOCK:
            _RUNNING.discard(proc.pid)
    kill_group(proc.pid)  # what its checks left running
    return proc.returncode, err[-4096:].decode(errors="replace")


def _read_report(code: int, stderr: str, path: Path) -> tuple[RunReport | None, str | None]:
    if code in (0, 1):
        try:
            return RunReport.from_dict(json.loads(path.read_text(encoding="utf-8"))), None
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return None, f"the check's report cannot be read: {exc}"
    why = _first_line(stderr)
    if code == 2:
        return None, f"the repository's plan or usage is wrong: {why}"
    if code < 0:
        return None, f"the check was killed by signal {-code} (memory or disk limit?)"
    return None, f"the check failed with exit code {code}: {why}"


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return co.scrub(lines[0])[:300] if lines else "(no message)"
