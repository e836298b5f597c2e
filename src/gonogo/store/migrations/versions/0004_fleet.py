"""The fleet runner's runs, results and items.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "gonogo_fleet_runs",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("fleet", sa.Text, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("total", sa.Integer, nullable=False),
        sa.Column("started_at", sa.String(32), nullable=False),
        sa.Column("finished_at", sa.String(32)),
    )
    op.create_table(
        "gonogo_fleet_results",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("repo", sa.String(255), nullable=False),
        sa.Column("commit", sa.String(64), nullable=False),
        sa.Column("plan_digest", sa.String(64), nullable=False),
        sa.Column("gonogo_version", sa.String(32), nullable=False),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("run_id", sa.String(64)),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("failing", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.String(32), nullable=False),
        sa.UniqueConstraint(
            "repo", "commit", "plan_digest", "gonogo_version", name="uq_gonogo_fleet_key"
        ),
    )
    op.create_table(
        "gonogo_fleet_items",
        sa.Column(
            "fleet_run", sa.String(36), sa.ForeignKey("gonogo_fleet_runs.id"), primary_key=True
        ),
        sa.Column("repo", sa.String(255), primary_key=True),
        sa.Column("result_id", sa.Integer, sa.ForeignKey("gonogo_fleet_results.id")),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("commit", sa.String(64)),
        sa.Column("skipped", sa.Boolean, nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("duration_s", sa.Float, nullable=False),
        sa.Column("finished_at", sa.String(32), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("gonogo_fleet_items")
    op.drop_table("gonogo_fleet_results")
    op.drop_table("gonogo_fleet_runs")
