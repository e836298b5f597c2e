"""An approval binds to its commit and a clean tree: uncommitted changes to tracked files
void it, untracked files do not."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

PLAN = """\
version: 1
gates:
  - id: release
    approvals: [release-manager]
    checks:
      - {id: readme, kind: file.exists, path: README.md}
"""
VOID = (
    "approval(s) not counted: release-manager: tracked files have uncommitted changes, and "
    "an approval covers its commit with a clean tree only (commit or stash the changes)"
)


def _gate(root: Path) -> tuple[str, list[str], list[str]]:
    (gate,) = json.loads((root / ".gonogo/last.json").read_text())["gates"]
    return gate["verdict"], gate["reasons"], gate["approvals"]["given"]


def test_a_dirty_tracked_tree_never_satisfies_an_approval(
    make_repo: Callable[..., Path], cli: Callable[..., Any]
) -> None:
    root = make_repo({"gonogo.yaml": PLAN, "README.md": "# shop\n"})
    approved = cli("approve", "release", "--as", "release-manager", "-C", str(root))
    assert approved.code == 0, approved.stderr
    assert cli("check", str(root)).code == 0
    assert _gate(root) == ("GO", [], ["release-manager"])

    (root / "notes.txt").write_text("untracked: the approval still counts\n")
    assert cli("check", str(root)).code == 0
    assert _gate(root) == ("GO", [], ["release-manager"])

    (root / "README.md").write_text("# shop, edited after the approval\n")
    res = cli("check", str(root))
    assert res.code == 1
    assert _gate(root) == ("NO-GO", [VOID], [])
    assert VOID in (root / ".gonogo/last.md").read_text()  # the dashboard says why

    refused = cli("approve", "release", "--as", "release-manager", "-C", str(root))
    assert refused.code == 2
    assert refused.stderr.startswith(
        "gonogo: error: refusing to approve gate release: tracked files have uncommitted "
        "changes (see `git status`), and an approval covers commit "
    )
    assert refused.stderr.rstrip().endswith(
        "with a clean tree only; commit or stash the changes, then approve"
    )
