"""Which files the scan skips, in gitignore's syntax (`*_test.go` at any depth,
`tests/fixtures/`, `!keep.txt`), like every tool users already have: the check's or the
command's `exclude` list, then the lines of `.gonogoignore` at the root. Only `pathspec`,
so a worker process can build the same test cheaply.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

IGNORE_FILE = ".gonogoignore"


PLAN_FILES = ("gonogo.yaml", "gonogo.yml")


@dataclass(frozen=True, slots=True)
class Excludes:
    """Patterns in effect, each with where it came from (for `-v`)."""

    entries: tuple[tuple[str, str], ...] = ()  # (pattern, source)

    @property
    def patterns(self) -> tuple[str, ...]:
        return tuple(p for p, _ in self.entries)

    def describe(self) -> list[str]:
        """One line per pattern: `PATTERN  (from SOURCE)`."""
        return [f"{p}  (from {source})" for p, source in self.entries]


def gather(root: Path, sources: Mapping[str, Iterable[str]]) -> Excludes:
    """The patterns of each source, then those of `root/.gonogoignore` (comments and
    blanks dropped)."""
    entries = [(p.strip(), src) for src, given in sources.items() for p in given if p.strip()]
    try:
        text = (root / IGNORE_FILE).read_text(encoding="utf-8", errors="replace")
    except OSError:
        text = ""
    lines = (line.rstrip() for line in text.splitlines())
    entries += [(p, IGNORE_FILE) for p in lines if p and not p.lstrip().startswith("#")]
    return Excludes(tuple(entries))


def plan_checks(root: Path) -> tuple[str, list[dict[str, Any]]]:
    """The plan file at `root` and its `secrets` checks as written; ("", []) when there is
    none or it cannot be read."""
    for name in PLAN_FILES:
        try:
            raw = (root / name).read_bytes()
        except OSError:
            continue
        from gonogo import yamlread  # only for a plan that is there

        try:
            doc = yamlread.load(raw)
        except yamlread.YamlError:
            continue
        return name, _checks(doc.data if isinstance(doc.data, dict) else {})
    return "", []


def setting(checks: list[dict[str, Any]], key: str) -> object:
    """What the first of `checks` that sets `key` gives it, or None."""
    return next((c[key] for c in checks if key in c), None)


def excludes_of(checks: list[dict[str, Any]]) -> list[str]:
    return [p for check in checks for p in _exclude_of(check)]


def _checks(data: dict[str, Any]) -> list[dict[str, Any]]:
    gates = data.get("gates")
    return [
        check
        for gate in (gates if isinstance(gates, list) else [])
        if isinstance(gate, dict) and isinstance(gate.get("checks"), list)
        for check in gate["checks"]
        if isinstance(check, dict) and check.get("kind") == "secrets"
    ]


def _exclude_of(check: dict[str, Any]) -> list[str]:
    listed = check.get("exclude")
    return [str(p) for p in listed] if isinstance(listed, list) else []


def keeper(patterns: Iterable[str], skip: Iterable[str] = ()) -> Callable[[str], bool]:
    """The test a path passes when it is none of `skip` and the patterns keep it."""
    skipped = frozenset(skip)
    listed = [p.removeprefix("./") for p in patterns]
    if not listed:
        return lambda rel: rel not in skipped
    import pathspec

    spec = pathspec.GitIgnoreSpec.from_lines(listed)
    return lambda rel: rel not in skipped and not spec.match_file(rel)
