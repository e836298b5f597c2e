"""`postgres`: connect (psycopg 3), run a query in a read-only transaction with a statement
timeout, and judge row count, first value, and row-level security of a schema's tables."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import Field

from gonogo.models import Finding, Outcome, errored, failed, passed
from gonogo.probes import netcommon as net
from gonogo.probes.base import Context, Params, Probe, ProbeDoc
from gonogo.rules import Rule

if TYPE_CHECKING:
    import psycopg

_RLS_SQL = """
SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
ORDER BY c.relname
"""


class PgExpect(Params):
    rows_min: int | None = Field(None, ge=0, description="the query returns at least this many")
    value: Any = Field(None, description="first column of the first row equals this")
    rls_all_tables: str | None = Field(
        None, description="schema whose every table must have row-level security enabled"
    )


class PgParams(Params):
    dsn: str = Field(description="libpq URL or key=value string; put the password in ${VAR}")
    query: str | None = Field(None, description="SQL run read-only; default `SELECT 1`")
    expect: PgExpect = PgExpect()


@dataclass(frozen=True, slots=True)
class Where:
    host: str
    port: str
    dbname: str

    @property
    def shown(self) -> str:
        return f"postgres {self.host}:{self.port}/{self.dbname}"


def where(dsn: str) -> Where:
    """Host, port and database of a DSN, never its password. ValueError when unparsable:
    libpq's own message may quote the DSN, so it is not passed on."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        info = conninfo_to_dict(dsn)
    except Exception:
        raise ValueError(
            "`dsn` is not a valid PostgreSQL connection string (check quoting; "
            "percent-encode special characters in a URL)"
        ) from None
    host = str(info.get("host") or info.get("hostaddr") or "local")
    return Where(
        host,
        str(info.get("port") or 5432),
        str(info.get("dbname") or info.get("user") or "postgres"),
    )


async def _run(p: PgParams, ctx: Context) -> Outcome:
    try:
        dsn = ctx.expand(p.dsn)
        at = where(dsn)
    except (LookupError, ValueError) as exc:
        return errored(str(exc))
    import psycopg

    t0 = time.perf_counter()
    try:
        async with asyncio.timeout(net.deadline_s(ctx)):
            conn = await psycopg.AsyncConnection.connect(
                dsn, connect_timeout=max(2, int(ctx.timeout_s)), application_name="gonogo"
            )
    except (psycopg.Error, OSError, TimeoutError) as exc:
        err = net.classify(exc)
        message = net.describe(at.shown, err, ctx.timeout_s, at.host)
        return errored(
            message.replace("connection failed: connection failed:", "connection failed:"),
            evidence={"failure": err.kind.value},
        )
    connect_ms = round((time.perf_counter() - t0) * 1000, 1)
    try:
        async with conn, asyncio.timeout(net.deadline_s(ctx)):
            return await _in_transaction(p, ctx, conn, at, connect_ms)
    except psycopg.errors.QueryCanceled:
        return errored(
            f"{at.shown}: the query was cancelled by statement_timeout "
            f"({ctx.timeout_s:g}s); make it faster or raise the check's `timeout`"
        )
    except psycopg.errors.ReadOnlySqlTransaction:
        return failed(f"{at.shown}: the query tried to write; gonogo runs queries read-only")
    except psycopg.DatabaseError as exc:
        if exc.sqlstate and not exc.sqlstate.startswith("08"):
            primary = exc.diag.message_primary or str(exc).splitlines()[0]
            return failed(f"{at.shown}: query failed: {primary} (SQLSTATE {exc.sqlstate})")
        return errored(net.describe(at.shown, net.classify(exc), ctx.timeout_s, at.host))
    except (psycopg.Error, OSError, TimeoutError) as exc:
        return errored(net.describe(at.shown, net.classify(exc), ctx.timeout_s, at.host))


async def _in_transaction(
    p: PgParams, ctx: Context, conn: psycopg.AsyncConnection[Any], at: Where, connect_ms: float
) -> Outcome:
    await conn.set_read_only(True)
    timeout_ms = max(1, int(net.deadline_s(ctx) * 900))
    evidence: dict[str, Any] = {
        "server": at.shown,
        "connect_ms": connect_ms,
        "server_version": conn.info.server_version,
    }
    problems: list[Finding] = []
    async with conn.transaction(force_rollback=True):
        await conn.execute("SELECT set_config('statement_timeout', %s, true)", [f"{timeout_ms}ms"])
        if p.query is not None or p.expect.rls_all_tables is None:
            problems += await _query(p, conn, evidence)
        if p.expect.rls_all_tables is not None:
            problems += await _rls(p.expect.rls_all_tables, conn, evidence)
    if problems:
        return net.failed_first(at.shown, problems, evidence)
    return passed(f"{at.shown}: {_summary(p, evidence)}", evidence=evidence)


async def _query(
    p: PgParams, conn: psycopg.AsyncConnection[Any], evidence: dict[str, Any]
) -> list[Finding]:
    t0 = time.perf_counter()
    cur = await conn.execute(p.query or "SELECT 1")
    rows = max(cur.rowcount, 0)
    first = await cur.fetchone() if cur.description else None
    evidence.update(rows=rows, query_ms=round((time.perf_counter() - t0) * 1000, 1))
    if first:
        evidence["value"] = _short(first[0])
    out = []
    want_rows = p.expect.rows_min
    if want_rows is not None and rows < want_rows:
        out.append(
            Finding("postgres.rows", f"query returned {rows} rows; expected at least {want_rows}")
        )
    if "value" in p.expect.model_fields_set:
        want = p.expect.value
        if not first:
            out.append(Finding("postgres.value", f"query returned no rows; expected {want!r}"))
        elif not _same(first[0], want):
            out.append(
                Finding("postgres.value", f"query returned {_short(first[0])!r}; expected {want!r}")
            )
    return out


async def _rls(
    schema: str, conn: psycopg.AsyncConnection[Any], evidence: dict[str, Any]
) -> list[Finding]:
    cur = await conn.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
    if await cur.fetchone() is None:
        return [Finding("postgres.rls", f"schema {schema!r} does not exist")]
    cur = await conn.execute(_RLS_SQL, [schema])
    tables = await cur.fetchall()
    evidence["rls"] = {
        "schema": schema,
        "tables": len(tables),
        "enabled": sum(1 for t in tables if t[1]),
        "forced": sum(1 for t in tables if t[2]),
    }
    if not tables:
        return [Finding("postgres.rls", f"schema {schema!r} has no tables (a misspelt schema?)")]
    return [
        Finding(
            "postgres.rls-disabled",
            f"table {schema}.{name} does not have row-level security enabled",
            path=f"{schema}.{name}",
        )
        for name, enabled, _ in tables
        if not enabled
    ]


def _summary(p: PgParams, ev: dict[str, Any]) -> str:
    parts = []
    if "rows" in ev:
        parts.append(f"query returned {ev['rows']} rows in {ev['query_ms']:g} ms")
    if "rls" in ev:
        parts.append(
            f"all {ev['rls']['tables']} tables of {ev['rls']['schema']!r} have row-level security"
        )
    return "; ".join(parts)


def _same(actual: Any, expected: Any) -> bool:
    return bool(actual == expected) or str(actual) == str(expected)


def _short(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


def _target(p: PgParams, ctx: Context) -> str:
    at = where(ctx.expand(p.dsn))
    return f"postgres://{at.host}:{at.port}"


PROBE = Probe(
    "postgres",
    PgParams,
    _run,
    ProbeDoc(
        summary="Connects to PostgreSQL and checks a read-only query's rows and value, and "
        "row-level security on every table of a schema.",
        why="'Migrations applied, RLS on' are claims; a query against the live database is "
        "evidence.",
        example="{id: db, kind: postgres, "
        "dsn: 'postgresql://app:${PGPASSWORD}@127.0.0.1:5432/app', "
        "query: 'SELECT count(*) FROM schema_migrations', expect: {rows_min: 1}}",
        remediation="Connection errors: start the server or fix host, port and credentials. "
        "Tables without RLS: ALTER TABLE … ENABLE ROW LEVEL SECURITY and add policies.",
    ),
    _target,
    rules=(
        Rule(
            "postgres.rows",
            "A query returned fewer rows than expected",
            remediation=(
                "Check the data the query reads (migrations, seed data) and the query itself."
            ),
        ),
        Rule(
            "postgres.value",
            "A query returned an unexpected value",
            remediation="Check the data the query reads and the value the plan expects.",
        ),
        Rule(
            "postgres.rls",
            "The schema checked for row-level security is missing or empty",
            remediation=(
                "Check the schema name in the plan; an empty schema has nothing to protect."
            ),
        ),
        Rule(
            "postgres.rls-disabled",
            "A table has no row-level security",
            remediation=("ALTER TABLE … ENABLE ROW LEVEL SECURITY and add policies for each role."),
        ),
    ),
)
