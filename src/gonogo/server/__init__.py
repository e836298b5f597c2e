"""`gonogo serve`: the team server.

CI pushes `gonogo.report/v1` runs with a project-scoped token; the server keeps them in
the same store schema as the local history (SQLite under `.gonogo/` or PostgreSQL) and
shows the fleet, projects, runs and diffs; approvers sign gates off into the store that
`gonogo check` reads; badges and signed webhooks tell everyone else.

Nothing here is imported by `gonogo --version` or `gonogo check`: FastAPI, uvicorn and
argon2 load only when `gonogo serve` starts (or `create_app` is called).
"""

from __future__ import annotations

from gonogo.server.config import Settings

__all__ = ["Settings"]
