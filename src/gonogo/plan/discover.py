"""Which plan a command in PATH runs: found the way ruff and pre-commit find their config.

From PATH up to the root of its git repository (PATH alone outside one), the first
directory holding `gonogo.yaml`, `gonogo.yml`, `.gonogo.yaml` or `.gonogo.yml` wins, or
a `pyproject.toml` whose `[tool.gonogo]` table names the plan (`plan = "ci/gates.yaml"`,
relative to that pyproject). The plan's directory is the project root its paths are
relative to. Nothing found: the auto-detected default packs run on PATH.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from gonogo.errors import PlanError

PLAN_NAMES = ("gonogo.yaml", "gonogo.yml", ".gonogo.yaml", ".gonogo.yml")


@dataclass(frozen=True, slots=True)
class Found:
    plan: Path | None  # None: no plan, the default packs
    root: Path  # the directory the plan's paths are relative to
    via: str = ""  # "pyproject.toml [tool.gonogo]" when named there


def find_plan(start: Path) -> Found:
    """The plan for a command run in START (an existing directory)."""
    start = start.resolve()
    for directory in _upwards(start):
        for name in PLAN_NAMES:
            if (directory / name).is_file():
                return Found(directory / name, directory)
        named = _from_pyproject(directory / "pyproject.toml")
        if named is not None:
            return Found(named, named.parent, "pyproject.toml [tool.gonogo]")
    return Found(None, start)


def _upwards(start: Path) -> list[Path]:
    chain = [start, *start.parents]
    for i, directory in enumerate(chain):
        if (directory / ".git").exists():
            return chain[: i + 1]
    return [start]


def _from_pyproject(path: Path) -> Path | None:
    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None  # not ours to judge; the python pack reports a broken pyproject
    table = data.get("tool", {}).get("gonogo")
    if not isinstance(table, dict) or "plan" not in table:
        return None
    value = table["plan"]
    if not isinstance(value, str) or not value.strip():
        raise _error(path, text, f"{value!r}: expected the plan file's path as a string")
    plan = (path.parent / value).resolve()
    if not plan.is_file():
        raise _error(path, text, f"{value!r}: no such file ({plan})")
    return plan


def _error(path: Path, text: str, message: str) -> PlanError:
    return PlanError(message, file=str(path), line=_plan_line(text), field="tool.gonogo.plan")


def _plan_line(text: str) -> int | None:
    """The line of `plan = …` inside `[tool.gonogo]`, for the error message."""
    inside = False
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped.replace(" ", "") == "[tool.gonogo]"
        elif inside and stripped.split("=", 1)[0].strip() == "plan":
            return number
    return None
