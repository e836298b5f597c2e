"""Which Python a project's code is written for, read from what the project declares.

For a file, the nearest folder above it that declares one decides: `pyproject.toml`
(`requires-python`, Poetry's `python` dependency, else `Programming Language :: Python
:: 3.X` classifiers), `setup.cfg` (`python_requires`, classifiers), `setup.py`
(`python_requires=`), else `.python-version`. The target is the oldest version the
declaration allows: code that claims `>=3.9` must parse on 3.9.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Version = tuple[int, int]
_CLAUSE = re.compile(r"^\s*(===|==|~=|>=|<=|!=|>|<|\^|~)?\s*v?(\d+)(?:\.(\d+|\*))?")
_CLASSIFIER = re.compile(r"Programming Language :: Python :: (\d+)\.(\d+)\b")
_SETUP_PY = re.compile(r"python_requires\s*=\s*['\"]([^'\"]+)['\"]")
_SETUP_CFG = re.compile(r"(?m)^\s*python_requires\s*=\s*(.+)$")
_PYTHON_VERSION = re.compile(r"(?m)^\s*(?:[a-z]+-?)?(\d+)\.(\d+)")
CONFIGS = ("pyproject.toml", "setup.cfg", "setup.py", ".python-version")


@dataclass(frozen=True, slots=True)
class Target:
    version: Version
    source: str  # "pyproject.toml requires-python '>=3.14'"
    python2: bool = False  # the declaration excludes Python 3


def oldest(spec: str) -> tuple[Version, bool] | None:
    """The oldest version a specifier allows, and whether it excludes Python 3:
    `>=3.9,<4` → (3, 9); Poetry's `^3.10 || ^3.12` → (3, 10); `==3.11.*` → (3, 11)."""
    lows: list[Version] = []
    python2 = False
    for alternative in spec.split("||"):
        low: Version | None = None
        for clause in alternative.split(","):
            match = _CLAUSE.match(clause)
            if match is None:
                continue
            op, major = match.group(1) or "==", int(match.group(2))
            minor = int(match.group(3)) if (match.group(3) or "*").isdigit() else 0
            if (op == "<" and (major, minor) <= (3, 0)) or (op == "<=" and major < 3):
                python2 = True
            if op in ("==", "===", "~=", ">=", ">", "^", "~"):
                low = max(low or (0, 0), (major, minor))
        if low is not None:
            lows.append(low)
    if not lows:
        return ((2, 7), True) if python2 else None
    return min(lows), python2


def _from_pyproject(text: str) -> tuple[str, str] | None:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return None
    found = data.get("project")
    project: dict[str, Any] = found if isinstance(found, dict) else {}
    spec = project.get("requires-python")
    if isinstance(spec, str):
        return spec, "requires-python"
    poetry = data.get("tool", {}).get("poetry", {}).get("dependencies", {})
    spec = poetry.get("python") if isinstance(poetry, dict) else None
    if isinstance(spec, str):
        return spec, "[tool.poetry.dependencies] python"
    return _classifiers(" ".join(map(str, project.get("classifiers", []))))


def _classifiers(text: str) -> tuple[str, str] | None:
    found = sorted((int(a), int(b)) for a, b in _CLASSIFIER.findall(text))
    if not found:
        return None
    return f">={found[0][0]}.{found[0][1]}", "classifiers"


def _from_setup_cfg(text: str) -> tuple[str, str] | None:
    match = _SETUP_CFG.search(text)
    if match:
        return match.group(1).strip(), "python_requires"
    return _classifiers(text)


def _from_setup_py(text: str) -> tuple[str, str] | None:
    match = _SETUP_PY.search(text)
    return (match.group(1), "python_requires") if match else _classifiers(text)


def _from_python_version(text: str) -> tuple[str, str] | None:
    match = _PYTHON_VERSION.search(text)
    return (f"=={match.group(1)}.{match.group(2)}", "") if match else None


_READERS: dict[str, Callable[[str], tuple[str, str] | None]] = {
    "pyproject.toml": _from_pyproject,
    "setup.cfg": _from_setup_cfg,
    "setup.py": _from_setup_py,
    ".python-version": _from_python_version,
}


def declared(name: str, text: str, rel: str) -> Target | None:
    """The target one configuration file declares, if it declares one."""
    found = _READERS[name](text)
    if found is None:
        return None
    spec, field = found
    low = oldest(spec)
    if low is None:
        return None
    what = f"{rel} {field} {spec.strip()!r}" if field else f"{rel} ({spec.strip('=')})"
    return Target(low[0], what, low[1])
