"""The `postgres` probe against the real server (own schemas, dropped afterwards)."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.fs.index import FileIndex
from gonogo.models import GitInfo, Outcome, Status
from gonogo.plan.loader import parse_plan
from gonogo.probes import postgres
from gonogo.probes.base import Context
from httpserver import closed_port

pytestmark = pytest.mark.services


def run(
    tmp_path: Path,
    params: dict[str, Any],
    environ: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> Outcome:
    ctx = Context(tmp_path, FileIndex(tmp_path), environ or {}, timeout, "pg")
    return asyncio.run(postgres.PROBE.run(postgres.PgParams.model_validate(params), ctx))


@pytest.fixture
def schema(postgres_dsn: str) -> Iterator[str]:
    """A schema of our own with two tables: `guarded` (RLS on) and `open_table` (RLS off)."""
    name = f"gonogo_t_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {name}")
        conn.execute(f"CREATE TABLE {name}.guarded (id int)")
        conn.execute(f"ALTER TABLE {name}.guarded ENABLE ROW LEVEL SECURITY")
        conn.execute(f"CREATE TABLE {name}.open_table (id int)")
        conn.execute(f"INSERT INTO {name}.open_table SELECT generate_series(1, 3)")
    yield name
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


@pytest.mark.parametrize(
    ("query", "expect", "status", "says"),
    [
        (None, {}, Status.PASS, "query returned 1 rows"),
        ("SELECT generate_series(1, 5)", {"rows_min": 5}, Status.PASS, "returned 5 rows"),
        ("SELECT generate_series(1, 2)", {"rows_min": 5}, Status.FAIL, "expected at least 5"),
        ("SELECT 42", {"value": 42}, Status.PASS, ""),
        ("SELECT 'on'::text", {"value": "on"}, Status.PASS, ""),
        ("SELECT 1.50::numeric", {"value": 1.5}, Status.PASS, ""),
        ("SELECT NULL", {"value": None}, Status.PASS, ""),
        ("SELECT 7", {"value": 8}, Status.FAIL, "query returned 7; expected 8"),
        ("SELECT 1 WHERE false", {"value": 1}, Status.FAIL, "no rows"),
        ("SELECT * FROM no_such_table_x", {}, Status.FAIL, "(SQLSTATE 42P01)"),
        ("CREATE TABLE gonogo_must_not_exist (id int)", {}, Status.FAIL, "tried to write"),
    ],
)
def test_queries(
    postgres_dsn: str,
    tmp_path: Path,
    query: str | None,
    expect: dict[str, Any],
    status: Status,
    says: str,
) -> None:
    params: dict[str, Any] = {"dsn": postgres_dsn, "expect": expect}
    if query is not None:
        params["query"] = query
    out = run(tmp_path, params)
    assert out.status is status, out.message
    assert says in out.message


def test_statement_timeout_cancels_a_slow_query(postgres_dsn: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"dsn": postgres_dsn, "query": "SELECT pg_sleep(5)"}, timeout=1.5)
    assert out.status is Status.ERROR
    assert "cancelled by statement_timeout" in out.message


def test_rls_names_each_table_without_it(postgres_dsn: str, schema: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"dsn": postgres_dsn, "expect": {"rls_all_tables": schema}})
    assert out.status is Status.FAIL
    assert [f.path for f in out.findings] == [f"{schema}.open_table"]
    assert out.evidence["rls"] == {"schema": schema, "tables": 2, "enabled": 1, "forced": 0}
    with psycopg.connect(postgres_dsn, autocommit=True) as conn:
        conn.execute(f"ALTER TABLE {schema}.open_table ENABLE ROW LEVEL SECURITY")
    again = run(tmp_path, {"dsn": postgres_dsn, "expect": {"rls_all_tables": schema}})
    assert again.status is Status.PASS, again.message
    assert "all 2 tables" in again.message


def test_rls_on_missing_schema_fails(postgres_dsn: str, tmp_path: Path) -> None:
    out = run(tmp_path, {"dsn": postgres_dsn, "expect": {"rls_all_tables": "no_such_schema_q"}})
    assert out.status is Status.FAIL
    assert "does not exist" in out.message


def test_query_and_rls_together(postgres_dsn: str, schema: str, tmp_path: Path) -> None:
    out = run(
        tmp_path,
        {
            "dsn": postgres_dsn,
            "query": f"SELECT id FROM {schema}.open_table",
            "expect": {"rows_min": 3, "rls_all_tables": schema},
        },
    )
    assert out.status is Status.FAIL
    assert out.evidence["rows"] == 3
    assert "open_table does not have row-level security" in out.message


def test_refused_and_dns_errors(tmp_path: Path) -> None:
    refused = run(tmp_path, {"dsn": f"postgresql://app@127.0.0.1:{closed_port()}/app"})
    dns = run(tmp_path, {"dsn": "postgresql://app@db.no-such-host.invalid/app"})
    assert refused.status is dns.status is Status.ERROR
    assert "connection refused" in refused.message
    assert "does not resolve (DNS)" in dns.message


def test_unparsable_dsn_does_not_echo_it(tmp_path: Path) -> None:
    out = run(tmp_path, {"dsn": "host=127.0.0.1 password=${PW} garbage"}, {"PW": "pa55word!"})
    assert out.status is Status.ERROR
    assert "not a valid PostgreSQL connection string" in out.message
    assert "pa55word" not in out.message


def test_target_is_host_and_port(tmp_path: Path) -> None:
    ctx = Context(tmp_path, FileIndex(tmp_path), {"PW": "x"})
    p = postgres.PgParams(dsn="postgresql://u:${PW}@db.internal:6432/shop")
    assert postgres.PROBE.target is not None
    assert postgres.PROBE.target(p, ctx) == "postgres://db.internal:6432"


PLAN = """
version: 1
project: secrets
gates:
  - id: db
    checks:
      - {{id: ok, kind: postgres, dsn: "{ok}", query: "SELECT current_user"}}
      - {{id: down, kind: postgres, dsn: "{down}", timeout: 3s}}
      - {{id: nodb, kind: postgres, dsn: "{nodb}"}}
"""


def test_password_never_reaches_the_json_report(postgres_dsn: str, tmp_path: Path) -> None:
    from gonogo.probes.registry import BUILTIN
    from gonogo.report import RenderOptions, json_report

    password = f"Pw-{uuid.uuid4().hex}"
    base = postgres_dsn.split("://", 1)[1].split("/", 1)[0].split("@", 1)[1]
    ok = f"postgresql://postgres:${{GONOGO_TEST_PGPW}}@{base}/postgres"
    down = f"postgresql://postgres:${{GONOGO_TEST_PGPW}}@127.0.0.1:{closed_port()}/postgres"
    nodb = f"postgresql://postgres:${{GONOGO_TEST_PGPW}}@{base}/no_db_{uuid.uuid4().hex[:6]}"
    plan = parse_plan(PLAN.format(ok=ok, down=down, nodb=nodb), BUILTIN)
    opts = RunOptions(environ={"GONOGO_TEST_PGPW": password}, git=GitInfo())
    report = asyncio.run(run_plan(plan, tmp_path, BUILTIN, opts))
    statuses = {c.check_id: c.status for c in report.checks}
    assert statuses == {"ok": Status.PASS, "down": Status.ERROR, "nodb": Status.ERROR}
    text = json_report.render(report, RenderOptions()) + json.dumps(report.to_dict())
    assert password not in text
    assert "does not exist" in report.checks[2].message
