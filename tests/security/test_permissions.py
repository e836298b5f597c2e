"""One permission policy for what gonogo keeps: state 0600, reports 0644."""

from __future__ import annotations

import stat
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

PLAN = f"""\
version: 1
gates:
  - id: g
    checks:
      - {{id: readme, kind: file.exists, path: README.md}}
tasks:
  - {{id: t, retries: 0, run: [{sys.executable}, -c, "print('hi'); raise SystemExit(3)"]}}
"""


def test_state_is_private_and_reports_are_readable(
    make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# x\n"})
    assert cli("check", str(root)).code == 0
    assert cli("orchestrate", str(root)).code == 1
    state = root / ".gonogo"
    modes = {
        p.name: oct(stat.S_IMODE(p.stat().st_mode))
        for p in [*state.iterdir(), *(state / "tasks").iterdir()]
        if p.is_file() and p.name != ".gitignore"
    }
    wal = {modes.pop(n) for n in ("history.db-wal", "history.db-shm") if n in modes}
    assert wal <= {"0o600"}  # SQLite's own files, when present, take the database's mode
    assert modes == {
        "history.db": "0o600",
        "orchestrate.json": "0o600",
        "orchestrate.lock": "0o600",
        "escalations.jsonl": "0o600",
        "t.log": "0o600",
        "last.json": "0o644",
        "last.md": "0o644",
        "progress.md": "0o644",
    }
