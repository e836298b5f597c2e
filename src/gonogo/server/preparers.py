"""Prepare workers: child processes that turn pushed bodies into the runs the writer
stores (`intake.prepared`: parse, validate, mask secrets, encode the rows), so that
the server's own process, whose interpreter lock every request shares, only moves
bytes and writes. A prepared run comes back as plain values (`summary.PreparedRun`),
which unpickle in a tenth of the time the report's objects would take.

Each worker holds one body at a time (so that neither end can block writing into a
full pipe while the other does the same); the others wait in order in the server. The
event loop reads each answer when its pipe is readable, with no thread in between. A
worker that dies fails the body it held and is started again."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import multiprocessing
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from typing import Any

from gonogo.server.schema import BadReport
from gonogo.server.summary import PreparedRun

JOIN_S = 5.0


class WorkerDied(RuntimeError):
    """The worker preparing this body exited before it answered."""


def _serve(conn: Connection) -> None:
    """A worker's loop: `(project, body)` in, `(kind, value)` out, until the pipe closes."""
    from gonogo.server import intake

    while True:
        try:
            project, body = conn.recv()
        except (EOFError, OSError):
            return
        answer: tuple[str, Any]
        try:
            answer = ("ok", intake.prepared(project, body))
        except BadReport as exc:
            answer = ("bad", str(exc))
        except Exception as exc:  # a bug must fail its push, not the worker
            answer = ("error", f"preparing the report raised {exc!r}")
        conn.send(answer)


@dataclass(eq=False)
class _Job:
    project: str
    body: bytes
    done: asyncio.Future[PreparedRun]


@dataclass(eq=False)
class _Worker:
    process: SpawnProcess
    conn: Connection
    job: _Job | None = None


@dataclass(eq=False)
class Preparers:
    """`workers` child processes; `start` them on the running loop, `close` at the end."""

    workers: int
    _idle: list[_Worker] = field(default_factory=list)
    _busy: set[_Worker] = field(default_factory=set)
    _queue: collections.deque[_Job] = field(default_factory=collections.deque)
    _loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        for _ in range(self.workers):
            self._idle.append(self._spawn())

    @property
    def pids(self) -> list[int]:
        """The workers' process ids."""
        return [w.process.pid or 0 for w in (*self._idle, *self._busy)]

    async def prepare(self, project: str, body: bytes) -> PreparedRun:
        """The prepared run, or `BadReport` with the reason it was refused."""
        assert self._loop is not None, "Preparers.start() first"
        job = _Job(project, body, self._loop.create_future())
        self._queue.append(job)
        self._dispatch()
        return await job.done

    def close(self) -> None:
        for w in (*self._idle, *self._busy):
            self._stop(w)
        self._idle.clear()
        self._busy.clear()
        for job in self._queue:
            _fail(job, WorkerDied("the server is shutting down"))
        self._queue.clear()

    def _spawn(self) -> _Worker:
        assert self._loop is not None
        mine, theirs = multiprocessing.Pipe()
        process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(theirs,), name="gonogo-prepare", daemon=True
        )
        process.start()
        theirs.close()
        worker = _Worker(process, mine)
        self._loop.add_reader(mine.fileno(), self._answered, worker)
        return worker

    def _dispatch(self) -> None:
        while self._idle and self._queue:
            job = self._queue.popleft()
            if job.done.cancelled():  # the push went away while it waited
                continue
            worker = self._idle.pop()
            try:
                worker.conn.send((job.project, job.body))
            except OSError:  # it died idle: the job waits for its successor
                self._queue.appendleft(job)
                self._replace(worker)
                continue
            worker.job = job
            self._busy.add(worker)

    def _answered(self, worker: _Worker) -> None:
        try:
            kind, value = worker.conn.recv()
        except (EOFError, OSError):  # it exited, busy or idle
            if worker.job is not None:
                _fail(worker.job, WorkerDied("the worker preparing this report exited"))
            self._busy.discard(worker)
            if worker in self._idle:
                self._idle.remove(worker)
            self._replace(worker)
            self._dispatch()
            return
        job, worker.job = worker.job, None
        self._busy.discard(worker)
        self._idle.append(worker)
        if job is not None and not job.done.done():
            if kind == "ok":
                job.done.set_result(value)
            else:
                _fail(job, BadReport(value) if kind == "bad" else RuntimeError(value))
        self._dispatch()

    def _replace(self, worker: _Worker) -> None:
        self._stop(worker)
        self._idle.append(self._spawn())

    def _stop(self, worker: _Worker) -> None:
        assert self._loop is not None
        with contextlib.suppress(ValueError, OSError):  # closed already
            self._loop.remove_reader(worker.conn.fileno())
        worker.conn.close()  # the worker sees the end of its pipe and returns
        worker.process.join(JOIN_S)
        if worker.process.is_alive():
            worker.process.kill()
            worker.process.join(JOIN_S)


def _fail(job: _Job, error: Exception) -> None:
    if not job.done.done():
        job.done.set_exception(error)
