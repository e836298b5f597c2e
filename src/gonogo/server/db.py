"""The server's handle on the store: the history `SqlStore` plus one write path.

SQLite takes one writer at a time; a lock in the process queues the server's own
writers in memory instead of letting them spin on the file's busy timeout. PostgreSQL
needs no such lock.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, Dialect, text

from gonogo.store import sqlite_path
from gonogo.store.sql import SqlStore, driver_mark, insert_sql

Row = dict[str, Any]


class ServerDB:
    def __init__(self, store: SqlStore) -> None:
        self.store = store
        self.url = store.url
        self.sqlite = sqlite_path(store.url) is not None
        self._lock: contextlib.AbstractContextManager[Any] = (
            threading.Lock() if self.sqlite else contextlib.nullcontext()
        )

    @classmethod
    def open(cls, url: str) -> ServerDB:
        return cls(SqlStore.open(url))

    def close(self) -> None:
        self.store.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on error."""
        with self._lock, self.store.writer.begin() as conn:
            yield conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self.store.engine.connect() as conn:
            yield conn

    def all(self, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        with self.read() as conn:
            return rows(conn, sql, params)

    def one(self, sql: str, params: Mapping[str, Any] | None = None) -> Row | None:
        found = self.all(sql, params)
        return found[0] if found else None


def rows(conn: Connection, sql: str, params: Mapping[str, Any] | None = None) -> list[Row]:
    result = conn.execute(text(sql), dict(params or {}))
    keys = list(result.keys())
    # zipped from plain tuples: a third cheaper than SQLAlchemy's row mappings
    return [dict(zip(keys, r, strict=True)) for r in result]


def driver_rows(conn: Connection, sql: str, params: Sequence[Any] = ()) -> list[Row]:
    """`rows` for `sql` written with `?` marks, on the driver's own cursor in `conn`'s
    transaction: for the statements every pushed run costs, where SQLAlchemy's work
    around a statement (events, parameter and result set-up) outweighs SQLite's own."""
    cursor = conn.connection.cursor()
    try:
        cursor.execute(_marked(conn.dialect, sql), params)
        if cursor.description is None:
            return []
        keys = [d[0] for d in cursor.description]
        return [dict(zip(keys, r, strict=True)) for r in cursor.fetchall()]
    finally:
        cursor.close()


@functools.lru_cache(maxsize=64)
def _marked(dialect: Dialect, sql: str) -> str:
    mark = driver_mark(dialect)
    return sql if mark == "?" else sql.replace("?", mark)


def upsert(conn: Connection, table: Any, values: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    """Insert, or update the row with the same `keys` (SQLite and PostgreSQL)."""
    driver_rows(
        conn, _upsert(conn.dialect, table.name, keys, tuple(values)), tuple(values.values())
    )


@functools.lru_cache(maxsize=64)
def _upsert(dialect: Dialect, table: str, keys: tuple[str, ...], columns: tuple[str, ...]) -> str:
    """One statement per table and shape, built once: the row that is there already takes
    the new one's (`excluded`) columns. Its marks are `?`, as `driver_rows` takes them."""
    quote = dialect.identifier_preparer.quote
    changed = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in columns if c not in keys)
    tail = f" ON CONFLICT ({', '.join(quote(k) for k in keys)}) DO UPDATE SET {changed}"
    return insert_sql(dialect, table, columns, 1, tail).replace(driver_mark(dialect), "?")
