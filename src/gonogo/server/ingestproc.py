"""The ingest process: a child process that prepares and stores every pushed run, so
that the server's own process, whose interpreter lock every request shares, only
reads requests, checks tokens and moves bytes.

The server sends each pushed body down one pipe (`IngestProcess.push`); in the child,
one thread reads the bodies and prepares each (`intake.prepared`: parse, validate,
mask secrets, encode the rows) and the run writer's thread stores them in group
commits (`gonogo.server.writer`), as the server's own process does without it. Each
answer comes back once the commit holding its run is done, so an answered push is
committed, as before. The child reads its pipe all the time (the writer's thread
answers), so neither end can block on a full pipe while the other writes.

The child exits when its pipe closes: the server stopped, or was killed (what was
answered is committed; what was not may be too, and pushing it again is idempotent).
If the child dies, the pushes it held are answered 503 and the next push starts a new
one."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import itertools
import multiprocessing
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from typing import Any

from gonogo.errors import StoreError
from gonogo.server.ingest import RunConflict, Stored
from gonogo.server.schema import BadReport
from gonogo.server.writer import WriterClosed

JOIN_S = 30.0  # the child stores what it was sent before it exits
_ERRORS: dict[str, Callable[[str], Exception]] = {
    "bad": BadReport,
    "conflict": RunConflict,
    "closed": WriterClosed,
    "store": StoreError,
}


class WorkerDied(RuntimeError):
    """The ingest process exited before it answered this push."""


@dataclass(frozen=True)
class WriterConfig:
    store_url: str
    warn_days: int


def _serve(conn: Connection, config: WriterConfig) -> None:
    """The child: `(id, project, body, now)` in, `(id, kind, value)` out."""
    from gonogo.server import intake
    from gonogo.server.db import ServerDB
    from gonogo.server.writer import RunWriter, settle_taken

    db = ServerDB.open(config.store_url)
    writer = RunWriter(db, warn_days=config.warn_days)
    writer.start()
    sending = threading.Lock()

    def answer(job: int, project: str, run_id: str, done: Future[Stored]) -> None:
        reply: tuple[str, Any]
        try:
            reply = ("ok", done.result())
        except RunConflict as exc:
            reply = ("conflict", str(exc))
        except WriterClosed as exc:
            reply = ("closed", str(exc))
        except StoreError as exc:  # another process stored the same run id first
            settled = settle_taken(db, project, run_id)
            reply = ("ok", settled) if settled is not None else ("store", str(exc))
        except Exception as exc:
            reply = ("error", f"storing the run raised {exc!r}")
        with sending, contextlib.suppress(OSError):  # the server went away
            conn.send((job, *reply))

    def take(job: int, project: str, body: bytes, now: float) -> None:
        try:
            run = intake.prepared(project, body)
        except BadReport as exc:
            reply: tuple[str, str] = ("bad", str(exc))
        except Exception as exc:  # a bug must fail its push, not the process
            reply = ("error", f"preparing the report raised {exc!r}")
        else:
            done = writer.submit(run, now)
            done.add_done_callback(functools.partial(answer, job, project, run.run_id))
            return
        with sending, contextlib.suppress(OSError):
            conn.send((job, *reply))

    try:
        while (message := _next(conn)) is not None:
            # while bodies wait in the pipe, more runs are on their way: the writer's
            # batch waits for them (`RunWriter.coming`)
            with writer.coming():
                take(*message)
                while conn.poll() and (message := _next(conn)) is not None:
                    take(*message)
    finally:
        writer.close()  # stores what was submitted
        db.close()


def _next(conn: Connection) -> tuple[int, str, bytes, float] | None:
    """The next push sent, or None once the server closed the pipe."""
    try:
        job, project, body, now = conn.recv()
    except (EOFError, OSError):
        return None
    return job, project, body, now


@dataclass(eq=False)
class _Child:
    process: SpawnProcess
    conn: Connection
    waiting: dict[int, asyncio.Future[Stored]] = field(default_factory=dict)


@dataclass(eq=False)
class IngestProcess:
    """`start` on the serving loop, `push` runs, `close` at the end."""

    config: WriterConfig
    _child: _Child | None = None
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._child = self._spawn()

    @property
    def pid(self) -> int | None:
        return None if self._child is None else self._child.process.pid

    async def push(self, project: str, body: bytes, now: float) -> Stored:
        """The stored run, answered once committed; `BadReport`, `RunConflict`,
        `StoreError`, `WriterClosed` or `WorkerDied` otherwise."""
        assert self._loop is not None, "IngestProcess.start() first"
        child = self._child if self._child is not None else self._spawn()
        self._child = child
        job = next(self._ids)
        answer: asyncio.Future[Stored] = self._loop.create_future()
        child.waiting[job] = answer
        try:
            child.conn.send((job, project, body, now))
        except OSError:  # it died: its reader fails what it held
            child.waiting.pop(job, None)
            self._lost(child)
            raise WorkerDied("the ingest process exited; push the run again") from None
        try:
            return await answer
        finally:
            child.waiting.pop(job, None)

    async def aclose(self) -> None:
        """Close the pipe and wait for the child to store what it was sent."""
        child, self._child = self._child, None
        if child is not None:
            self._stop(child, 0.0, kill=False)
            await asyncio.to_thread(child.process.join, JOIN_S)
            self._stop(child, 0.0)

    def _spawn(self) -> _Child:
        assert self._loop is not None
        mine, theirs = multiprocessing.Pipe()
        process = multiprocessing.get_context("spawn").Process(
            target=_serve, args=(theirs, self.config), name="gonogo-ingest", daemon=True
        )
        process.start()
        theirs.close()
        child = _Child(process, mine)
        self._loop.add_reader(mine.fileno(), self._answered, child)
        return child

    def _answered(self, child: _Child) -> None:
        try:
            job, kind, value = child.conn.recv()
        except (EOFError, OSError):  # it exited
            self._lost(child)
            return
        answer = child.waiting.get(job)
        if answer is None or answer.done():  # the push went away meanwhile
            return
        if kind == "ok":
            answer.set_result(value)
        else:
            answer.set_exception(_ERRORS.get(kind, RuntimeError)(value))

    def _lost(self, child: _Child) -> None:
        for answer in child.waiting.values():
            if not answer.done():
                answer.set_exception(WorkerDied("the ingest process exited; push the run again"))
        child.waiting.clear()
        if self._child is child:
            self._child = None  # the next push starts another
        self._stop(child, 0.0)

    def _stop(self, child: _Child, wait_s: float, *, kill: bool = True) -> None:
        assert self._loop is not None
        with contextlib.suppress(ValueError, OSError):  # closed already
            self._loop.remove_reader(child.conn.fileno())
        child.conn.close()  # the child reads the end of its pipe, stores and returns
        child.process.join(wait_s)
        if kill and child.process.is_alive():
            child.process.kill()
            child.process.join(5.0)
