"""The fleet file: which repositories to judge, with which plan, under which limits.

    version: 1
    plan: plans/service.yaml        # optional: a shared plan, relative to this file
    defaults: {branch: main, timeout: 10m, memory: 2GiB}
    repositories:
      - {url: https://git.example.com/shop/api.git, owner: team-shop, tags: [api]}
      - {name: billing, path: ../billing, plan: ops/gonogo.yaml}

A repository is a git `url` (anything `git clone` takes) or a local `path` to a git
repository (relative to the fleet file); `plan` is a path inside it. Without either
plan, `gonogo check` finds the repository's own plan or runs the default packs.
`--from-dir DIR` builds the same list from every git repository below DIR.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from gonogo import yamlread
from gonogo.durations import parse_duration
from gonogo.errors import PlanError

_NAME = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9._/-]{0,199}\Z")
_SIZE = re.compile(r"\A\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(i?B)?\s*\Z", re.I)
_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40}


def parse_size(value: object) -> int:
    """`2GiB`, `512M`, `1048576` → bytes (powers of 1024); `off` → 0, no limit."""
    if isinstance(value, str) and value.strip().lower() in ("off", "unlimited"):
        return 0
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(value) if isinstance(value, str) else None
    if match is None or float(match.group(1)) <= 0:
        raise ValueError(f"{value!r} is not a size like 2GiB or 512M")
    return int(float(match.group(1)) * _UNITS[match.group(2).upper()])


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Limits(_Strict):
    branch: str | None = Field(None, description="branch to judge (default: the remote's HEAD)")
    timeout: float = Field(600.0, description="wall time of one repository's check: 10m")
    clone_timeout: float = Field(300.0, description="wall time of one clone or fetch")
    memory: int = Field(4 << 30, description="address-space cap of the check process: 4GiB, or off")
    disk: int = Field(1 << 30, description="largest file the check process may write: 1GiB, or off")
    retries: int = Field(2, ge=0, le=10, description="retries of a failed clone or a timeout")
    retry_backoff: float = Field(10.0, description="wait before the first retry, doubled after")

    @field_validator("timeout", "clone_timeout", mode="before")
    @classmethod
    def _duration(cls, value: object) -> float:
        seconds = parse_duration(value)
        if seconds <= 0:
            raise ValueError("must be longer than 0s")
        return seconds

    @field_validator("retry_backoff", mode="before")
    @classmethod
    def _wait(cls, value: object) -> float:
        return parse_duration(value)

    @field_validator("memory", "disk", mode="before")
    @classmethod
    def _size(cls, value: object) -> int:
        return parse_size(value)


class RepoSpec(_Strict):
    name: str | None = None
    url: str | None = None
    path: str | None = None
    branch: str | None = None
    plan: str | None = Field(None, description="plan file inside the repository")
    owner: str | None = None
    tags: list[str] = Field(default_factory=list)
    timeout: float | None = None

    @field_validator("timeout", mode="before")
    @classmethod
    def _duration(cls, value: object) -> float | None:
        return None if value is None else Limits._duration(value)

    @model_validator(mode="after")
    def _one_source(self) -> RepoSpec:
        if (self.url is None) == (self.path is None):
            raise ValueError("give exactly one of `url` and `path`")
        if self.name is not None and not _NAME.match(self.name):
            raise ValueError(f"name {self.name!r}: letters, digits, . _ / - only")
        if self.plan is not None and (self.plan.startswith("/") or ".." in self.plan.split("/")):
            raise ValueError(f"plan {self.plan!r} must be a path inside the repository")
        return self


class FleetSpec(_Strict):
    version: int = Field(1, ge=1, le=1)
    plan: str | None = Field(None, description="shared plan, relative to the fleet file")
    defaults: Limits = Field(default_factory=Limits)
    repositories: list[RepoSpec]

    @field_validator("repositories")
    @classmethod
    def _some(cls, value: list[RepoSpec]) -> list[RepoSpec]:
        if not value:
            raise ValueError("list at least one repository (a `url:` or a `path:`)")
        return value


@dataclass(frozen=True, slots=True)
class Repository:
    """One repository to judge, resolved: where it is, which plan, which limits."""

    name: str
    source: str  # git URL, or an absolute path of a local repository
    branch: str | None
    plan_in_repo: str | None
    owner: str | None
    tags: tuple[str, ...]
    timeout: float

    def to_task(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "source": self.source,
            "branch": self.branch,
            "plan_in_repo": self.plan_in_repo,
            "owner": self.owner,
            "tags": list(self.tags),
            "timeout": self.timeout,
        }

    @classmethod
    def from_task(cls, data: dict[str, Any]) -> Repository:
        return cls(
            str(data["name"]),
            str(data["source"]),
            data.get("branch"),
            data.get("plan_in_repo"),
            data.get("owner"),
            tuple(data.get("tags") or ()),
            float(data["timeout"]),
        )


@dataclass(frozen=True, slots=True)
class Fleet:
    name: str  # the fleet file's path, or the folder of --from-dir
    repositories: tuple[Repository, ...]
    limits: Limits
    shared_plan: str | None = None  # the shared plan's text
    shared_plan_path: str | None = None

    @property
    def shared_plan_digest(self) -> str | None:
        if self.shared_plan is None:
            return None
        return hashlib.sha256(("shared:" + self.shared_plan).encode()).hexdigest()


def load_fleet(path: Path) -> Fleet:
    """Read and validate a fleet file; every problem a PlanError with file, line, field."""
    from gonogo.plan.loader import load_model

    source = str(path)
    try:
        raw = path.read_bytes() if path.stat().st_size <= yamlread.MAX_BYTES else None
    except OSError as exc:
        raise PlanError(f"cannot read the fleet file: {exc.strerror or exc}", file=source) from None
    if raw is None:
        raise PlanError(f"larger than {yamlread.MAX_BYTES:,} bytes", file=source)
    spec = load_model(raw, FleetSpec, source=source, what="a fleet file")
    base = path.resolve().parent
    shared_text = None
    if spec.plan is not None:
        shared = base / spec.plan
        try:
            shared_text = shared.read_text(encoding="utf-8")
        except (OSError, UnicodeError) as exc:
            line = _line_of(raw, "plan")
            raise PlanError(
                f"{spec.plan!r}: cannot read the shared plan: {getattr(exc, 'strerror', exc)}",
                file=source,
                line=line,
                field="plan",
            ) from None
    repos = tuple(_resolve(spec, base))
    _unique(repos, raw, source)
    plan_path = str(base / spec.plan) if spec.plan else None
    return Fleet(source, repos, spec.defaults, shared_text, plan_path)


def from_dir(folder: Path, limits: Limits | None = None) -> Fleet:
    """Every git repository below `folder` (not descending into one), named by its path."""
    root = folder.resolve()
    if not root.is_dir():
        raise PlanError("not a directory", file=str(folder), field="--from-dir")
    limits = limits or Limits()
    repos = [
        Repository(rel, str(root / rel), limits.branch, None, None, (), limits.timeout)
        for rel in sorted(_git_repositories(root))
    ]
    if not repos:
        raise PlanError("holds no git repository", file=str(folder), field="--from-dir")
    return Fleet(str(folder), tuple(repos), limits)


def _git_repositories(root: Path) -> Iterator[str]:
    for here, dirs, _files in os.walk(root):
        if ".git" in dirs or Path(here, ".git").is_file():
            yield os.path.relpath(here, root) if here != str(root) else root.name
            dirs.clear()
            continue
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))


def _resolve(spec: FleetSpec, base: Path) -> Iterator[Repository]:
    for r in spec.repositories:
        source = r.url if r.url is not None else str((base / (r.path or "")).resolve())
        yield Repository(
            r.name or _default_name(r.url or r.path or ""),
            source,
            r.branch or spec.defaults.branch,
            r.plan,
            r.owner,
            tuple(r.tags),
            r.timeout or spec.defaults.timeout,
        )


def _default_name(source: str) -> str:
    """`https://host/org/api.git` → `org/api`; `../billing` → `billing`."""
    text = source.rstrip("/").removesuffix(".git")
    text = re.sub(r"^[a-z+]+://[^/]+/|^[^@/]+@[^:]+:", "", text)
    parts = [p for p in text.replace("\\", "/").split("/") if p not in ("", ".", "..")]
    name = "/".join(parts[-2:]) if "://" in source or "@" in source else (parts or ["repo"])[-1]
    return re.sub(r"[^A-Za-z0-9._/-]", "-", name) or "repo"


def _unique(repos: tuple[Repository, ...], raw: bytes, source: str) -> None:
    seen: dict[str, int] = {}
    for i, repo in enumerate(repos):
        if repo.name in seen:
            line, column = yamlread.load(raw).where(("repositories", i))
            raise PlanError(
                f"{repo.name!r}: the name of repositories[{seen[repo.name]}] too; give "
                "each repository its own `name:`",
                file=source,
                line=line,
                column=column,
                field=f"repositories[{i}].name",
            )
        seen[repo.name] = i


def _line_of(raw: bytes, key: str) -> int | None:
    return yamlread.load(raw).where((key,))[0]
