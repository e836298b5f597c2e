"""Packs: lists of ordinary checks, chosen by what a repository contains.

`gonogo check` in a directory without a plan runs the packs that apply; `gonogo init`
writes the same checks into a commented starter plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gonogo.fs.index import FileIndex
from gonogo.plan.model import Plan

CheckDict = dict[str, Any]


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    applies: Callable[[FileIndex], bool]
    checks: Callable[[FileIndex], list[CheckDict]]
    requires: tuple[str, ...] = ()


def _any(files: FileIndex, *globs: str) -> bool:
    return any(files.glob(g) for g in globs)


def _first(files: FileIndex, *globs: str) -> str | None:
    for g in globs:
        found = files.glob(g)
        if found:
            return found[0]
    return None


def _ops(files: FileIndex) -> list[CheckDict]:
    return [
        {
            "id": "readme",
            "kind": "file.exists",
            "path": "README*",
            "priority": "P2",
            "description": "the project explains itself",
        },
        {"id": "gitignore", "kind": "file.exists", "path": ".gitignore", "priority": "P2"},
        {
            "id": "ci-workflow",
            "kind": "file.exists",
            "priority": "P1",
            "path": _first(
                files, ".github/workflows/*.y*ml", ".gitlab-ci.yml", ".circleci/config.yml"
            )
            or ".github/workflows/*.y*ml",
            "description": "a CI pipeline runs on every change",
        },
        {
            "id": "no-dotenv",
            "kind": "file.absent",
            "path": "**/.env",
            "priority": "P0",
            "description": "no committed .env file",
        },
        {"id": "no-private-keys", "kind": "file.absent", "path": "**/*.pem", "priority": "P1"},
    ]


def _python(files: FileIndex) -> list[CheckDict]:
    checks: list[CheckDict] = [
        {"id": "python-syntax", "kind": "python.syntax", "path": "**/*.py", "priority": "P0"},
        {
            "id": "python-tests",
            "kind": "file.exists",
            "path": "**/test_*.py",
            "priority": "P1",
            "description": "there are tests",
        },
        {
            "id": "no-breakpoints",
            "kind": "file.not_contains",
            "path": "**/*.py",
            "pattern": r"^\s*(breakpoint\(\)|import pdb|pdb\.set_trace\(\))",
            "priority": "P1",
        },
    ]
    if files.glob("pyproject.toml"):
        checks.insert(
            0,
            {
                "id": "pyproject-valid",
                "kind": "file.valid",
                "path": "pyproject.toml",
                "format": "toml",
                "priority": "P0",
            },
        )
    return checks


def _docker(files: FileIndex) -> list[CheckDict]:
    return [
        {
            "id": "dockerignore",
            "kind": "file.exists",
            "path": ".dockerignore",
            "priority": "P2",
            "description": "the build context leaves out .git, .env and caches",
        },
        {
            "id": "dockerfile-no-latest",
            "kind": "file.not_contains",
            "priority": "P1",
            "path": "**/Dockerfile*",
            "pattern": r"(?im)^FROM\s+\S+:latest\b",
        },
        {
            "id": "dockerfile",
            "kind": "dockerfile",
            "priority": "P1",
            "file": _first(files, "Dockerfile", "**/Dockerfile") or "**/Dockerfile*",
            "description": "non-root USER, pinned base image, HEALTHCHECK",
        },
    ]


def _compose(files: FileIndex) -> list[CheckDict]:
    path = _first(files, *_COMPOSE) or "docker-compose.yml"
    return [
        {
            "id": "compose-valid",
            "kind": "file.valid",
            "path": path,
            "format": "yaml",
            "priority": "P0",
        },
        {
            "id": "compose-env",
            "kind": "compose",
            "file": path,
            "priority": "P0",
            "needs": ["compose-valid"],
            "description": "no inline secret; required secrets use ${VAR:?message}",
        },
    ]


def _secrets(files: FileIndex) -> list[CheckDict]:
    return [{"id": "no-secrets", "kind": "secrets", "priority": "P0"}]


def _odoo(files: FileIndex) -> list[CheckDict]:
    modules = sorted({m.rpartition("/")[0] for m in files.glob("**/__manifest__.py")})
    return [
        {"id": f"odoo-{m.rpartition('/')[2] or 'module'}", "kind": "odoo.module", "path": m}
        for m in modules[:50]
        if m
    ]


def _actions(files: FileIndex) -> list[CheckDict]:
    return [
        {
            "id": "workflows-valid",
            "kind": "file.valid",
            "path": ".github/workflows/*.y*ml",
            "format": "yaml",
            "priority": "P0",
        },
        {
            "id": "actions-pinned",
            "kind": "file.not_contains",
            "priority": "P2",
            "path": ".github/workflows/*.y*ml",
            "pattern": r"uses:\s*[^\s@#]+@(master|main)\b",
            "description": "actions pinned to a tag or commit, not a moving branch",
        },
    ]


_COMPOSE = ("docker-compose.yml", "docker-compose.yaml", "compose.yml", "compose.yaml")

PACKS: dict[str, Pack] = {
    p.name: p
    for p in (
        Pack("ops", "Operations basics", lambda f: True, _ops),
        Pack(
            "python",
            "Python code",
            lambda f: _any(f, "pyproject.toml", "setup.py", "**/*.py"),
            _python,
        ),
        Pack("docker", "Container image", lambda f: _any(f, "**/Dockerfile*"), _docker),
        Pack("compose", "docker-compose", lambda f: _any(f, *_COMPOSE), _compose),
        Pack(
            "github-actions",
            "GitHub Actions",
            lambda f: _any(f, ".github/workflows/*.y*ml"),
            _actions,
        ),
        Pack("secrets", "Secrets", lambda f: True, _secrets),
        Pack(
            "odoo",
            "Odoo modules",
            lambda f: _any(f, "*/__manifest__.py", "**/__manifest__.py"),
            _odoo,
        ),
    )
}


def detected(root: Path) -> list[tuple[Pack, list[CheckDict]]]:
    files = FileIndex(root)
    return [(p, p.checks(files)) for p in PACKS.values() if p.applies(files)]


def default_plan_dict(root: Path) -> dict[str, Any]:
    return {
        "version": 1,
        "project": root.resolve().name,
        "gates": [
            {"id": p.name, "title": p.title, "checks": checks} for p, checks in detected(root)
        ],
    }


def default_plan(root: Path, probes: Mapping[str, Any]) -> Plan:
    """The auto-detected plan, loaded through the same validation as a user's plan."""
    import yaml

    from gonogo.plan.loader import parse_plan

    text = yaml.safe_dump(default_plan_dict(root), sort_keys=False)
    return parse_plan(
        text, probes, source="<auto-detected default plan>", default_project=root.resolve().name
    )
