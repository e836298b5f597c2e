"""The `Store` on SQLAlchemy Core: SQLite (WAL) or PostgreSQL, one transaction per run."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from gonogo import atomic
from gonogo.errors import StoreError
from gonogo.models import RunReport, Status, TrendPoint
from gonogo.store import FLAKY_WINDOW, Approval, RunRow, redact_url, sqlite_path
from gonogo.store import tables as t
from gonogo.store.codec import read_report, run_values
from gonogo.store.migrate import ensure_schema
from gonogo.store.rows import gate_rows, run_row

BUSY_TIMEOUT_S = 30


class SqlStore:
    def __init__(self, url: str, engine: Engine, writer: Engine) -> None:
        self.url = url
        self._engine = engine
        self._writer = writer

    @classmethod
    def open(cls, url: str) -> SqlStore:
        engine = _engine(url)
        writer = engine.execution_options(gonogo_write=True)
        try:
            ensure_schema(engine, writer, redact_url(url))
        except DBAPIError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot open the history database {redact_url(url)}: {_reason(exc)}"
            ) from None
        return cls(url, engine, writer)

    def close(self) -> None:
        self._engine.dispose()

    # runs -----------------------------------------------------------------
    def record(self, report: RunReport) -> None:
        with self._writer.begin() as conn:
            write_run(conn, report)

    def runs(self, limit: int = 20, gate: str | None = None) -> list[RunRow]:
        q = select(t.runs).order_by(t.runs.c.seq.desc()).limit(max(0, limit))
        if gate is not None:
            judged = select(t.gates.c.run_seq).where(t.gates.c.gate_id == gate)
            q = q.where(t.runs.c.seq.in_(judged))
        with self._engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
            seqs = [r["seq"] for r in rows]
            gq = select(t.gates).where(t.gates.c.run_seq.in_(seqs))
            if gate is not None:
                gq = gq.where(t.gates.c.gate_id == gate)
            by_run = gate_rows(conn.execute(gq.order_by(t.gates.c.position)).mappings())
        return [run_row(r, by_run.get(r["seq"], ())) for r in rows]

    def get(self, ref: str) -> RunReport:
        with self._engine.connect() as conn:
            seq = _resolve(conn, ref)
            return read_report(conn, seq)

    def latest_ids(self, n: int) -> list[str]:
        q = select(t.runs.c.run_id).order_by(t.runs.c.seq.desc()).limit(n)
        with self._engine.connect() as conn:
            return [str(r) for r in conn.execute(q).scalars()]

    def statuses(self, commit: str, limit: int = FLAKY_WINDOW) -> list[dict[str, Status]]:
        sq = (
            select(t.runs.c.seq)
            .where(t.runs.c.commit == commit, t.runs.c.dirty.is_(False))
            .order_by(t.runs.c.seq.desc())
            .limit(limit)
        )
        with self._engine.connect() as conn:
            seqs = sorted(conn.execute(sq).scalars())
            q = select(t.checks.c.run_seq, t.checks.c.check_id, t.checks.c.status).where(
                t.checks.c.run_seq.in_(seqs)
            )
            out: dict[int, dict[str, Status]] = {s: {} for s in seqs}
            for run_seq, check_id, status in conn.execute(q):
                out[run_seq][check_id] = Status(status)
        return [out[s] for s in seqs]

    def commits(self, limit: int) -> list[str]:
        q = select(t.runs.c.commit).order_by(t.runs.c.seq.desc()).limit(limit)
        with self._engine.connect() as conn:
            found = [c for c in conn.execute(q).scalars() if c]
        return list(dict.fromkeys(found))

    def trends(self, gate_ids: Sequence[str], limit: int = 30) -> dict[str, list[TrendPoint]]:
        out: dict[str, list[TrendPoint]] = {}
        cols = (t.runs.c.run_id, t.runs.c.started_at, t.gates.c.verdict, t.gates.c.pass_rate)
        with self._engine.connect() as conn:
            for gid in gate_ids:
                q = (
                    select(*cols)
                    .join(t.runs, t.runs.c.seq == t.gates.c.run_seq)
                    .where(t.gates.c.gate_id == gid)
                    .order_by(t.gates.c.run_seq.desc())
                    .limit(limit)
                )
                points = [TrendPoint(*row) for row in conn.execute(q)]
                out[gid] = points[::-1]
        return out

    # approvals ------------------------------------------------------------
    def approve(self, approval: Approval) -> None:
        values = {
            "gate_id": approval.gate_id,
            "role": approval.role,
            "approver": approval.approver,
            "note": approval.note,
            "commit": approval.commit,
            "plan_hash": approval.plan_hash,
            "created_at": approval.created_at,
        }
        with self._writer.begin() as conn:
            conn.execute(t.approvals.insert().values(**values))

    def revoke(self, gate_id: str, role: str, commit: str, plan_hash: str, by: str, at: str) -> int:
        a = t.approvals.c
        stmt = (
            update(t.approvals)
            .where(a.gate_id == gate_id, a.role == role, a.commit == commit)
            .where(a.plan_hash == plan_hash, a.revoked_at.is_(None))
            .values(revoked_at=at, revoked_by=by)
        )
        with self._writer.begin() as conn:
            return int(conn.execute(stmt).rowcount)

    def approvals(
        self, commit: str | None = None, plan_hash: str | None = None, *, active_only: bool = True
    ) -> list[Approval]:
        a = t.approvals.c
        q = select(t.approvals).order_by(a.id)
        if commit is not None:
            q = q.where(a.commit == commit)
        if plan_hash is not None:
            q = q.where(a.plan_hash == plan_hash)
        if active_only:
            q = q.where(a.revoked_at.is_(None))
        with self._engine.connect() as conn:
            rows = conn.execute(q).mappings().all()
        return [Approval(**{k: v for k, v in r.items() if k != "id"}) for r in rows]


def write_run(conn: Connection, report: RunReport) -> None:
    """Insert one run with its gates and checks on `conn` (the caller owns the transaction)."""
    run_vals, gate_vals, check_vals = run_values(report)
    try:
        key = conn.execute(t.runs.insert().values(**run_vals)).inserted_primary_key
        seq = key[0] if key is not None else None
    except IntegrityError:
        raise StoreError(f"run {report.run_id} is already recorded") from None
    if gate_vals:
        conn.execute(t.gates.insert(), [{**g, "run_seq": seq} for g in gate_vals])
    if check_vals:
        conn.execute(t.checks.insert(), [{**c, "run_seq": seq} for c in check_vals])


def _resolve(conn: Connection, ref: str) -> int:
    ref = ref.strip().lower()
    if not ref or any(ch not in "0123456789abcdef-" for ch in ref):
        raise LookupError(f"{ref!r} is not a run id (hex digits, as `gonogo history` shows)")
    q = select(t.runs.c.seq, t.runs.c.run_id).where(t.runs.c.run_id.startswith(ref)).limit(2)
    found = conn.execute(q).all()
    if not found:
        raise LookupError(f"no recorded run has an id starting with {ref}")
    if len(found) > 1:
        raise LookupError(f"run id prefix {ref} is ambiguous: {found[0][1]}, {found[1][1]}, …")
    return int(found[0][0])


def _engine(url: str) -> Engine:
    path = sqlite_path(url)
    if path is not None:
        return _sqlite_engine(path)
    scheme = url.split("://", 1)[0]
    if scheme in ("postgresql", "postgres", "postgresql+psycopg"):
        dsn = "postgresql+psycopg://" + url.split("://", 1)[1]
        return create_engine(dsn, connect_args={"connect_timeout": 10}, pool_size=2)
    raise StoreError(
        f"--store {redact_url(url)}: unsupported database; use sqlite:///PATH or "
        "postgresql://USER@HOST/DB"
    )


def _sqlite_engine(path: Path) -> Engine:
    try:
        atomic.ensure_dir(path.parent)
    except OSError as exc:
        raise StoreError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_S, "isolation_level": None},
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # A writer takes the lock up front, so two writers queue instead of deadlocking.
        write = conn.get_execution_options().get("gonogo_write", False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def _reason(exc: DBAPIError) -> str:
    text = str(exc.orig) if exc.orig is not None else str(exc)
    return " ".join(text.split())[:300]
