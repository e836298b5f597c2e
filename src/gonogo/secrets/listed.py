"""Values a secret scanner's own configuration lists as allowed.

A gitleaks configuration anywhere in the tree (gitleaks' built-in `config/gitleaks.toml`,
a project's `.gitleaks.toml`, one a tool ships for its users) lists in its allowlist
tables (`[allowlist]`, `[[allowlists]]`, `[[rules.allowlists]]`) the sample keys and
known test values its rules must not report: a value there is one a scanner was told is
no secret, whether or not that configuration is the one this scan applies.
"""

from __future__ import annotations

import re

_TABLE = re.compile(rb"(?m)^[ \t]*\[\[?[ \t]*([A-Za-z0-9_.-]+)[ \t]*\]\]?[ \t]*(?:#.*)?$")


def in_scanner_allowlist(data: bytes, start: int, path: str) -> bool:
    """Whether offset `start` of the TOML file `path` is inside an allowlist table."""
    if not path.endswith(".toml") or b"allowlist" not in data:
        return False
    tables = [m.group(1) for m in _TABLE.finditer(data, 0, start)]
    return bool(tables) and tables[-1].rsplit(b".", 1)[-1] in (b"allowlist", b"allowlists")
