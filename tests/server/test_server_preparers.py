"""Prepare workers: a pushed body prepared in a child process comes back as what the
server's own process would have made of it, a refused one with the same message; a
worker that dies fails only the body it held, and the next one is prepared again."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest
from server_helpers import body, run

from gonogo.models import Status
from gonogo.server import intake
from gonogo.server.preparers import Preparers, WorkerDied
from gonogo.server.schema import BadReport

PASS, FAIL = Status.PASS, Status.FAIL
REFUSED = [
    b"{not json",
    b"[1, 2]",
    b'{"schema": "gonogo.report/v1", "run_id": "../etc"}',
    body(run({"a": PASS}, project="billing")),
]


def _inline_refusal(payload: bytes) -> str:
    with pytest.raises(BadReport) as refused:
        intake.prepared("shop", payload)
    return str(refused.value)


def test_a_worker_prepares_what_the_server_would_and_refuses_the_same() -> None:
    reports = [run({"a": PASS, "b": FAIL}, n=i) for i in range(3)]

    async def main() -> tuple[list[object], list[str]]:
        pool = Preparers(1)
        pool.start()
        try:
            prepared = [await pool.prepare("shop", body(r)) for r in reports]
            refused = []
            for payload in REFUSED:
                with pytest.raises(BadReport) as exc:
                    await pool.prepare("shop", payload)
                refused.append(str(exc.value))
            return list(prepared), refused
        finally:
            pool.close()

    prepared, refused = asyncio.run(main())
    assert prepared == [intake.prepared("shop", body(r)) for r in reports]
    assert refused == [_inline_refusal(p) for p in REFUSED]
    assert refused[3] == "project: the report is for 'billing' but was pushed to 'shop'"


def test_a_worker_that_dies_fails_the_body_it_held_and_is_replaced() -> None:
    big = body(run({f"c{i}": PASS for i in range(3000)}))  # long enough to be killed in
    small = run({"a": PASS})

    async def main() -> tuple[type[BaseException] | None, object, object, bool]:
        pool = Preparers(1)
        pool.start()
        try:
            held = asyncio.ensure_future(pool.prepare("shop", big))
            await asyncio.sleep(0)  # sent: the worker holds it
            (dead,) = pool.pids
            os.kill(dead, signal.SIGKILL)
            error = None
            try:
                await held
            except WorkerDied as exc:
                error = type(exc)
            after = await pool.prepare("shop", body(small))
            (dead_idle,) = pool.pids
            os.kill(dead_idle, signal.SIGKILL)  # idle: the next body goes to its successor
            await asyncio.sleep(0.2)
            again = await pool.prepare("shop", body(small))
            return error, after, again, dead_idle not in pool.pids and dead not in pool.pids
        finally:
            pool.close()

    error, after, again, replaced = asyncio.run(main())
    assert error is WorkerDied
    assert after == again == intake.prepared("shop", body(small))
    assert replaced
