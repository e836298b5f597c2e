"""The team server's tables (`gonogo serve`), beside the history they summarise.

Migration 0003 creates the same shape. Runs stay in `gonogo_runs`; these hold what the
server adds: one summary row per project and branch (so the fleet overview reads a
thousand rows, not every run), ingest and user tokens (hashes only), users, sessions,
the append-only audit log, webhooks and their delivery log.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from gonogo.store.tables import metadata, runs

projects = Table(
    "gonogo_server_projects",
    metadata,
    Column("project", String(255), primary_key=True),
    Column("owner", String(255)),
    Column("tags", Text, nullable=False),  # JSON list
    Column("default_branch", String(255)),
    Column("created_at", String(32), nullable=False),
)

branches = Table(
    "gonogo_server_branches",
    metadata,
    Column("project", String(255), primary_key=True),
    Column("branch", String(255), primary_key=True),  # "" for a run without a branch
    Column("run_seq", Integer, nullable=False),
    Column("run_id", String(64), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("received_at", Float, nullable=False),  # server clock, epoch seconds
    Column("commit", String(64)),
    Column("plan_hash", String(64), nullable=False),
    Column("verdict", String(8), nullable=False),
    Column("pass_rate", Float),
    Column("checks", Integer, nullable=False),
    Column("gates", Text, nullable=False),  # JSON: [{id, verdict, pass_rate, threshold, ...}]
    Column("p0", Text, nullable=False),  # JSON: open P0 blockers [{check, gate, owner, message}]
    Column("runs", Integer, nullable=False),  # runs received on this branch
)

tokens = Table(
    "gonogo_server_tokens",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # ingest (a project) or user (a user)
    Column("subject", String(255), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("hint", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("created_by", String(255), nullable=False),
    Column("revoked_at", String(32)),
)

users = Table(
    "gonogo_server_users",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("signs", Text, nullable=False),  # JSON list of approval roles; [] = any
    Column("password_hash", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("disabled_at", String(32)),
)

sessions = Table(
    "gonogo_server_sessions",
    metadata,
    Column("id_hash", String(64), primary_key=True),
    Column("user", String(255), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("expires_at", Float, nullable=False),
)

audit = Table(
    "gonogo_server_audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("actor", String(255), nullable=False),
    Column("action", String(64), nullable=False),
    Column("project", String(255)),
    Column("target", Text, nullable=False),
    Column("detail", Text, nullable=False),  # JSON
)

webhooks = Table(
    "gonogo_server_webhooks",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("url", Text, nullable=False),
    Column("secret_env", String(255), nullable=False),  # the secret stays in the environment
    Column("events", Text, nullable=False),  # JSON list
    Column("project", String(255)),  # None: every project
    Column("created_at", String(32), nullable=False),
    Column("disabled_at", String(32)),
)

deliveries = Table(
    "gonogo_server_deliveries",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("webhook_id", Integer, ForeignKey("gonogo_server_webhooks.id"), nullable=False),
    Column("event_id", String(64), nullable=False),
    Column("event", String(32), nullable=False),
    Column("project", String(255), nullable=False),
    Column("body", Text, nullable=False),
    Column("state", String(12), nullable=False),  # pending, delivered, failed
    Column("attempts", Integer, nullable=False),
    Column("next_at", Float, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("last_code", Integer),
    Column("last_error", Text),
    Column("delivered_at", String(32)),
    UniqueConstraint("webhook_id", "event_id", name="uq_gonogo_server_deliveries_event"),
    Index("ix_gonogo_server_deliveries_due", "state", "next_at"),
)

# the server reads runs per project (recent runs, trends, a branch's history)
Index("ix_gonogo_runs_project", runs.c.project, runs.c.seq)
Index("ix_gonogo_runs_project_branch", runs.c.project, runs.c.branch, runs.c.seq)
