"""The server's handle on the store: the history `SqlStore` plus one write path.

SQLite takes one writer at a time; a lock in the process queues the server's own
writers in memory instead of letting them spin on the file's busy timeout. PostgreSQL
needs no such lock.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import Connection, text

from gonogo.store import sqlite_path
from gonogo.store.sql import SqlStore

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


def upsert(conn: Connection, table: Any, values: Mapping[str, Any], keys: tuple[str, ...]) -> None:
    """Insert, or update the row with the same `keys` (SQLite and PostgreSQL)."""
    stmt = _upsert(conn.dialect.name, table, keys, tuple(values))
    conn.execute(stmt, dict(values))


@functools.lru_cache(maxsize=64)
def _upsert(dialect: str, table: Any, keys: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    """One statement per table and shape, built once: its values are bound parameters,
    and the row that is there already takes the new one's (`excluded`) columns."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        stmt: Any = pg_insert(table)
    else:
        from sqlalchemy.dialects.sqlite import insert as lite_insert

        stmt = lite_insert(table)
    changed = {c: stmt.excluded[c] for c in columns if c not in keys}
    return stmt.on_conflict_do_update(index_elements=list(keys), set_=changed)
