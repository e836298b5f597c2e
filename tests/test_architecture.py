"""The allowed arrows between gonogo's parts (docs/architecture.md), checked two ways:
every import statement in the source, function-level ones included, and what importing
a layer really loads in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from gonogo.pyparse import parse

SRC = Path(__file__).resolve().parents[1] / "src" / "gonogo"

# parts at the bottom: the only parts each may import
ONLY: dict[str, set[str]] = {
    "models": set(),
    "errors": set(),
    "rules": {"models"},
    "git": {"models"},
}
# part -> parts it must never import (directly or in a function)
FORBIDDEN: dict[str, set[str]] = {
    "engine": {"cli", "report", "store", "server", "fleet", "orchestrate", "audit"},
    "probes": {
        "cli",
        "report",
        "store",
        "engine",
        "plan",
        "server",
        "fleet",
        "orchestrate",
        "audit",
    },
    "report": {"cli", "engine", "store", "plan", "probes", "server", "fleet"},
    "plan": {"cli", "engine", "report", "store", "server", "fleet"},
    "store": {"cli", "report", "engine", "probes", "plan", "server", "fleet"},
    "secrets": {"cli", "report", "store", "engine", "plan", "server", "fleet"},
    "audit": {"cli", "report", "store", "server", "fleet"},
    "packs": {"cli", "engine", "report", "store", "server", "fleet", "orchestrate"},
    "server": {"cli", "fleet", "probes", "plan", "audit"},
    # the fleet runs `gonogo check` in child processes and records through the store
    # and the server's ingest: it never runs checks or renders reports itself
    "fleet": {"cli", "engine", "probes", "report", "audit", "orchestrate"},
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "gonogo"


def _imports() -> dict[str, set[tuple[str, str]]]:
    """part -> {(imported part, importing module)} over every gonogo import in src/."""
    edges: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for path in SRC.rglob("*.py"):
        module = ".".join(path.relative_to(SRC.parent).with_suffix("").parts)
        module = module.removesuffix(".__init__")
        for node in ast.walk(parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                if name.startswith("gonogo.") and _part(name) != _part(module):
                    edges[_part(module)].add((_part(name), module))
    return edges


@pytest.mark.parametrize("part", sorted(ONLY))
def test_the_bottom_parts_import_only_what_they_may(part: str) -> None:
    wrong = sorted((dep, mod) for dep, mod in _imports()[part] if dep not in ONLY[part])
    assert wrong == [], f"{part} may import only {sorted(ONLY[part])}: {wrong}"


@pytest.mark.parametrize("part", sorted(FORBIDDEN))
def test_no_forbidden_arrow_in_the_source(part: str) -> None:
    wrong = sorted((dep, mod) for dep, mod in _imports()[part] if dep in FORBIDDEN[part])
    assert wrong == [], f"{part} must not import these parts: {wrong}"


@pytest.mark.parametrize(
    ("module", "never"),
    [
        ("gonogo.models", {"gonogo.plan", "gonogo.engine", "gonogo.store", "gonogo.report"}),
        ("gonogo.report.json_report", {"gonogo.engine", "gonogo.store", "gonogo.probes"}),
        ("gonogo.report.sarif", {"gonogo.engine", "gonogo.store", "gonogo.probes"}),
        ("gonogo.report.html", {"gonogo.engine", "gonogo.store", "gonogo.probes"}),
        ("gonogo.plan.loader", {"gonogo.engine", "gonogo.store", "gonogo.report", "gonogo.cli"}),
        ("gonogo.engine.scheduler", {"gonogo.cli", "gonogo.store", "gonogo.report"}),
        ("gonogo.store.sql", {"gonogo.cli", "gonogo.report", "gonogo.engine", "gonogo.probes"}),
        ("gonogo.probes.registry", {"gonogo.cli", "gonogo.report", "gonogo.store"}),
    ],
)
def test_importing_a_layer_loads_nothing_it_must_not(module: str, never: set[str]) -> None:
    code = f"import sys, {module}; print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {".".join(m.split(".")[:2]) for m in done.stdout.split()}
    assert loaded & never == set()


def test_the_checker_sees_a_forbidden_import(tmp_path: Path) -> None:
    """The AST walk finds imports inside functions too (the lazy ones the layers use)."""
    tree = parse("def f():\n    from gonogo.cli.main import main\n")
    found = [n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    assert found == ["gonogo.cli.main"]
