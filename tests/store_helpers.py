"""Fixtures and builders shared by the history tests: one store URL per backend.

PostgreSQL: each test session creates its own database with a unique name and drops it
at the end; every test starts from empty tables. Nobody else's data is touched.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest

from gonogo.models import CheckResult, Finding, GateReport, GitInfo, RunReport, Status, Verdict
from gonogo.store import Store, open_store

TABLES = (
    "gonogo_check_results, gonogo_gate_results, gonogo_runs, gonogo_approvals, "
    "gonogo_server_projects, gonogo_server_branches, gonogo_server_tokens, gonogo_server_users, "
    "gonogo_server_sessions, gonogo_server_audit, gonogo_server_deliveries, gonogo_server_webhooks"
)


@contextmanager
def pg_database(admin_dsn: str) -> Iterator[str]:
    """A new, empty database on the real server; yields its SQLAlchemy URL, drops it after."""
    import psycopg

    name = f"gonogo_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_dsn.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def pg_store_db(postgres_dsn: str) -> Iterator[str]:
    with pg_database(postgres_dsn) as url:
        open_store(url).close()  # create the schema once
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """A store URL with empty tables, on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/history.db"
    url: str = request.getfixturevalue("pg_store_db")
    import sqlalchemy

    engine = sqlalchemy.create_engine(url)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    engine.dispose()
    return url


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.close()


def make_report(
    statuses: Mapping[str, Status],
    *,
    commit: str | None = "c0ffee",
    gate: str = "infra",
    n: int = 0,
    plan_hash: str = "planhash",
) -> RunReport:
    """A run of one gate whose checks have the given statuses."""
    checks = tuple(
        CheckResult(
            check_id=cid,
            gate=gate,
            kind="file.exists",
            priority="P1",
            status=st,
            message=f"{cid} is {st.value}",
            duration_s=0.01,
            evidence={"path": f"{cid}.txt"},
            findings=(Finding("demo.rule", f"{cid} finding", f"{cid}.txt", 3),)
            if st is Status.FAIL
            else (),
        )
        for cid, st in statuses.items()
    )
    passed = sum(c.status is Status.PASS for c in checks)
    counted = sum(c.status not in (Status.SKIP, Status.WAIVED) for c in checks)
    rate = round(100 * passed / counted, 1) if counted else None
    verdict = Verdict.GO if passed == counted and counted else Verdict.NO_GO
    g = GateReport(gate, gate.title(), verdict, rate, passed, len(checks), 0, 0, 100.0, (), ())
    return RunReport(
        project="shop",
        run_id=uuid.uuid4().hex,
        started_at=f"2026-01-01T00:{n // 60 % 60:02d}:{n % 60:02d}Z",
        duration_s=0.5,
        git=GitInfo(commit, "main", False),
        verdict=verdict,
        pass_rate=rate,
        gates=(g,),
        checks=checks,
        plan_hash=plan_hash,
        plan_source="gonogo.yaml",
        root="/tmp/x",
    )
