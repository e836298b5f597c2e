"""The history schema as SQLAlchemy Core tables (the migrations create the same shape)."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

runs = Table(
    "gonogo_runs",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("run_id", String(64), nullable=False, unique=True),
    Column("project", String(255), nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("commit", String(64)),
    Column("branch", String(255)),
    Column("dirty", Boolean),
    Column("plan_hash", String(64), nullable=False),
    Column("plan_source", Text, nullable=False),
    Column("root", Text, nullable=False),
    Column("verdict", String(8), nullable=False),
    Column("pass_rate", Float),
    Column("checks", Integer, nullable=False),
    Column("interrupted", Boolean, nullable=False),
    Column("notes", Text, nullable=False),
    Index("ix_gonogo_runs_commit", "commit", "seq"),
)

gates = Table(
    "gonogo_gate_results",
    metadata,
    Column("run_seq", Integer, ForeignKey("gonogo_runs.seq", ondelete="CASCADE"), primary_key=True),
    Column("gate_id", String(255), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("verdict", String(8), nullable=False),
    Column("pass_rate", Float),
    Column("passed", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("skipped", Integer, nullable=False),
    Column("waived", Integer, nullable=False),
    Column("threshold", Float, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: blockers, reasons, approvals
    Index("ix_gonogo_gate_results_gate", "gate_id", "run_seq"),
)

checks = Table(
    "gonogo_check_results",
    metadata,
    Column("run_seq", Integer, ForeignKey("gonogo_runs.seq", ondelete="CASCADE"), primary_key=True),
    Column("check_id", String(255), primary_key=True),
    Column("position", Integer, nullable=False),
    Column("gate_id", String(255), nullable=False),
    Column("kind", String(255), nullable=False),
    Column("priority", String(4), nullable=False),
    Column("status", String(8), nullable=False),
    Column("message", Text, nullable=False),
    Column("owner", String(255)),
    Column("duration_s", Float, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("flaky", Boolean, nullable=False),
    Column("detail", Text, nullable=False),  # JSON: evidence, findings, waiver, description
)

approvals = Table(
    "gonogo_approvals",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("gate_id", String(255), nullable=False),
    Column("role", String(255), nullable=False),
    Column("approver", String(255), nullable=False),
    Column("note", Text),
    Column("commit", String(64), nullable=False),
    Column("plan_hash", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Column("revoked_by", String(255)),
    Index("ix_gonogo_approvals_commit", "commit", "plan_hash"),
)

# The fleet runner (gonogo.fleet): one result per (repository, commit, plan, gonogo
# version), evaluated once however often its task is delivered; one item per repository
# and fleet run, pointing at the result it reused or recorded.
fleet_runs = Table(
    "gonogo_fleet_runs",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("fleet", Text, nullable=False),
    Column("mode", String(16), nullable=False),
    Column("total", Integer, nullable=False),
    Column("started_at", String(32), nullable=False),
    Column("finished_at", String(32)),
)

fleet_results = Table(
    "gonogo_fleet_results",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("repo", String(255), nullable=False),
    Column("commit", String(64), nullable=False),
    Column("plan_digest", String(64), nullable=False),
    Column("gonogo_version", String(32), nullable=False),
    Column("verdict", String(8), nullable=False),
    Column("run_id", String(64)),
    Column("duration_s", Float, nullable=False),
    Column("failing", Text, nullable=False),  # JSON list of failing check ids
    Column("recorded_at", String(32), nullable=False),
    UniqueConstraint("repo", "commit", "plan_digest", "gonogo_version", name="uq_gonogo_fleet_key"),
)

fleet_items = Table(
    "gonogo_fleet_items",
    metadata,
    Column("fleet_run", String(36), ForeignKey("gonogo_fleet_runs.id"), primary_key=True),
    Column("repo", String(255), primary_key=True),
    Column("result_id", Integer, ForeignKey("gonogo_fleet_results.id")),
    Column("verdict", String(8), nullable=False),  # GO, NO-GO or error
    Column("commit", String(64)),
    Column("skipped", Boolean, nullable=False),
    Column("error", Text),
    Column("attempts", Integer, nullable=False),
    Column("duration_s", Float, nullable=False),
    Column("finished_at", String(32), nullable=False),
)
