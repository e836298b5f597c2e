"""Run history and approvals: the `Store` interface and how to open one.

SQLite at `.gonogo/history.db` by default; PostgreSQL through `--store` or
`GONOGO_STORE`. SQLAlchemy is imported only by `open_store`, so importing this
package stays cheap (`gonogo --version` never pays for the database layer).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from gonogo.models import RunReport, Status, TrendPoint

DEFAULT_PATH = ".gonogo/history.db"
ENV_VAR = "GONOGO_STORE"
FLAKY_WINDOW = 10
REVISIONS = ("0001", "0002", "0003", "0004")  # Alembic revisions in store/migrations, in order
HEAD = REVISIONS[-1]


@dataclass(frozen=True, slots=True)
class GateRow:
    gate_id: str
    verdict: str
    pass_rate: float | None
    passed: int
    total: int


@dataclass(frozen=True, slots=True)
class RunRow:
    """One recorded run as `gonogo history` lists it."""

    run_id: str
    started_at: str
    commit: str | None
    branch: str | None
    dirty: bool | None
    verdict: str
    pass_rate: float | None
    duration_s: float
    checks: int
    plan_hash: str
    gates: tuple[GateRow, ...] = ()


@dataclass(frozen=True, slots=True)
class Approval:
    """A role's sign-off on a gate, bound to one commit and one plan hash."""

    gate_id: str
    role: str
    approver: str
    commit: str
    plan_hash: str
    created_at: str
    note: str | None = None
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class HistoryReader(Protocol):
    """The reading half of the store: what `history`, `diff` and `approvals` need."""

    url: str

    def runs(self, limit: int = 20, gate: str | None = None) -> list[RunRow]:
        """Newest first; with `gate`, only runs that judged that gate (and only its row)."""

    def get(self, ref: str) -> RunReport:
        """A recorded run by id or unique id prefix; LookupError when there is none."""

    def latest_ids(self, n: int) -> list[str]:
        """Ids of the newest `n` runs, newest first."""

    def statuses(self, commit: str, limit: int = FLAKY_WINDOW) -> list[dict[str, Status]]:
        """Check statuses of the newest `limit` runs on `commit` with a clean work tree,
        oldest first (a run on edited files says nothing about flakiness)."""

    def commits(self, limit: int) -> list[str]:
        """Distinct commits of the newest `limit` runs, newest first."""

    def trends(self, gate_ids: Sequence[str], limit: int = 30) -> dict[str, list[TrendPoint]]:
        """Per gate, its pass rate over the newest `limit` runs that judged it, oldest first."""

    def approvals(
        self, commit: str | None = None, plan_hash: str | None = None, *, active_only: bool = True
    ) -> list[Approval]: ...

    def close(self) -> None: ...


class Store(HistoryReader, Protocol):
    """What gonogo needs from a history database; SQLite and PostgreSQL implement it."""

    def record(self, report: RunReport) -> None:
        """Store a whole run in one transaction: readers see all of it or nothing."""

    def approve(self, approval: Approval) -> None: ...

    def revoke(self, gate_id: str, role: str, commit: str, plan_hash: str, by: str, at: str) -> int:
        """Revoke active matching approvals; returns how many were revoked."""


def store_url(arg: str | None, environ: Mapping[str, str], root: Path) -> str:
    """`--store`, else `$GONOGO_STORE`, else SQLite at `.gonogo/history.db` under `root`."""
    value = arg or environ.get(ENV_VAR) or ""
    if not value:
        return f"sqlite:///{root / DEFAULT_PATH}"
    if "://" not in value:
        return f"sqlite:///{Path(value).resolve()}"
    return value


def sqlite_path(url: str) -> Path | None:
    """The file behind a `sqlite:///` URL; None for other databases."""
    if url.startswith("sqlite:///"):
        return Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    return None


def exists(url: str) -> bool:
    """False when the store is a SQLite file that was never created (nothing to read)."""
    path = sqlite_path(url)
    return path is None or path.is_file()


def open_reader(url: str) -> HistoryReader:
    """For reading only: a current SQLite file is read with the stdlib sqlite3 module (no
    SQLAlchemy import, so `gonogo history` answers fast); anything else opens the store."""
    from gonogo.store.lite import SqliteReader

    path = sqlite_path(url)
    reader = SqliteReader.open(url, path) if path is not None else None
    return reader if reader is not None else open_store(url)


def open_store(url: str) -> Store:
    """Connect, creating or migrating the schema as needed. Errors are `StoreError`s."""
    from gonogo.store.sql import SqlStore

    return SqlStore.open(url)


def given_approvals(store: HistoryReader, plan_hash: str, commit: str) -> dict[str, list[str]]:
    """Gate id -> roles approved for this commit and plan (active approvals only)."""
    given: dict[str, list[str]] = {}
    for a in store.approvals(commit, plan_hash):
        given.setdefault(a.gate_id, []).append(a.role)
    return given


def redact_url(url: str) -> str:
    """The URL with any password replaced, for messages."""
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}" if ":" in creds else url
