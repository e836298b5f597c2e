"""detect-secrets' `.secrets.baseline` (JSON): the findings a team reviewed, by file.

- `results`: per file, entries with `hashed_secret` (SHA-1 hex of the secret), the
  `line_number` and, once audited, `is_secret`. A gonogo finding whose value has the
  SHA-1 of an entry for its file is allowed; an entry with `is_secret: true` is a
  confirmed secret, and a finding with its value is reported whatever any allowlist
  says. detect-secrets hashes a private key's header (`BEGIN RSA PRIVATE KEY`), not its
  body, so for a key the entry's line must be the finding's line too.
- the exclusions it was run with: `exclude.files` and `exclude.lines` (0.x baselines),
  or the `should_exclude_file`, `should_exclude_line` and `should_exclude_secret`
  patterns of `filters_used` (1.x): searched in the path, the finding's lines and the
  secret. Patterns are compiled by RE2; one it refuses is a problem and is left out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gonogo.secrets.allow import (
    KEY_BLOCKS,
    Loaded,
    Patterns,
    Problem,
    Seen,
    Verdict,
    locator,
    patterns,
    read_text,
    text_of,
)
from gonogo.secrets.tools import DETECT_SECRETS

NAME = DETECT_SECRETS
MAX_BYTES = 32 << 20
_HEX40 = re.compile(r"[0-9a-fA-F]{40}")
_FILTERS = {
    "detect_secrets.filters.regex.should_exclude_file": "files",
    "detect_secrets.filters.regex.should_exclude_line": "lines",
    "detect_secrets.filters.regex.should_exclude_secret": "secrets",
}


@dataclass(frozen=True)
class Reviewed:
    """The `results`: per file, each hash with the lines it was seen on."""

    allowed: dict[str, dict[str, frozenset[int]]] = field(default_factory=dict)
    confirmed: dict[str, dict[str, frozenset[int]]] = field(default_factory=dict)

    def judge(self, seen: Seen) -> Verdict | None:
        return Verdict(f"{NAME} results") if _listed(self.allowed, seen) else None

    def confirms(self, seen: Seen) -> bool:
        return _listed(self.confirmed, seen)


def _listed(by_file: dict[str, dict[str, frozenset[int]]], seen: Seen) -> bool:
    """Whether the finding's value, or (for a key, on its line) its header, is listed."""
    entries = by_file.get(seen.path)
    if not entries:
        return False
    if _sha1(seen.value) in entries:
        return True
    return seen.kind in KEY_BLOCKS and any(
        seen.line in entries.get(header, ()) for header in _headers(seen)
    )


@dataclass(frozen=True)
class Excluded:
    """The exclusions detect-secrets was run with."""

    files: Patterns | None
    lines: Patterns | None
    secrets: Patterns | None
    names: dict[str, str]  # files/lines/secrets: the key each was read from (when given)

    def judge(self, seen: Seen) -> Verdict | None:
        if self.lines is not None and any(self.lines.search(text_of(x)) for x in seen.lines):
            return Verdict(f"{NAME} {self.names['lines']}")
        if self.secrets is not None and self.secrets.search(text_of(seen.value)):
            return Verdict(f"{NAME} {self.names['secrets']}")
        if self.files is not None and self.files.search(seen.path):
            return Verdict(f"{NAME} {self.names['files']}", by_path=True)
        return None


def _sha1(value: bytes) -> str:
    return hashlib.sha1(value, usedforsecurity=False).hexdigest()


def _headers(seen: Seen) -> list[str]:
    """What detect-secrets hashed for this key block: `BEGIN <header>`, or PuTTY's
    `PuTTY-User-Key-File-N`."""
    key = text_of(seen.key)
    return [_sha1(f"BEGIN {key}".encode()), _sha1(key.encode())]


def load(root: Path) -> Loaded:
    text, problem = read_text(root, NAME, MAX_BYTES)
    if problem is not None or text is None:
        return Loaded(problems=(problem,) if problem else ())  # unread: scanned as any file
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        why = f"invalid JSON ({exc.msg}, column {exc.colno}); gonogo goes on without it"
        return Loaded(problems=(Problem(NAME, exc.lineno, why),), files=(NAME,))
    if not isinstance(data, dict) or not isinstance(data.get("results", {}), dict):
        why = "not a detect-secrets baseline (an object with `results` by file expected); not used"
        return Loaded(problems=(Problem(NAME, 1, why),), files=(NAME,))
    problems: list[Problem] = []
    reviewed = _results(data.get("results", {}), problems)
    excluded = _exclusions(data, locator(text), problems)
    n = sum(len(v) for v in reviewed.allowed.values())
    confirmed = sum(len(v) for v in reviewed.confirmed.values())
    notes = [
        f"{NAME} results: {n} reviewed value(s) in {len(reviewed.allowed)} file(s) (matched "
        f"by SHA-1 of the value); {confirmed} marked is_secret: true, always reported"
    ]
    sources: list[Any] = [reviewed]
    if excluded is not None:
        sources.append(excluded)
        notes.append(f"{NAME} exclusions: {', '.join(excluded.names.values())}")
    return Loaded(tuple(sources), (reviewed.confirms,), tuple(notes), tuple(problems), (NAME,))


def _results(results: dict[str, Any], problems: list[Problem]) -> Reviewed:
    found: dict[bool, dict[str, dict[str, set[int]]]] = {
        real: defaultdict(lambda: defaultdict(set)) for real in (False, True)
    }
    for name, entries in results.items():
        path = str(name).replace("\\", "/").removeprefix("./")
        if not isinstance(entries, list):
            problems.append(Problem(NAME, None, f"results[{name!r}]: a list expected; skipped"))
            continue
        for i, entry in enumerate(entries):
            hashed = entry.get("hashed_secret") if isinstance(entry, dict) else None
            if not isinstance(hashed, str) or not _HEX40.fullmatch(hashed):
                why = f"results[{name!r}][{i}].hashed_secret: 40 hex digits expected; skipped"
                problems.append(Problem(NAME, None, why))
                continue
            assert isinstance(entry, dict)
            lines = found[entry.get("is_secret") is True][path][hashed.lower()]
            line = entry.get("line_number")
            if isinstance(line, int) and not isinstance(line, bool):
                lines.add(line)
    allowed, confirmed = (
        {p: {h: frozenset(n) for h, n in e.items()} for p, e in found[real].items()}
        for real in (False, True)
    )
    return Reviewed(allowed, confirmed)


def _exclusions(
    data: dict[str, Any], locate: Callable[[str], int | None], problems: list[Problem]
) -> Excluded | None:
    found: dict[str, list[str]] = {"files": [], "lines": [], "secrets": []}
    names: dict[str, str] = {}
    old = data.get("exclude")
    if isinstance(old, dict):
        for part in ("files", "lines"):
            value = old.get(part)
            if isinstance(value, str) and value:
                found[part].append(value)
                names[part] = f"exclude.{part}"
    filters = data.get("filters_used")
    for entry in filters if isinstance(filters, list) else []:
        kind = _FILTERS.get(entry.get("path", "")) if isinstance(entry, dict) else None
        if kind is None:
            continue
        given = entry.get("pattern")
        listed = [given] if isinstance(given, str) else given if isinstance(given, list) else []
        found[kind] += [v for v in listed if isinstance(v, str) and v]
        names[kind] = f"filters_used {_name_of(kind)}"
    if not any(found.values()):
        return None
    compiled: dict[str, Patterns | None] = {}
    for part, values in found.items():
        compiled[part] = None
        if values:
            compiled[part], refused = patterns(values, NAME, names[part], locate)
            problems += refused
    return Excluded(compiled["files"], compiled["lines"], compiled["secrets"], names)


def _name_of(part: str) -> str:
    return {"files": "should_exclude_file", "lines": "should_exclude_line"}.get(
        part, "should_exclude_secret"
    )
