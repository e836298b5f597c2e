"""The team server: project and branch summaries, tokens, users, sessions, the
append-only audit log, webhooks and deliveries; run indexes per project.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_S = sa.String
_PG_GUARD = """
CREATE FUNCTION gonogo_append_only() RETURNS trigger AS $$
BEGIN RAISE EXCEPTION 'gonogo_server_audit is append-only'; END; $$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_index("ix_gonogo_runs_project", "gonogo_runs", ["project", "seq"])
    op.create_index("ix_gonogo_runs_project_branch", "gonogo_runs", ["project", "branch", "seq"])
    op.create_table(
        "gonogo_server_projects",
        sa.Column("project", _S(255), primary_key=True),
        sa.Column("owner", _S(255)),
        sa.Column("tags", sa.Text, nullable=False),
        sa.Column("default_branch", _S(255)),
        sa.Column("created_at", _S(32), nullable=False),
    )
    op.create_table(
        "gonogo_server_branches",
        sa.Column("project", _S(255), primary_key=True),
        sa.Column("branch", _S(255), primary_key=True),
        sa.Column("run_seq", sa.Integer, nullable=False),
        sa.Column("run_id", _S(64), nullable=False),
        sa.Column("started_at", _S(32), nullable=False),
        sa.Column("received_at", sa.Float, nullable=False),
        sa.Column("commit", _S(64)),
        sa.Column("plan_hash", _S(64), nullable=False),
        sa.Column("verdict", _S(8), nullable=False),
        sa.Column("pass_rate", sa.Float),
        sa.Column("checks", sa.Integer, nullable=False),
        sa.Column("gates", sa.Text, nullable=False),
        sa.Column("p0", sa.Text, nullable=False),
        sa.Column("runs", sa.Integer, nullable=False),
    )
    _auth_tables()
    _audit_table()
    _webhook_tables()


def _auth_tables() -> None:
    op.create_table(
        "gonogo_server_tokens",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("kind", _S(8), nullable=False),
        sa.Column("subject", _S(255), nullable=False),
        sa.Column("token_hash", _S(64), nullable=False, unique=True),
        sa.Column("hint", _S(16), nullable=False),
        sa.Column("created_at", _S(32), nullable=False),
        sa.Column("created_by", _S(255), nullable=False),
        sa.Column("revoked_at", _S(32)),
    )
    op.create_table(
        "gonogo_server_users",
        sa.Column("name", _S(255), primary_key=True),
        sa.Column("role", _S(16), nullable=False),
        sa.Column("signs", sa.Text, nullable=False),
        sa.Column("password_hash", sa.Text, nullable=False),
        sa.Column("created_at", _S(32), nullable=False),
        sa.Column("disabled_at", _S(32)),
    )
    op.create_table(
        "gonogo_server_sessions",
        sa.Column("id_hash", _S(64), primary_key=True),
        sa.Column("user", _S(255), nullable=False),
        sa.Column("csrf", _S(64), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )


def _audit_table() -> None:
    op.create_table(
        "gonogo_server_audit",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("at", _S(32), nullable=False),
        sa.Column("actor", _S(255), nullable=False),
        sa.Column("action", _S(64), nullable=False),
        sa.Column("project", _S(255)),
        sa.Column("target", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_GUARD)
        op.execute(
            "CREATE TRIGGER gonogo_server_audit_append_only BEFORE UPDATE OR DELETE "
            "ON gonogo_server_audit FOR EACH ROW EXECUTE FUNCTION gonogo_append_only()"
        )
        return
    for what in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER gonogo_server_audit_no_{what.lower()} BEFORE {what} "
            "ON gonogo_server_audit BEGIN "
            "SELECT RAISE(ABORT, 'gonogo_server_audit is append-only'); END"
        )


def _webhook_tables() -> None:
    op.create_table(
        "gonogo_server_webhooks",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("secret_env", _S(255), nullable=False),
        sa.Column("events", sa.Text, nullable=False),
        sa.Column("project", _S(255)),
        sa.Column("created_at", _S(32), nullable=False),
        sa.Column("disabled_at", _S(32)),
    )
    op.create_table(
        "gonogo_server_deliveries",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column(
            "webhook_id", sa.Integer, sa.ForeignKey("gonogo_server_webhooks.id"), nullable=False
        ),
        sa.Column("event_id", _S(64), nullable=False),
        sa.Column("event", _S(32), nullable=False),
        sa.Column("project", _S(255), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("state", _S(12), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_at", sa.Float, nullable=False),
        sa.Column("created_at", _S(32), nullable=False),
        sa.Column("last_code", sa.Integer),
        sa.Column("last_error", sa.Text),
        sa.Column("delivered_at", _S(32)),
        sa.UniqueConstraint("webhook_id", "event_id", name="uq_gonogo_server_deliveries_event"),
    )
    op.create_index(
        "ix_gonogo_server_deliveries_due", "gonogo_server_deliveries", ["state", "next_at"]
    )


def downgrade() -> None:
    for table in (
        "gonogo_server_deliveries",
        "gonogo_server_webhooks",
        "gonogo_server_audit",
        "gonogo_server_sessions",
        "gonogo_server_users",
        "gonogo_server_tokens",
        "gonogo_server_branches",
        "gonogo_server_projects",
    ):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS gonogo_append_only()")
    op.drop_index("ix_gonogo_runs_project_branch", "gonogo_runs")
    op.drop_index("ix_gonogo_runs_project", "gonogo_runs")
