"""The ingest process: pushed bodies are prepared and stored in a child process and
answered as the server's own process would answer them; a child that dies fails the
pushes it held and the next push starts another; closing it stores what it was sent."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path

import pytest
from server_helpers import body, renamed, run

from gonogo.models import Status
from gonogo.server import intake
from gonogo.server.db import ServerDB
from gonogo.server.ingest import RunConflict
from gonogo.server.ingestproc import IngestProcess, WorkerDied, WriterConfig
from gonogo.server.schema import BadReport

PASS, FAIL = Status.PASS, Status.FAIL
NOW = 1_800_000_000.0


def _stored(url: str) -> list[tuple[str, str]]:
    db = ServerDB.open(url)
    try:
        found = db.all("SELECT run_id, project FROM gonogo_runs ORDER BY seq")
        return [(r["run_id"], r["project"]) for r in found]
    finally:
        db.close()


def _refusal(payload: bytes) -> str:
    with pytest.raises(BadReport) as refused:
        intake.prepared("shop", payload)
    return str(refused.value)


def test_pushes_are_stored_and_answered_as_in_the_server(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    first, other = run({"a": PASS, "b": FAIL}, n=1), run({"a": PASS}, n=2)
    taken = renamed(run({"a": FAIL}, project="billing", n=3), run_id=first.run_id)
    bad = b'{"schema": "gonogo.report/v1", "run_id": "../etc"}'

    async def main() -> list[object]:
        ingest = IngestProcess(WriterConfig(url, 7))
        ingest.start()
        out: list[object] = []
        try:
            for project, payload in (
                ("shop", body(first)),
                ("shop", body(first)),
                ("shop", body(other)),
                ("billing", body(taken)),
                ("shop", bad),
            ):
                try:
                    stored = await ingest.push(project, payload, NOW)
                    out.append((stored.created, stored.run_id))
                except (BadReport, RunConflict) as exc:
                    out.append((type(exc), str(exc)))
        finally:
            await ingest.aclose()
        return out

    answers = asyncio.run(main())
    assert answers == [
        (True, first.run_id),
        (False, first.run_id),
        (True, other.run_id),
        (RunConflict, f"run {first.run_id} is already stored for project 'shop'"),
        (BadReport, _refusal(bad)),
    ]
    assert _stored(url) == [(first.run_id, "shop"), (other.run_id, "shop")]


def test_a_dead_ingest_process_fails_what_it_held_and_the_next_push_starts_one(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    big = body(run({f"c{i}": PASS for i in range(3000)}, n=1))  # long enough to be killed in
    later = run({"a": PASS}, n=2)

    async def main() -> tuple[bool, object]:
        ingest = IngestProcess(WriterConfig(url, 7))
        ingest.start()
        try:
            held = asyncio.ensure_future(ingest.push("shop", big, NOW))
            await asyncio.sleep(0)  # sent: the child holds it
            dead = ingest.pid
            assert dead is not None
            os.kill(dead, signal.SIGKILL)
            with pytest.raises(WorkerDied, match="the ingest process exited; push the run again"):
                await held
            stored = await ingest.push("shop", body(later), NOW)
            return ingest.pid != dead, (stored.created, stored.run_id)
        finally:
            await ingest.aclose()

    replaced, answer = asyncio.run(main())
    assert replaced
    assert answer == (True, later.run_id)
    assert _stored(url) == [(later.run_id, "shop")]


def test_closing_stores_what_was_sent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/server.db"
    reports = [run({"a": PASS}, n=i) for i in range(5)]

    async def main() -> None:
        ingest = IngestProcess(WriterConfig(url, 7))
        ingest.start()
        pending = [asyncio.ensure_future(ingest.push("shop", body(r), NOW)) for r in reports]
        await asyncio.sleep(0)  # all five sent
        await ingest.aclose()
        for p in pending:
            p.cancel()

    asyncio.run(main())
    assert sorted(_stored(url)) == sorted((r.run_id, "shop") for r in reports)
