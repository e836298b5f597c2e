"""`gonogo check` records runs; `gonogo history` and `gonogo diff` read them back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import store_helpers
from gonogo.store import open_store

pg_store_db = store_helpers.pg_store_db

PLAN = """\
version: 1
project: shop
gates:
  - id: infra
    checks:
      - {id: readme, kind: file.exists, path: README.md}
      - {id: toggle, kind: file.exists, path: TOGGLE}
  - id: deploy
    requires: [infra]
    checks:
      - {id: no-secret, kind: file.not_contains, path: "*.py", pattern: "password ="}
"""


@pytest.fixture
def repo(make_repo: Callable[..., Path]) -> Path:
    return make_repo({"gonogo.yaml": PLAN, "README.md": "# shop\n", "app.py": "x = 1\n"})


def _check(cli: Callable[..., Any], repo: Path, *args: str, **kw: Any) -> Any:
    result = cli("check", str(repo), *args, **kw)
    assert result.code in (0, 1), result.stderr
    return result


def test_history_lists_runs_with_gate_trends(cli: Callable[..., Any], repo: Path) -> None:
    _check(cli, repo)
    (repo / "TOGGLE").write_text("on\n")
    _check(cli, repo)
    out = cli("history", "-C", str(repo))
    assert out.code == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].split()[:5] == ["run", "started", "commit", "branch", "verdict"]
    assert "GO" in lines[1] and "100%" in lines[1]  # newest first
    assert "NO-GO" in lines[2] and "66.7%" in lines[2]
    trend = next(line for line in lines if line.startswith("infra "))
    assert "▅█" in trend and "1/2" in trend  # 50% then 100%; one GO run of two
    as_json = json.loads(cli("history", "-C", str(repo), "--format", "json").stdout)
    assert [p["pass_rate"] for p in as_json["trends"]["infra"]] == [50.0, 100.0]
    limited = cli("history", "-C", str(repo), "--limit", "1", "--gate", "deploy")
    rows = limited.stdout.split("\n\n")[0].splitlines()
    assert len(rows) == 2 and "GO" in rows[1]
    assert "deploy" in limited.stdout and "infra " not in limited.stdout


def test_no_history_records_nothing(cli: Callable[..., Any], repo: Path) -> None:
    _check(cli, repo, "--no-history")
    assert not (repo / ".gonogo" / "history.db").exists()
    assert "no runs recorded yet" in cli("history", "-C", str(repo)).stdout


FLIP = (
    "import pathlib, sys; p = pathlib.Path(sys.argv[1]); "
    "n = int(p.read_text()) + 1 if p.exists() else 1; p.write_text(str(n)); sys.exit(n % 2 == 0)"
)


def test_a_check_flipping_on_one_clean_commit_is_flaky(
    cli: Callable[..., Any], repo: Path, tmp_path: Path
) -> None:
    """Same commit, clean tree, and the status still flips: pass, fail, pass."""
    counter = tmp_path / "counter"  # outside the repository: the tree stays clean
    argv = json.dumps([sys.executable, "-c", FLIP, str(counter)])
    plan = PLAN.replace(
        "{id: toggle, kind: file.exists, path: TOGGLE}",
        f"{{id: toggle, kind: command, run: {argv}}}",
    )
    (repo / "gonogo.yaml").write_text(plan)
    subprocess.run(["git", "commit", "-qam", "flip"], cwd=repo, check=True, env=_git_env(repo))
    for _ in range(3):
        last = _check(cli, repo, "--format", "json")
    checks = {c["id"]: c for c in json.loads(last.stdout)["checks"]}
    assert checks["toggle"].get("flaky") is True
    assert "flaky" not in checks["readme"]
    listed = cli("history", "-C", str(repo), "--flaky")
    assert listed.code == 0
    row = next(line for line in listed.stdout.splitlines() if line.startswith("toggle"))
    assert "pass fail pass" in row and " 2 " in row


def test_a_check_that_flips_with_edits_is_not_flaky(cli: Callable[..., Any], repo: Path) -> None:
    """TOGGLE comes and goes between runs: the tree is dirty, so these are edits."""
    for present in (True, False, True):
        toggle = repo / "TOGGLE"
        if present:
            toggle.write_text("on\n")
        elif toggle.exists():
            toggle.unlink()
        last = _check(cli, repo, "--format", "json")
    report = json.loads(last.stdout)
    assert report["git"]["dirty"] is True
    assert "flaky" not in {c["id"]: c for c in report["checks"]}["toggle"]
    assert cli("history", "-C", str(repo), "--flaky").stdout == (
        "no flaky checks in the last 20 runs\n"
    )


def _git_env(repo: Path) -> dict[str, str]:
    from repo_helpers import GIT_ENV

    return {**os.environ, **GIT_ENV, "HOME": str(repo)}


def test_diff_sorts_changes_into_kinds(cli: Callable[..., Any], repo: Path) -> None:
    (repo / "app.py").write_text("password = 'x'\n")
    first = json.loads(_check(cli, repo, "--format", "json").stdout)["run_id"]
    (repo / "TOGGLE").write_text("on\n")
    plan = PLAN.replace(
        "path: README.md}", "path: README.md}\n      - {id: new, kind: file.exists, path: NEW}"
    )
    (repo / "gonogo.yaml").write_text(plan.replace("      - {id: readme", "      - {id: readme2"))
    (repo / "README.md").unlink()
    _check(cli, repo)
    out = cli("diff", "-C", str(repo))
    assert out.code == 0, out.stderr
    text = out.stdout
    assert "Fixed (1)\n  toggle" in text
    assert "Still failing (1)\n  no-secret" in text
    assert "Added (2)" in text and "readme2" in text and "new " in text
    assert "Removed (1)\n  readme" in text
    data = json.loads(cli("diff", first[:10], "-C", str(repo), "--format", "json").stdout)
    assert data["a"] == first
    assert [c["check_id"] for c in data["newly_failing"]] == []
    assert {c["check_id"] for c in data["added"]} == {"readme2", "new"}
    missing = cli("diff", "abc123", "-C", str(repo))
    assert missing.code == 2 and "no recorded run" in missing.stderr


def test_diff_needs_two_runs(cli: Callable[..., Any], repo: Path) -> None:
    _check(cli, repo)
    out = cli("diff", "-C", str(repo))
    assert out.code == 2 and "needs two recorded runs; found 1" in out.stderr


def test_two_concurrent_checks_both_land(repo: Path) -> None:
    env = {**os.environ, "NO_COLOR": "1"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "gonogo", "check", str(repo), "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(2)
    ]
    ids = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 1, err
        assert "warning" not in err, err
        ids.append(json.loads(out)["run_id"])
    store = open_store(f"sqlite:///{repo}/.gonogo/history.db")
    try:
        assert sorted(r.run_id for r in store.runs()) == sorted(ids)
        assert all(len(store.get(i).checks) == 3 for i in ids)
    finally:
        store.close()


def test_runs_go_to_postgresql_through_the_environment(
    cli: Callable[..., Any], repo: Path, postgres_dsn: str
) -> None:
    with store_helpers.pg_database(postgres_dsn) as url:
        run = _check(cli, repo, "--format", "json", env={"GONOGO_STORE": url})
        run_id = json.loads(run.stdout)["run_id"]
        assert not (repo / ".gonogo" / "history.db").exists()
        out = cli("history", "-C", str(repo), "--store", url, "--format", "json")
        assert [r["run_id"] for r in json.loads(out.stdout)["runs"]] == [run_id]


def test_an_unreachable_explicit_store_is_a_usage_error(
    cli: Callable[..., Any], repo: Path
) -> None:
    out = cli("check", str(repo), "--store", "postgresql://gonogo:pw@127.0.0.1:1/none")
    assert out.code == 2
    assert "cannot open the history database" in out.stderr
    assert "pw@" not in out.stderr
