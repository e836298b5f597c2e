"""The append-only audit log: every approval, revocation, token, user, webhook and
project change, with who did it and when. The database refuses UPDATE and DELETE on
the table (triggers from migration 0003); this module only ever inserts."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection

from gonogo.server.db import Row, rows
from gonogo.store import server_tables as st


def record(
    conn: Connection,
    *,
    at: str,
    actor: str,
    action: str,
    target: str,
    project: str | None = None,
    detail: Mapping[str, Any] | None = None,
) -> None:
    values: dict[str, Any] = {"at": at, "actor": actor, "action": action, "target": target}
    values.update(project=project, detail=json.dumps(dict(detail or {}), sort_keys=True))
    conn.execute(st.audit.insert().values(**values))


def entries(conn: Connection, limit: int = 200, project: str | None = None) -> list[Row]:
    """Newest first."""
    where = "WHERE project = :project" if project is not None else ""
    sql = f"SELECT * FROM gonogo_server_audit {where} ORDER BY id DESC LIMIT :limit"  # noqa: S608 - fixed clause
    found = rows(conn, sql, {"limit": limit, "project": project})
    for r in found:
        r["detail"] = json.loads(r["detail"])
    return found
