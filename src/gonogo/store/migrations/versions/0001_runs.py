"""Runs, gate results and check results.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gonogo_runs",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.String(64), nullable=False, unique=True),
        sa.Column("project", sa.String(255), nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("commit", sa.String(64)),
        sa.Column("branch", sa.String(255)),
        sa.Column("dirty", sa.Boolean),
        sa.Column("plan_hash", sa.String(64), nullable=False),
        sa.Column("plan_source", sa.Text, nullable=False),
        sa.Column("root", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("pass_rate", sa.Float),
        sa.Column("checks", sa.Integer, nullable=False),
        sa.Column("interrupted", sa.Boolean, nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
    )
    op.create_index("ix_gonogo_runs_commit", "gonogo_runs", ["commit", "seq"])
    fk = sa.ForeignKey("gonogo_runs.seq", ondelete="CASCADE")
    op.create_table(
        "gonogo_gate_results",
        sa.Column("run_seq", sa.Integer, fk, primary_key=True),
        sa.Column("gate_id", sa.String(255), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("pass_rate", sa.Float),
        sa.Column("passed", sa.Integer, nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("skipped", sa.Integer, nullable=False),
        sa.Column("waived", sa.Integer, nullable=False),
        sa.Column("threshold", sa.Float, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_gonogo_gate_results_gate", "gonogo_gate_results", ["gate_id", "run_seq"])
    op.create_table(
        "gonogo_check_results",
        sa.Column(
            "run_seq",
            sa.Integer,
            sa.ForeignKey("gonogo_runs.seq", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("check_id", sa.String(255), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("gate_id", sa.String(255), nullable=False),
        sa.Column("kind", sa.String(255), nullable=False),
        sa.Column("priority", sa.String(4), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("owner", sa.String(255)),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("flaky", sa.Boolean, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gonogo_check_results")
    op.drop_table("gonogo_gate_results")
    op.drop_table("gonogo_runs")
