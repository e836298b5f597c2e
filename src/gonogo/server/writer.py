"""Group commit: one thread stores every pushed run.

A push hands its prepared run (`summary.PreparedRun`) to the writer and waits. The
writer takes the first run waiting, opens a write transaction, takes every other run
queued by then (up to `BATCH_MAX`), stores them all and commits once; only after that
commit does it answer each push. So:

- an answered push is committed: a killed server loses nothing it answered;
- a run whose id belongs to another project is refused before it writes anything, and
  the batch goes on without it; a run that fails part-way (a constraint, a database
  error) rolls the batch back, is answered with its error, and the others are stored
  again in a new transaction (no savepoint per run: they cost more than the inserts of
  a small run, for a failure that almost never happens);
- a failed commit answers every run of the batch with that error, and none is stored;
- 20 CI jobs pushing at once cost a few transactions, not 20, and never wait on each
  other's locks.

On SQLite, a batch also takes the runs that arrive while it is being stored, for as
long as more pushes are on their way (their runs are being prepared: `coming`) and up
to `LINGER_S` after it began: a commit writes each page it changed once, whatever
number of runs changed it, so a run in a batch of eight costs about half of what it
costs alone. On PostgreSQL a batch is the runs queued when it began, stored in project
order (arrival order within a project), so that two servers on one database take the
per-project locks in the same order.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

from sqlalchemy import Connection

from gonogo.server.db import ServerDB
from gonogo.server.ingest import RunConflict, Stored, existing, record_run
from gonogo.server.summary import PreparedRun

BATCH_MAX = 64
LINGER_S = 0.002


class WriterClosed(RuntimeError):
    """The server is shutting down; the run was not stored."""


@dataclass(frozen=True, slots=True, eq=False)
class _Job:
    run: PreparedRun
    now: float
    done: concurrent.futures.Future[Stored] = field(default_factory=concurrent.futures.Future)


class RunWriter:
    def __init__(
        self,
        db: ServerDB,
        *,
        warn_days: int,
        batch_max: int = BATCH_MAX,
        linger_s: float = LINGER_S,
    ) -> None:
        self._db = db
        self._warn_days = warn_days
        self._batch_max = batch_max
        self._linger_s = linger_s
        self._coming = 0  # runs being prepared, counted by the one thread preparing them
        self._queue: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._closed = False
        self._guard = threading.Lock()
        self.commits = 0  # transactions committed ...
        self.stored = 0  # ... and the runs they held: what the group commit saved

    def start(self) -> None:
        """Start writing; runs submitted before wait for it, and its first batch takes
        them all."""
        with self._guard:
            self._spawn()

    def _spawn(self) -> None:  # under self._guard
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._loop, name="gonogo-run-writer", daemon=True
            )
            self._thread.start()

    @contextlib.contextmanager
    def coming(self) -> Iterator[None]:
        """Around preparing a run that will be submitted (or refused)."""
        self._coming += 1
        try:
            yield
        finally:
            self._coming -= 1

    def submit(self, run: PreparedRun, now: float) -> concurrent.futures.Future[Stored]:
        """The run's answer, set once its batch is committed (or has failed)."""
        job = _Job(run, now)
        with self._guard:
            if self._closed:
                job.done.set_exception(WriterClosed("the server is shutting down"))
                return job.done
            self._queue.put(job)
        return job.done

    def close(self) -> None:
        """Store what was submitted, then stop the thread."""
        with self._guard:
            if self._closed:
                return
            self._closed = True
            self._queue.put(None)
            self._spawn()
            thread = self._thread
        assert thread is not None
        thread.join()

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            if not _claim(first):
                continue
            if not self._write(first):
                return

    def _write(self, first: _Job) -> bool:
        """Store `first` and whatever queued meanwhile; False once the stop mark was taken
        (the batch is still written)."""
        jobs, running = [first], True
        while jobs:
            answers: list[Stored | RunConflict] = []
            try:
                with self._db.write() as conn:
                    # taken once the transaction has begun: the runs that queued while
                    # it waited for the write lock join it
                    running = self._take(jobs) and running
                    jobs.sort(key=lambda j: j.run.project)
                    deadline = time.monotonic() + self._linger_s
                    while len(answers) < len(jobs):
                        answers += [self._store(conn, j) for j in jobs[len(answers) :]]
                        if running and self._db.sqlite:  # the runs that came meanwhile
                            running = self._take(jobs, deadline)
            except _RunFailed as failed:  # roll back, answer it, store the others again
                failed.job.done.set_exception(failed.error)
                jobs = [j for j in jobs if j is not failed.job]
                continue
            except Exception as exc:  # the commit (or the transaction) failed: none stored
                for job in jobs:
                    job.done.set_exception(exc)
                return running
            self.commits += 1
            self.stored += sum(isinstance(a, Stored) and a.created for a in answers)
            for job, answer in zip(jobs, answers, strict=True):
                if isinstance(answer, Stored):
                    job.done.set_result(answer)
                else:
                    job.done.set_exception(answer)
            return running
        return running

    def _take(self, jobs: list[_Job], deadline: float = 0.0) -> bool:
        """Add the queued runs to `jobs`, waiting for more until `deadline` while others
        are being prepared; False when the stop mark was among them."""
        while len(jobs) < self._batch_max:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                left = deadline - time.monotonic()
                if self._coming <= 0 or left <= 0:
                    return True
                try:
                    job = self._queue.get(timeout=left)
                except queue.Empty:
                    return True
            if job is None:
                return False
            if _claim(job):
                jobs.append(job)
        return True

    def _store(self, conn: Connection, job: _Job) -> Stored | RunConflict:
        try:
            return record_run(conn, job.run, now=job.now, warn_days=self._warn_days)
        except RunConflict as exc:  # raised before it wrote anything: the batch goes on
            return exc
        except Exception as exc:  # it may have written part of itself: roll back the batch
            raise _RunFailed(job, exc) from exc


def _claim(job: _Job) -> bool:
    """Mark the job taken; False when its push was cancelled while it waited (the request
    went away before anything was stored: it is not stored, and nothing answers it)."""
    return job.done.set_running_or_notify_cancel()


class _RunFailed(Exception):
    def __init__(self, job: _Job, error: Exception) -> None:
        super().__init__(str(error))
        self.job = job
        self.error = error


def settle_taken(db: ServerDB, project: str, run_id: str) -> Stored | None:
    """For a run that failed with `StoreError` (another process stored its id between
    the writer's look and its insert): stored already when that was this project's."""
    with db.read() as conn:
        return Stored(False, run_id) if existing(conn, run_id) == project else None
