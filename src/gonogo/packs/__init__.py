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
from gonogo.packs import builtin
from gonogo.packs.builtin import COMPOSE_FILES, DOCKERFILES, NOT_FOR_RELEASE, WORKFLOWS, CheckDict
from gonogo.packs.signals import VENDORED, Repository, read
from gonogo.plan.model import Plan

__all__ = ["PACKS", "CheckDict", "Pack", "default_plan", "default_plan_dict", "detected"]


@dataclass(frozen=True)
class Pack:
    name: str
    title: str
    applies: Callable[[FileIndex, Repository], bool]
    checks: Callable[[FileIndex, Repository], list[CheckDict]]


def _found(files: FileIndex, pattern: str, exclude: tuple[str, ...] = VENDORED) -> bool:
    """Whether the pack's check would find a file: the same glob, the same exclusions."""
    return bool(files.select(pattern, exclude))


PACKS: dict[str, Pack] = {
    p.name: p
    for p in (
        Pack("ops", "Operations basics", lambda f, r: True, builtin.ops),
        Pack("python", "Python code", lambda f, r: r.uses("python"), builtin.python),
        Pack(
            "docker",
            "Container images",
            lambda f, r: _found(f, DOCKERFILES, NOT_FOR_RELEASE),
            builtin.docker,
        ),
        Pack(
            "compose",
            "docker compose",
            lambda f, r: _found(f, COMPOSE_FILES, NOT_FOR_RELEASE),
            builtin.compose,
        ),
        Pack(
            "kubernetes",
            "Kubernetes manifests",
            lambda f, r: bool(r.kubernetes_workloads),
            builtin.kubernetes,
        ),
        Pack(
            "github-actions",
            "GitHub Actions",
            lambda f, r: bool(f.glob(WORKFLOWS)),
            builtin.actions,
        ),
        Pack("secrets", "Secrets", lambda f, r: True, builtin.secrets),
        Pack(
            "odoo",
            "Odoo modules",
            lambda f, r: _found(f, "**/{__manifest__,__openerp__}.py"),
            builtin.odoo,
        ),
    )
}


def detected(root: Path, files: FileIndex | None = None) -> list[tuple[Pack, list[CheckDict]]]:
    files = files or FileIndex(root)
    repo = read(files)
    return [(p, p.checks(files, repo)) for p in PACKS.values() if p.applies(files, repo)]


def default_plan_dict(root: Path, files: FileIndex | None = None) -> dict[str, Any]:
    return {
        "version": 1,
        "project": root.resolve().name,
        "gates": [
            {"id": p.name, "title": p.title, "checks": checks}
            for p, checks in detected(root, files)
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
