"""The history store, on SQLite and on the real PostgreSQL: the same tests for both."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

import store_helpers
from gonogo.errors import StoreError
from gonogo.models import Finding, Measure, Score, Status
from gonogo.store import Approval, Store, open_store
from gonogo.store import store_url as resolve_url
from gonogo.store.migrate import HEAD, current_revision, upgrade
from store_helpers import make_report, pg_database

pg_store_db = store_helpers.pg_store_db
store_url = store_helpers.store_url
store = store_helpers.store

TESTS = Path(__file__).parents[1]
P, F, E = Status.PASS, Status.FAIL, Status.ERROR


def test_a_recorded_run_reads_back_whole(store: Store) -> None:
    report = make_report({"a": P, "b": F, "c": Status.SKIP})
    store.record(report)
    back = store.get(report.run_id[:8])
    assert back.to_dict() == report.to_dict()


def test_every_optional_field_reads_back(store: Store) -> None:
    """The row codec writes each check's and gate's detail itself (not through to_dict):
    a run with every optional field set comes back equal, non-ASCII text included."""
    base = make_report({"a": P, "b": F, "c": Status.WAIVED})
    a, b, c = base.checks
    checks = (
        replace(a, description="reads the README", flaky=True, owner="docs"),
        replace(
            b,
            findings=(
                Finding("demo.rule", "keyed", "x.py", 4, "warning", key="k1"),
                Finding("demo.rule", "no path or line"),
            ),
            measures=(Measure("p95", 0.25, "s", "lower", 0.5), Measure("cov", 81.5, "%", "higher")),
            evidence={"nested": {"list": [1, 2.5, None, "é"]}, "ok": True},
        ),
        replace(
            c,
            waiver={"reason": "drill next sprint", "owner": "ops", "expires": "2027-01-31"},
            description="waived ✓",
        ),
    )
    gate = replace(
        base.gates[0],
        blockers=("b",),
        reasons=("pass rate 50% below 100%",),
        approvals_required=("devops",),
        approvals_given=("devops",),
        score=Score(72.5, 90.0, 75.0, "fail"),
    )
    notes = ("a note", "ünïcode")
    report = replace(base, checks=checks, gates=(gate,), notes=notes, interrupted=True)
    store.record(report)
    assert store.get(report.run_id).to_dict() == report.to_dict()


def test_runs_are_listed_newest_first_with_their_gates(store: Store) -> None:
    ids = []
    for n in range(5):
        r = make_report({"a": P, "b": P if n % 2 else F}, n=n, gate="infra" if n < 4 else "deploy")
        store.record(r)
        ids.append(r.run_id)
    rows = store.runs(limit=3)
    assert [r.run_id for r in rows] == ids[::-1][:3]
    assert rows[0].gates[0].gate_id == "deploy"
    assert [(g.gate_id, g.pass_rate) for g in rows[1].gates] == [("infra", 100.0)]
    assert [(g.gate_id, g.pass_rate) for g in rows[2].gates] == [("infra", 50.0)]
    infra = store.runs(limit=10, gate="infra")
    assert [r.run_id for r in infra] == ids[:4][::-1]
    assert store.latest_ids(2) == ids[::-1][:2]


def test_run_lookup_by_prefix_refuses_unknown_and_ambiguous(store: Store) -> None:
    store.record(make_report({"a": P}))
    with pytest.raises(LookupError, match="no recorded run"):
        store.get("ffffffffffff0000")
    with pytest.raises(LookupError, match="not a run id"):
        store.get("x; drop table")
    firsts = []
    for _ in range(17):  # 17 ids, 16 hex digits: two share a first digit
        r = make_report({"a": P})
        store.record(r)
        firsts.append(r.run_id[0])
    shared = next(c for c in firsts if firsts.count(c) > 1)
    with pytest.raises(LookupError, match="ambiguous"):
        store.get(shared)
    with pytest.raises(LookupError, match="not a run id"):
        store.get("")


def test_recording_the_same_run_twice_is_refused(store: Store) -> None:
    report = make_report({"a": P})
    store.record(report)
    with pytest.raises(StoreError, match="already recorded"):
        store.record(report)
    assert len(store.runs()) == 1


def test_statuses_and_trends_come_from_the_newest_runs(store: Store) -> None:
    for n, st in enumerate([P, F, P, F]):
        store.record(make_report({"a": st, "b": P}, commit="one", n=n))
    store.record(make_report({"a": E}, commit="two", n=9))
    hist = store.statuses("one", limit=3)
    assert [h["a"] for h in hist] == [F, P, F]
    assert store.commits(10) == ["two", "one"]
    trend = store.trends(["infra"], limit=4)["infra"]
    assert [p.pass_rate for p in trend] == [50.0, 100.0, 50.0, 0.0]
    assert trend[-1].verdict == "NO-GO"


def test_approvals_are_bound_to_commit_and_plan_hash(store: Store) -> None:
    a = Approval("deploy", "devops", "ana", "c1", "h1", "2026-01-01T00:00:00Z", note="ok")
    store.approve(a)
    store.approve(Approval("deploy", "quality", "bo", "c1", "h2", "2026-01-01T00:00:01Z"))
    assert store.approvals("c1", "h1") == [a]
    assert store.approvals("c2", "h1") == []
    assert store.revoke("deploy", "devops", "c1", "h1", "cy", "2026-01-02T00:00:00Z") == 1
    assert store.approvals("c1", "h1") == []
    revoked = store.approvals("c1", "h1", active_only=False)
    assert revoked[0].revoked_by == "cy"
    assert not revoked[0].active
    assert store.revoke("deploy", "devops", "c1", "h1", "cy", "2026-01-02T00:00:00Z") == 0


_WRITER = textwrap.dedent(
    """
    import sys
    sys.path.insert(0, {tests!r})
    from store_helpers import make_report
    from gonogo.models import Finding, Measure, Score, Status
    from gonogo.store import open_store
    store = open_store(sys.argv[1])
    for n in range(int(sys.argv[2])):
        store.record(make_report({{f"c{{i}}": Status.PASS for i in range(30)}}, n=n))
    store.close()
    """
).format(tests=str(TESTS))


def test_concurrent_writers_all_land(tmp_path: Path, store_url: str) -> None:
    if store_url.startswith("sqlite"):
        store_url = f"sqlite:///{tmp_path}/fresh/history.db"  # both race to create it too
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, store_url, "10"], stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    s = open_store(store_url)
    try:
        rows = s.runs(limit=100)
        assert len(rows) == 20
        assert all(len(s.get(r.run_id).checks) == 30 for r in rows[:5])
    finally:
        s.close()


_KILLED = textwrap.dedent(
    """
    import sys, time
    sys.path.insert(0, {tests!r})
    from store_helpers import make_report
    from gonogo.models import Finding, Measure, Score, Status
    from gonogo.store import open_store
    from gonogo.store.sql import write_run
    store = open_store(sys.argv[1])
    with store._writer.begin() as conn:
        write_run(conn, make_report({{f"c{{i}}": Status.FAIL for i in range(500)}}))
        print("written", flush=True)
        time.sleep(60)
    """
).format(tests=str(TESTS))


def test_a_run_killed_mid_write_leaves_no_trace(store: Store) -> None:
    store.record(make_report({"a": P}))
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED, store.url], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "written"
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    again = open_store(store.url)
    try:
        assert len(again.runs(limit=10)) == 1
        again.record(make_report({"a": F}))  # the lock died with the process
        assert [r.verdict for r in again.runs()] == ["NO-GO", "GO"]
    finally:
        again.close()


def _old_database(url: str) -> None:
    """A database as gonogo 0001 left it: runs but no approvals table yet."""
    from gonogo.store.sql import _engine, write_run

    engine = _engine(url)
    writer = engine.execution_options(gonogo_write=True)
    upgrade(writer, "0001")
    with writer.begin() as conn:
        write_run(conn, make_report({"a": P}, commit="old"))
    assert current_revision(engine) == "0001"
    engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_an_older_database_is_migrated_on_open(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if backend == "sqlite":
        urls = iter([f"sqlite:///{tmp_path}/old.db"])
        ctx = None
    else:
        ctx = pg_database(request.getfixturevalue("postgres_dsn"))
        urls = iter([ctx.__enter__()])
    url = next(urls)
    try:
        _old_database(url)
        s = open_store(url)
        assert [r.commit for r in s.runs()] == ["old"]
        s.approve(Approval("g", "r", "me", "old", "h", "2026-01-01T00:00:00Z"))
        assert len(s.approvals("old", "h")) == 1
        s.close()
        from gonogo.store.sql import _engine

        engine = _engine(url)
        assert current_revision(engine) == HEAD
        engine.dispose()
    finally:
        if ctx is not None:
            ctx.__exit__(None, None, None)


def test_migration_head_matches_the_shipped_scripts() -> None:
    from alembic.script import ScriptDirectory

    from gonogo.store.migrate import alembic_config

    assert ScriptDirectory.from_config(alembic_config()).get_current_head() == HEAD


def test_a_database_from_a_newer_gonogo_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/h.db"
    open_store(url).close()
    import sqlite3

    with sqlite3.connect(tmp_path / "h.db") as db:
        db.execute("UPDATE alembic_version SET version_num = '9999'")
    with pytest.raises(StoreError, match="revision 9999"):
        open_store(url)


def test_bad_store_urls_are_usage_errors(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="unsupported database"):
        open_store("mysql://x@localhost/db")
    with pytest.raises(StoreError, match=r"cannot open .*u:\*\*\*@127\.0\.0\.1") as info:
        open_store("postgresql://u:s3cret@127.0.0.1:1/db")
    assert "s3cret" not in str(info.value)


def test_store_url_resolution(tmp_path: Path) -> None:
    assert resolve_url(None, {}, tmp_path) == f"sqlite:///{tmp_path}/.gonogo/history.db"
    assert resolve_url(None, {"GONOGO_STORE": "postgresql://h/db"}, tmp_path) == (
        "postgresql://h/db"
    )
    assert resolve_url("postgresql://a/b", {"GONOGO_STORE": "x"}, tmp_path) == "postgresql://a/b"


def test_the_stdlib_reader_answers_like_the_store(tmp_path: Path) -> None:
    from gonogo.store import open_reader
    from gonogo.store.lite import SqliteReader

    url = f"sqlite:///{tmp_path}/h.db"
    s = open_store(url)
    for n, st in enumerate([P, F, P, E, P]):
        gate = "infra" if n % 2 else "deploy"
        s.record(
            make_report({"a": st, "b": P, "c": Status.SKIP}, commit=f"c{n % 2}", gate=gate, n=n)
        )
    s.approve(Approval("deploy", "devops", "ana", "c1", "h", "2026-01-01T00:00:00Z", note="n"))
    s.approve(Approval("deploy", "qa", "bo", "c1", "h", "2026-01-01T00:00:01Z"))
    s.revoke("deploy", "qa", "c1", "h", "cy", "2026-01-02T00:00:00Z")
    r = open_reader(url)
    assert isinstance(r, SqliteReader)
    try:
        assert r.runs(3) == s.runs(3)
        assert r.runs(10, gate="infra") == s.runs(10, gate="infra")
        newest = s.latest_ids(5)
        assert r.latest_ids(5) == newest
        assert r.get(newest[2][:9]).to_dict() == s.get(newest[2]).to_dict()
        assert r.statuses("c0") == s.statuses("c0")
        assert r.commits(10) == s.commits(10)
        assert r.trends(["infra", "deploy"], 2) == s.trends(["infra", "deploy"], 2)
        assert r.approvals("c1", "h") == s.approvals("c1", "h")
        assert r.approvals(active_only=False) == s.approvals(active_only=False)
        with pytest.raises(LookupError, match="no recorded run"):
            r.get("ffff0000")
    finally:
        r.close()
        s.close()


def test_the_reader_leaves_an_older_database_to_the_migrating_store(tmp_path: Path) -> None:
    from gonogo.store import open_reader
    from gonogo.store.sql import SqlStore

    url = f"sqlite:///{tmp_path}/old.db"
    _old_database(url)
    r = open_reader(url)
    assert isinstance(r, SqlStore)
    assert [x.commit for x in r.runs()] == ["old"]
    r.close()
