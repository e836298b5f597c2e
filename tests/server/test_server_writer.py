"""The run writer's group commit, on SQLite and PostgreSQL: runs submitted together are
stored in one transaction, each answered once, after the commit; a run that cannot be
stored is answered with its own error and the others are stored all the same."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import replace

import psycopg
import pytest
from server_helpers import run

import store_helpers
from gonogo.models import Status
from gonogo.server.db import ServerDB
from gonogo.server.ingest import RunConflict
from gonogo.server.summary import prepare
from gonogo.server.writer import RunWriter, WriterClosed
from gonogo.store import open_store

pg_store_db = store_helpers.pg_store_db
store_url = store_helpers.store_url
PASS, FAIL = Status.PASS, Status.FAIL
NOW = 1_800_000_000.0
INTEGRITY = (sqlite3.IntegrityError, psycopg.IntegrityError)  # the driver's own


def _branch_runs(db: ServerDB, project: str) -> list[tuple[str, int]]:
    found = db.all(
        "SELECT branch, runs FROM gonogo_server_branches WHERE project = :p", {"p": project}
    )
    return [(r["branch"], r["runs"]) for r in found]


def test_runs_submitted_together_are_one_commit_each_answered_once(store_url: str) -> None:
    db = ServerDB.open(store_url)
    writer = RunWriter(db, warn_days=7)
    reports = [run({"a": PASS, "b": FAIL if i % 3 else PASS}, n=i) for i in range(12)]
    futures = [writer.submit(prepare(r), NOW) for r in reports]  # queued before it starts
    writer.start()
    answers = [f.result(timeout=60) for f in futures]
    writer.close()
    try:
        assert [(a.created, a.run_id) for a in answers] == [(True, r.run_id) for r in reports]
        assert (writer.commits, writer.stored) == (1, 12)
        assert _branch_runs(db, "shop") == [("main", 12)]
    finally:
        db.close()
    stored = open_store(store_url)  # a new connection: the commit is in the database
    try:
        assert sorted(r.run_id for r in stored.runs(limit=50)) == sorted(r.run_id for r in reports)
        assert stored.get(reports[4].run_id).to_dict() == reports[4].to_dict()
    finally:
        stored.close()


def test_a_run_that_cannot_be_stored_fails_alone(store_url: str) -> None:
    db = ServerDB.open(store_url)
    earlier = RunWriter(db, warn_days=7)
    earlier.start()
    taken = run({"a": PASS}, project="billing")
    earlier.submit(prepare(taken), NOW).result(timeout=60)
    earlier.close()
    good = [run({"a": PASS}, n=i) for i in range(1, 6)]
    conflict = replace(run({"a": FAIL}, n=7), run_id=taken.run_id)  # billing's id
    first = good[0]
    # two checks with one id: the run's row goes in, its checks' do not (a constraint the
    # API's validation keeps out; the writer must survive it all the same)
    broken = run({"x": PASS, "y": FAIL}, n=8)
    broken = replace(broken, checks=(*broken.checks, broken.checks[0]))
    batch = [good[0], conflict, good[1], broken, good[2], first, good[3], good[4]]
    writer = RunWriter(db, warn_days=7)
    futures = [writer.submit(prepare(r), NOW) for r in batch]
    writer.start()  # queued before it started: it takes the whole batch at once
    outcomes: list[object] = []
    for f in futures:
        try:
            outcomes.append(f.result(timeout=60))
        except Exception as exc:
            outcomes.append("integrity" if isinstance(exc, INTEGRITY) else type(exc))
    writer.close()
    try:
        created = [getattr(o, "created", o) for o in outcomes]
        assert created == [
            True,
            RunConflict,
            True,
            "integrity",
            True,
            False,  # the same run again, in the same batch: stored once
            True,
            True,
        ]
        # the broken run rolled its batch back; the others were stored in a new one
        assert (writer.commits, writer.stored) == (1, 5)
        assert _branch_runs(db, "shop") == [("main", 5)]
        assert _branch_runs(db, "billing") == [("main", 1)]
    finally:
        db.close()
    stored = open_store(store_url)
    try:
        assert sorted(r.run_id for r in stored.runs(limit=50)) == sorted(
            [taken.run_id, *(r.run_id for r in good)]
        )
        assert stored.get(taken.run_id).project == "billing"
        with pytest.raises(LookupError):
            stored.get(broken.run_id)
    finally:
        stored.close()


def test_a_push_cancelled_while_queued_is_not_stored_and_the_writer_goes_on(
    tmp_path: object,
) -> None:
    db = ServerDB.open(f"sqlite:///{tmp_path}/server.db")
    writer = RunWriter(db, warn_days=7)
    gone, kept = run({"a": PASS}, n=1), run({"a": PASS}, n=2)
    cancelled = writer.submit(prepare(gone), NOW)
    stored = writer.submit(prepare(kept), NOW)
    assert cancelled.cancel()  # what asyncio does to it when the request is cancelled
    writer.start()
    later = writer.submit(prepare(run({"a": FAIL}, n=3)), NOW)
    try:
        assert stored.result(timeout=20).created is True
        assert later.result(timeout=20).created is True
        writer.close()
        assert writer.stored == 2
        found = db.one("SELECT 1 AS x FROM gonogo_runs WHERE run_id = :r", {"r": gone.run_id})
        assert found is None
    finally:
        writer.close()
        db.close()


def test_a_closed_writer_refuses_new_runs_and_stored_what_it_had(tmp_path: object) -> None:
    db = ServerDB.open(f"sqlite:///{tmp_path}/server.db")
    writer = RunWriter(db, warn_days=7)
    pending = writer.submit(prepare(run({"a": PASS})), NOW)  # not started: close() stores it
    writer.close()
    late = writer.submit(prepare(run({"a": PASS}, n=1)), NOW)
    try:
        assert pending.result(timeout=60).created is True
        with pytest.raises(WriterClosed, match="the server is shutting down"):
            late.result(timeout=1)
        assert _branch_runs(db, "shop") == [("main", 1)]
    finally:
        db.close()


def test_on_sqlite_a_batch_takes_the_runs_that_come_while_others_are_being_prepared(
    tmp_path: object,
) -> None:
    db = ServerDB.open(f"sqlite:///{tmp_path}/server.db")
    writer = RunWriter(db, warn_days=7, linger_s=60.0)
    writer.start()
    try:
        with writer.coming():  # a push whose run is being prepared
            first = writer.submit(prepare(run({"a": PASS}, n=1)), NOW)
            while not first.running():  # taken into a batch
                time.sleep(0.01)
            time.sleep(0.3)
            assert not first.done()  # stored, not committed: the batch waits for the other
            second = writer.submit(prepare(run({"a": FAIL}, n=2)), NOW)
        assert first.result(timeout=20).created is True
        assert second.result(timeout=20).created is True
        assert (writer.commits, writer.stored) == (1, 2)
        # nothing on its way: a run is committed at once, whatever the linger
        assert writer.submit(prepare(run({"a": PASS}, n=3)), NOW).result(timeout=20).created
        assert writer.commits == 2
    finally:
        writer.close()
        db.close()
