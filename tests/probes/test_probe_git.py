from __future__ import annotations

from pathlib import Path

from artifact_helpers import run_probe
from gonogo.models import Status
from gonogo.probes.git import PROBE
from repo_helpers import git


def test_clean_branch_and_tag(make_repo) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    git(root, "tag", "v1.2.0")
    expect = {"clean": True, "branch": "main", "tag_on_head": r"v\d+\.\d+\.\d+"}
    out = run_probe(PROBE, root, expect=expect)
    assert out.status is Status.PASS, out.message
    assert out.evidence["tags"] == ["v1.2.0"]


def test_dirty_tree_lists_the_changed_files(make_repo) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    (root / "app.py").write_text("x = 2\n")
    (root / "new.txt").write_text("n\n")
    (root / ".gonogo").mkdir()
    (root / ".gonogo/last.json").write_text("{}")
    out = run_probe(PROBE, root, expect={"clean": True})
    assert out.status is Status.FAIL
    assert sorted(f.path for f in out.findings) == ["app.py", "new.txt"]


def test_wrong_branch_and_missing_tag(make_repo) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    git(root, "checkout", "-q", "-b", "feature/x")
    git(root, "tag", "nightly")
    out = run_probe(PROBE, root, expect={"branch": "main|release/.*", "tag_on_head": "v.*"})
    assert out.status is Status.FAIL
    rules = [f.rule for f in out.findings]
    assert rules == ["git.branch", "git.untagged"]
    assert "on feature/x" in out.message


def test_detached_head_and_any_tag(make_repo) -> None:
    root = make_repo({"app.py": "x = 1\n"})
    git(root, "checkout", "-q", "--detach")
    out = run_probe(PROBE, root, expect={"branch": "main", "tag_on_head": True})
    assert out.status is Status.FAIL
    assert "detached HEAD" in out.message


def test_not_a_repository_is_an_error(tmp_path: Path) -> None:
    out = run_probe(PROBE, tmp_path, expect={"clean": True})
    assert out.status is Status.ERROR
