"""Read a current SQLite history with the stdlib sqlite3 module.

`gonogo history` and `gonogo diff` are read-only and should answer at once; importing
SQLAlchemy costs more than the queries. This reader runs the same queries as
`SqlStore` on the same schema, opened read-only, and is used only when the file is at
the current schema revision (otherwise `SqlStore` opens it and migrates it). The queries
themselves are `HistoryReads`, shared with `SqlStore`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gonogo.store import HEAD
from gonogo.store.reads import HistoryReads

BUSY_TIMEOUT_S = 30


class SqliteReader(HistoryReads):
    def __init__(self, url: str, db: sqlite3.Connection) -> None:
        self.url = url
        self._db = db

    @classmethod
    def open(cls, url: str, path: Path) -> SqliteReader | None:
        """None unless `path` is a gonogo history at the current revision."""
        from gonogo import atomic
        from gonogo.errors import InputError

        atomic.guard(path, InputError)  # never read a history through a planted link
        if not path.is_file():
            return None
        try:
            db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
        except sqlite3.Error:
            return None
        try:
            db.row_factory = _as_dict
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
            row = db.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.Error:
            row = None
        if row is None or row["version_num"] != HEAD:
            db.close()
            return None
        return cls(url, db)

    def close(self) -> None:
        self._db.close()

    def _all(self, sql: str, params: Mapping[str, Any]) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self._db.execute(sql, dict(params)).fetchall()
        return rows


def _as_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: value for d, value in zip(cursor.description, row, strict=True)}
