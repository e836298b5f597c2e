"""The `Store` on SQLAlchemy Core: SQLite (WAL) or PostgreSQL, one transaction per run."""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Self

from sqlalchemy import Connection, Dialect, Engine, create_engine, event, text, update
from sqlalchemy.exc import DBAPIError

from gonogo import atomic
from gonogo.errors import OutputError, StoreError
from gonogo.models import RunReport
from gonogo.store import Approval, redact_url, sqlite_path
from gonogo.store import tables as t
from gonogo.store.codec import Rows, run_values
from gonogo.store.migrate import ensure_schema
from gonogo.store.reads import HistoryReads

BUSY_TIMEOUT_S = 30


class SqlStore(HistoryReads):
    def __init__(self, url: str, engine: Engine, writer: Engine) -> None:
        self.url = url
        self._engine = engine
        self._writer = writer

    @classmethod
    def open(cls, url: str) -> Self:
        engine = _engine(url)
        writer = engine.execution_options(gonogo_write=True)
        try:
            ensure_schema(engine, writer, redact_url(url))
        except DBAPIError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open the history database {redact_url(url)}: {_reason(exc)}"
            ) from None
        return cls(url, engine, writer)

    def close(self) -> None:
        self._engine.dispose()

    @property
    def engine(self) -> Engine:
        """For readers that run their own queries (the team server)."""
        return self._engine

    @property
    def writer(self) -> Engine:
        """The engine whose transactions take the write lock up front (SQLite)."""
        return self._writer

    def _all(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        with self._engine.connect() as conn:
            return [dict(r) for r in conn.execute(text(sql), dict(params)).mappings()]

    # runs -----------------------------------------------------------------
    def record(self, report: RunReport) -> None:
        with self._writer.begin() as conn:
            write_run(conn, report)

    # approvals ------------------------------------------------------------
    def approve(self, approval: Approval) -> None:
        with self._writer.begin() as conn:
            write_approval(conn, approval)

    def revoke(self, gate_id: str, role: str, commit: str, plan_hash: str, by: str, at: str) -> int:
        a = t.approvals.c
        stmt = (
            update(t.approvals)
            .where(a.gate_id == gate_id, a.role == role, a.commit == commit)
            .where(a.plan_hash == plan_hash, a.revoked_at.is_(None))
            .values(revoked_at=at, revoked_by=by)
        )
        with self._writer.begin() as conn:
            return int(conn.execute(stmt).rowcount)


def write_approval(conn: Connection, approval: Approval) -> None:
    """Insert one approval on `conn` (the caller owns the transaction)."""
    values = {
        "gate_id": approval.gate_id,
        "role": approval.role,
        "approver": approval.approver,
        "note": approval.note,
        "commit": approval.commit,
        "plan_hash": approval.plan_hash,
        "created_at": approval.created_at,
    }
    conn.execute(t.approvals.insert().values(**values))


# rows per multi-row INSERT: 32 checks x 13 columns stay under SQLite's oldest limit of
# 999 parameters, and the statements of every remainder (1 to 31 rows) fit the driver's
# cache of prepared statements
ROWS_PER_INSERT = 32


def write_run(conn: Connection, report: RunReport) -> int:
    """Insert one run with its gates and checks on `conn` (the caller owns the
    transaction). Returns the run's `seq`."""
    return write_rows(conn, run_values(report))


def write_rows(conn: Connection, rows: Rows) -> int:
    """`write_run` from the run's `run_values`. The gates and checks go in multi-row
    INSERTs of plain values, up to `ROWS_PER_INSERT` rows each: one statement for what
    executemany would step through row by row, at under half its cost. Every statement
    runs on the driver's own cursor, in the same transaction: SQLAlchemy's work around a
    statement (events, parameter and result set-up) costs more than SQLite's own here."""
    run_vals, gate_vals, check_vals = rows
    dialect = conn.dialect
    cursor = conn.connection.cursor()
    try:
        returning = "" if dialect.name == "sqlite" else " RETURNING seq"
        sql = insert_sql(dialect, t.runs.name, tuple(run_vals), 1, returning)
        try:
            cursor.execute(sql, tuple(run_vals.values()))
        except dialect.loaded_dbapi.IntegrityError:
            raise StoreError(f"run {run_vals['run_id']} is already recorded") from None
        key = cursor.fetchone() if returning else (cursor.lastrowid,)
        seq = int(key[0]) if key is not None else 0
        for table, items in ((t.gates, gate_vals), (t.checks, check_vals)):
            if not items:
                continue
            columns = ("run_seq", *items[0])
            for start in range(0, len(items), ROWS_PER_INSERT):
                chunk = items[start : start + ROWS_PER_INSERT]
                values: list[Any] = []
                for item in chunk:
                    values.append(seq)
                    values += item.values()
                cursor.execute(insert_sql(dialect, table.name, columns, len(chunk)), values)
    finally:
        cursor.close()
    return seq


@functools.lru_cache(maxsize=256)
def insert_sql(
    dialect: Dialect, table: str, columns: tuple[str, ...], rows: int, tail: str = ""
) -> str:
    """`INSERT INTO table (columns) VALUES (?, …), …` for `rows` rows, in the driver's own
    parameter style (every value is already a plain str, int, float, bool or None), then
    `tail` (`RETURNING …`, `ON CONFLICT …`)."""
    quote = dialect.identifier_preparer.quote
    names = ", ".join(quote(c) for c in columns)
    row = "(" + ", ".join([driver_mark(dialect)] * len(columns)) + ")"
    # the names are the tables' own columns (`run_values` keys), quoted by the dialect
    return f"INSERT INTO {quote(table)} ({names}) VALUES {', '.join([row] * rows)}{tail}"  # noqa: S608


def driver_mark(dialect: Dialect) -> str:
    """The driver's parameter mark: `?` (sqlite3) or `%s` (psycopg)."""
    return {"qmark": "?", "format": "%s", "pyformat": "%s"}[dialect.paramstyle]


def _engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        return _sqlite_engine(path)
    scheme = url.split("://", 1)[0]
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dsn = "postgresql+psycopg://" + url.split("://", 1)[1]
        return create_engine(dsn, connect_args={"connect_timeout": 10}, pool_size=2)
    raise StoreError(
        f"--store {redact_url(url)}: unsupported database; use sqlite:///PATH or "
        "postgresql://USER@HOST/DB"
    )


def _sqlite_engine(path: Path) -> Engine:
    try:
        atomic.ensure_dir(path.parent)
        if atomic.STATE_DIR in path.parts:  # gonogo's own history: 0600, no link followed
            for suffix in ("-wal", "-shm", "-journal"):
                atomic.guard(path.with_name(path.name + suffix))
            os.close(atomic.open_state(path, os.O_RDWR | os.O_CREAT))
    except OSError as exc:
        raise StoreError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    except OutputError as exc:
        raise StoreError(str(exc)) from None
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_S, "isolation_level": None},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the lock up front, so two writers queue instead of deadlocking.
        write = conn.get_execution_options().get("gonogo_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _reason(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return " ".join(text.split())[:300]
