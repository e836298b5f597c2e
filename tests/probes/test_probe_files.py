"""File probes, table-driven: exists, absent, contains, not_contains, valid, python.syntax."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from gonogo.engine.scheduler import RunOptions, run_plan
from gonogo.fs.index import FileIndex
from gonogo.models import GitInfo, Outcome, Status
from gonogo.plan.loader import parse_plan
from gonogo.probes.base import Context
from gonogo.probes.registry import BUILTIN

DAY = 86_400.0
COMMITTED_AGO = 7 * DAY  # HEAD's commit date, pinned

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<lolz>&lol3;</lolz>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE data [<!ENTITY leak SYSTEM "file:///etc/hostname">]>
<data>&leak;</data>
"""

TREE = {
    "README.md": "# Orders API\n",
    "empty.txt": "",
    "scripts/deploy.sh": "#!/bin/sh\necho deploy\n",
    "scripts/notes.sh": "# not executable\n",
    "docs/runbook.md": "# Runbook\n\n## Rollback\nRun `make rollback`.\n",
    "docs/guide.md": "# Guide\nNothing about going back.\n",
    "docs/api/index.md": "# API\n",
    "src/app.py": "import os\n\nDEBUG = True\n",
    "src/jobs/worker.py": "def run():\n    import pdb; pdb.set_trace()\n    return 1\n",
    "src/jobs/clean.py": "def run():\n    return 2\n",
    "secrets/id_rsa": "-----BEGIN KEY-----\n",
    "evidence/old.txt": "restore drill, last spring\n",
    "evidence/new.txt": "restore drill, this week\n",
    "v/good.yaml": "a: 1\nb: [1, 2]\n",
    "v/bad.yaml": "a: 1\nb: [1, 2\nc: 3\n",
    "v/good.json": '{"a": [1, 2]}\n',
    "v/bad.json": '{\n  "a": 1,\n}\n',
    "v/good.toml": 'name = "x"\n[tool]\nv = 1\n',
    "v/bad.toml": 'name = "x"\nv = \n',
    "v/good.xml": "<a><b>text</b></a>\n",
    "v/bad.xml": "<a>\n  <b>\n</a>\n",
    "v/bomb.xml": BOMB,
    "v/xxe.xml": XXE,
    "v/good.py": "def f(x):\n    return x\n",
    "v/bad.py": "x = 1\n\ndef f(:\n    pass\n",
}


def _git(root: Path, *args: str, **env: str) -> None:
    base = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@gonogo.invalid",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@gonogo.invalid",
        "GIT_CONFIG_NOSYSTEM": "1",
        "HOME": str(root),
    }
    subprocess.run(
        ["git", *args], cwd=root, env={**os.environ, **base, **env}, check=True, capture_output=True
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One committed repository for every table row: HEAD is dated a week ago."""
    root = tmp_path_factory.mktemp("files") / "repo"
    root.mkdir()
    for rel, text in TREE.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    (root / "scripts/deploy.sh").chmod(0o755)
    (root / "scripts/notes.sh").chmod(0o644)
    (root / "links").mkdir()
    (root / "links/broken").symlink_to("../nowhere.txt")
    (root / "links/readme").symlink_to("../README.md")
    (root / "emptydir").mkdir()
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    when = f"@{int(time.time() - COMMITTED_AGO)} +0000"
    _git(root, "commit", "-q", "-m", "init", GIT_AUTHOR_DATE=when, GIT_COMMITTER_DATE=when)
    old = time.time() - 30 * DAY
    os.utime(root / "evidence/old.txt", (old, old))
    return root


def probe_run(root: Path, spec: dict[str, Any]) -> Outcome:
    """Validate `spec` (a check without id) with the probe's params model and run it."""
    probe = BUILTIN[spec["kind"]]
    params = probe.params.model_validate({k: v for k, v in spec.items() if k != "kind"})
    return asyncio.run(probe.run(params, Context(root, FileIndex(root), environ={})))


PASS, FAIL, ERROR = Status.PASS, Status.FAIL, Status.ERROR


# --- file.exists ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"path": "README.md"}, PASS, "README.md exists"),
        ({"path": "./README.md"}, PASS, "README.md exists"),
        ({"path": "missing.md"}, FAIL, "no file matches missing.md"),
        ({"path": "empty.txt"}, FAIL, "empty.txt is empty"),
        ({"path": "empty.txt", "non_empty": False}, PASS, "empty.txt exists"),
        ({"path": "scripts/deploy.sh", "executable": True}, PASS, "scripts/deploy.sh exists"),
        ({"path": "scripts/notes.sh", "executable": True}, FAIL, "notes.sh is not executable"),
        ({"path": "scripts/*.sh", "executable": True}, PASS, "scripts/deploy.sh exists"),
        ({"path": "scripts/*.sh"}, PASS, "2 files match scripts/*.sh"),
        ({"path": "docs/**/*.md"}, PASS, "3 files match docs/**/*.md"),
        ({"path": "**/*.nope"}, FAIL, "no file matches **/*.nope"),
        ({"path": "docs"}, PASS, "directory docs exists"),
        ({"path": "docs/api/"}, PASS, "directory docs/api/ exists"),
        ({"path": "emptydir"}, PASS, "directory emptydir exists"),
        ({"path": "nodir/"}, FAIL, "no file matches nodir/"),
        ({"path": "links/broken"}, FAIL, "links/broken is a broken link"),
        ({"path": "links/readme"}, PASS, "links/readme exists"),
        ({"path": "links/*"}, PASS, "links/readme exists"),
        ({"path": "evidence/old.txt", "max_age": "7d"}, FAIL, "evidence/old.txt is "),
        ({"path": "evidence/old.txt", "max_age": "90d"}, PASS, "evidence/old.txt exists"),
        ({"path": "evidence/new.txt", "max_age": "1d"}, PASS, "evidence/new.txt exists"),
        ({"path": "evidence/*.txt", "max_age": "1d"}, PASS, "evidence/new.txt exists"),
        ({"path": "evidence/old.txt", "max_age": "commit"}, FAIL, "older than HEAD's commit"),
        ({"path": "evidence/new.txt", "max_age": "commit"}, PASS, "evidence/new.txt exists"),
    ],
)
def test_exists(repo: Path, params: dict[str, Any], status: Status, message: str) -> None:
    out = probe_run(repo, {"kind": "file.exists", **params})
    assert (out.status, message in out.message) == (status, True), out.message


def test_exists_stale_finding_names_the_file(repo: Path) -> None:
    out = probe_run(repo, {"kind": "file.exists", "path": "evidence/old.txt", "max_age": "14d"})
    assert out.status is FAIL
    assert [(f.rule, f.path) for f in out.findings] == [("evidence.stale", "evidence/old.txt")]
    assert "older than max_age" in out.findings[0].message


@pytest.mark.parametrize("path", ["a.txt", "*.txt"])
def test_exists_max_age_commit_outside_git_cannot_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    root = tmp_path / "plain"
    root.mkdir()
    (root / "a.txt").write_text("a\n")
    (root / "b.txt").write_text("b\n")
    out = probe_run(root, {"kind": "file.exists", "path": path, "max_age": "commit"})
    assert out.status is ERROR  # could not tell, whatever the number of matches
    assert "needs a git repository" in out.message


# --- file.absent ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "status", "paths"),
    [
        (".env", PASS, []),
        ("**/*.pem", PASS, []),
        ("secrets/id_rsa", FAIL, ["secrets/id_rsa"]),
        ("**/id_rsa*", FAIL, ["secrets/id_rsa"]),
        ("scripts/*.sh", FAIL, ["scripts/deploy.sh", "scripts/notes.sh"]),
    ],
)
def test_absent(repo: Path, path: str, status: Status, paths: list[str]) -> None:
    out = probe_run(repo, {"kind": "file.absent", "path": path})
    assert out.status is status
    assert [f.path for f in out.findings] == paths
    if paths:
        assert paths[0] in out.message


# --- file.contains ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "message", "missing"),
    [
        ({"path": "docs/runbook.md", "pattern": "(?i)rollback"}, PASS, "docs/runbook.md", []),
        ({"path": "docs/guide.md", "pattern": "(?i)rollback"}, FAIL, "not found in", []),
        ({"path": "docs/*.md", "pattern": "(?i)rollback"}, PASS, "found in docs/runbook.md", []),
        (
            {"path": "docs/*.md", "pattern": "(?i)rollback", "every": True},
            FAIL,
            "1 of 2 file(s) lack",
            ["docs/guide.md"],
        ),
        ({"path": "docs/*.md", "pattern": "^# ", "every": True}, PASS, "2 files matching", []),
        ({"path": "src/app.py", "pattern": "^DEBUG = True$"}, PASS, "src/app.py", []),
        ({"path": "nothing/*.md", "pattern": "x"}, FAIL, "no file matches nothing/*.md", []),
    ],
)
def test_contains(
    repo: Path, params: dict[str, Any], status: Status, message: str, missing: list[str]
) -> None:
    out = probe_run(repo, {"kind": "file.contains", **params})
    assert out.status is status
    assert message in out.message
    assert [f.path for f in out.findings] == missing


def test_contains_rejects_bad_regex_at_load() -> None:
    with pytest.raises(ValueError, match="invalid regular expression"):
        BUILTIN["file.contains"].params.model_validate({"path": "x", "pattern": "(unclosed"})


# --- file.not_contains ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status", "where"),
    [
        ({"path": "src/**/*.py", "pattern": r"pdb\.set_trace"}, FAIL, [("src/jobs/worker.py", 2)]),
        ({"path": "src/**/*.py", "pattern": r"^\s*return"}, FAIL,
         [("src/jobs/clean.py", 2), ("src/jobs/worker.py", 3)]),
        ({"path": "src/*.py", "pattern": "^DEBUG = True"}, FAIL, [("src/app.py", 3)]),
        ({"path": "docs/*.md", "pattern": "TODO"}, PASS, []),
        ({"path": "nothing/**", "pattern": "TODO"}, PASS, []),
    ],
)  # fmt: skip
def test_not_contains(
    repo: Path, params: dict[str, Any], status: Status, where: list[tuple[str, int]]
) -> None:
    out = probe_run(repo, {"kind": "file.not_contains", **params})
    assert out.status is status
    assert [(f.path, f.line) for f in out.findings] == where
    if where:
        assert out.message.startswith(f"{len(where)} match(es)")


def test_not_contains_counts_every_hit_but_lists_a_bounded_number(tmp_path: Path) -> None:
    for i in range(30):
        (tmp_path / f"notes{i:02}.md").write_text("TODO\n" * 10)
    out = probe_run(tmp_path, {"kind": "file.not_contains", "path": "*.md", "pattern": "TODO"})
    assert out.status is FAIL
    assert out.message.startswith("300 match(es)")
    assert len(out.findings) == 200
    assert (out.findings[-1].path, out.findings[-1].line) == ("notes19.md", 10)


# --- file.valid and python.syntax -------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name", "status", "line", "message"),
    [
        ("yaml", "good", PASS, None, "valid yaml"),
        ("yaml", "bad", FAIL, 3, "invalid yaml"),
        ("json", "good", PASS, None, "valid json"),
        ("json", "bad", FAIL, 3, "Expecting property name"),
        ("toml", "good", PASS, None, "valid toml"),
        ("toml", "bad", FAIL, 2, "invalid toml"),
        ("xml", "good", PASS, None, "valid xml"),
        ("xml", "bad", FAIL, 3, "mismatched tag"),
        ("xml", "bomb", FAIL, None, "refused"),
        ("xml", "xxe", FAIL, None, "refused"),
        ("python", "good", PASS, None, "valid python"),
        ("python", "bad", FAIL, 3, "invalid syntax"),
    ],
)
def test_valid(
    repo: Path, fmt: str, name: str, status: Status, line: int | None, message: str
) -> None:
    rel = f"v/{name}.{'py' if fmt == 'python' else fmt}"
    out = probe_run(repo, {"kind": "file.valid", "path": rel, "format": fmt})
    assert out.status is status
    assert message in out.message
    if status is FAIL:
        assert [(f.path, f.line) for f in out.findings] == [(rel, line)]
        assert f"{rel}:{line or 1}" in out.message


def test_valid_xml_entities_are_not_expanded(repo: Path) -> None:
    for name in ("bomb", "xxe"):
        out = probe_run(repo, {"kind": "file.valid", "path": f"v/{name}.xml", "format": "xml"})
        assert "EntitiesForbidden" in out.findings[0].message
        assert "lol" * 10 not in json.dumps([out.message, [f.message for f in out.findings]])


def test_valid_glob_reports_every_bad_file(repo: Path) -> None:
    out = probe_run(repo, {"kind": "file.valid", "path": "v/*.json", "format": "json"})
    assert out.status is FAIL
    assert out.message.startswith("1 of 2 file(s) are not valid json: v/bad.json:3")
    out = probe_run(repo, {"kind": "file.valid", "path": "v/*.zip", "format": "json"})
    assert (out.status, out.message) == (FAIL, "no file matches v/*.zip")


@pytest.mark.parametrize(
    ("files", "status", "where"),
    [
        ({"a.py": "x = 1\n", "pkg/b.py": "def f():\n    return 2\n"}, PASS, []),
        ({"a.py": "x = 1\n", "pkg/b.py": "def f()\n    return 2\n"}, FAIL, [("pkg/b.py", 1)]),
        ({"a.py": "x = (\n", "b.py": "print 'py2'\n"}, FAIL, [("a.py", 1), ("b.py", 1)]),
        ({"a.py": "\x00\n"}, FAIL, [("a.py", None)]),
    ],
)
def test_python_syntax_default_path(
    tmp_path: Path, files: dict[str, str], status: Status, where: list[tuple[str, int | None]]
) -> None:
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "notes.txt").write_text("def f(:\n")  # not a .py file: not checked
    out = probe_run(tmp_path, {"kind": "python.syntax"})
    assert out.status is status
    assert [(f.path, f.line) for f in out.findings] == where


def test_python_syntax_does_not_run_code(tmp_path: Path) -> None:
    (tmp_path / "boom.py").write_text(f"open({str(tmp_path / 'ran')!r}, 'w')\n")
    out = probe_run(tmp_path, {"kind": "python.syntax", "path": "*.py"})
    assert out.status is PASS
    assert not (tmp_path / "ran").exists()


# --- through the plan loader and the scheduler ------------------------------------------------


def test_file_checks_through_run_plan(repo: Path) -> None:
    checks = [
        {"id": "readme", "kind": "file.exists", "path": "README.md"},
        {"id": "no-key", "kind": "file.absent", "path": "secrets/*"},
        {"id": "rollback", "kind": "file.contains", "path": "docs/*.md", "pattern": "Rollback"},
        {"id": "no-pdb", "kind": "file.not_contains", "path": "src/**/*.py", "pattern": "pdb"},
        {"id": "configs", "kind": "file.valid", "path": "v/*.json", "format": "json"},
        {"id": "syntax", "kind": "python.syntax", "path": "src/**/*.py"},
    ]
    plan = parse_plan(json.dumps({"gates": [{"id": "files", "checks": checks}]}), BUILTIN)
    report = asyncio.run(run_plan(plan, repo, BUILTIN, RunOptions(environ={}, git=GitInfo())))
    got = {c.check_id: c.status for c in report.checks}
    assert got == {
        "readme": PASS,
        "no-key": FAIL,
        "rollback": PASS,
        "no-pdb": FAIL,
        "configs": FAIL,
        "syntax": PASS,
    }
    no_pdb, configs = report.check("no-pdb"), report.check("configs")
    assert no_pdb is not None
    assert configs is not None
    # `import pdb; pdb.set_trace()`: two hits on one line, each a finding
    assert [(f.path, f.line) for f in no_pdb.findings] == [
        ("src/jobs/worker.py", 2),
        ("src/jobs/worker.py", 2),
    ]
    assert [(f.rule, f.path, f.line) for f in configs.findings] == [
        ("file.invalid-json", "v/bad.json", 3)
    ]
