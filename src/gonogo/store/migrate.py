"""Bring a history database to the current schema with the Alembic migrations shipped
in `gonogo.store.migrations`, safely when several gonogo processes open it at once.

The fast path reads `alembic_version` and imports nothing more when it is current.
Otherwise the upgrade runs inside one write transaction that holds the database's
lock (SQLite `BEGIN IMMEDIATE`, a PostgreSQL advisory lock): a second process waits,
then finds the schema current; a crash midway leaves the old schema (DDL is
transactional on both).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from gonogo.errors import StoreError
from gonogo.store import HEAD, REVISIONS

_PG_LOCK_KEY = 0x60_60_60_60  # advisory lock id reserved for gonogo's migrations


def current_revision(engine: Engine) -> str | None:
    """The schema revision recorded in the database; None for a new database."""
    try:
        with engine.connect() as conn:
            row = conn.execute(text("SELECT version_num FROM alembic_version")).first()
    except DBAPIError:
        return None
    return None if row is None else str(row[0])


def ensure_schema(engine: Engine, writer: Engine, where: str) -> None:
    """Upgrade to HEAD unless already there; refuse a database from a newer gonogo."""
    rev = current_revision(engine)
    if rev == HEAD:
        return
    if rev is not None and rev not in REVISIONS:
        raise StoreError(
            f"history database {where} has schema revision {rev}, which this gonogo "
            f"does not know (newest known: {HEAD}); upgrade gonogo to read it"
        )
    upgrade(writer, HEAD)


def upgrade(writer: Engine, target: str) -> None:
    """Run the migrations up to `target` in one locked transaction."""
    from alembic import command

    cfg = alembic_config()
    with writer.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_LOCK_KEY})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, target)


def alembic_config() -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    return cfg
