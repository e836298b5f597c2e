"""`gonogo fleet run` in its embedded mode (a local pool of child processes), on real
git repositories served over file://, with exact verdicts and exit codes."""

from __future__ import annotations

import json
import os
from pathlib import Path

from fleet_helpers import (
    GO_PLAN,
    NO_GO_PLAN,
    command_plan,
    fleet_file,
    publish,
    push_change,
    verdicts,
)


def _run(  # type: ignore[no-untyped-def]
    cli, root: Path, *extra: str, fmt: str = "json", source: tuple[str, ...] = (), **kw
):
    """`gonogo fleet run` on ROOT's fleet file (or SOURCE), its own store and cache."""
    return cli(
        "fleet", "run", *(source or (str(root / "fleet.yaml"),)),
        "--store", f"sqlite:///{root / 'fleet.db'}", "--cache", str(root / "cache"),
        "--format", fmt, *extra, cwd=root, **kw,
    )  # fmt: skip


def test_each_repository_gets_its_verdict_and_one_bad_one_fails_nothing_else(
    tmp_path: Path, cli
) -> None:
    go = publish(tmp_path, "shop-api", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    no_go = publish(tmp_path, "billing", {"gonogo.yaml": NO_GO_PLAN, "README.md": "x\n"})
    broken = publish(tmp_path, "broken", {"gonogo.yaml": "gates: [", "README.md": "x\n"})
    fleet_file(
        tmp_path,
        [
            {"url": go, "owner": "team-shop"},
            {"url": no_go},
            {"url": broken},
            {"name": "gone", "url": (tmp_path / "git" / "nowhere.git").as_uri()},
        ],
        retries=1,
    )
    out = _run(cli, tmp_path)
    assert out.code == 1
    summary = json.loads(out.stdout)
    assert summary["schema"] == "gonogo.fleet/v1"
    assert verdicts(summary) == {
        "git/shop-api": ("GO", False),
        "git/billing": ("NO-GO", False),
        "git/broken": ("error", False),
        "gone": ("error", False),
    }
    by_name = {r["name"]: r for r in summary["repositories"]}
    assert by_name["git/billing"]["failing"] == ["changelog"]
    assert by_name["git/shop-api"]["owner"] == "team-shop"
    assert by_name["git/broken"]["error"].startswith("the repository's plan or usage is wrong: ")
    assert by_name["git/broken"]["attempts"] == 1  # a plan error is a result: not retried
    assert by_name["gone"]["error"].startswith("git ls-remote failed: ")
    assert by_name["gone"]["attempts"] == 2  # an unreachable repository is retried
    assert summary["counts"] == {"GO": 1, "NO-GO": 1, "error": 2, "skipped": 0}
    assert summary["top_failing"] == [{"check": "changelog", "repositories": 1}]
    assert "fleet: 4 repositories: 1 GO, 1 NO-GO, 2 error" in out.stderr


def test_a_second_run_skips_unchanged_commits_and_reports_what_changed(tmp_path: Path, cli) -> None:
    a = publish(tmp_path, "a", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    b = publish(tmp_path, "b", {"gonogo.yaml": NO_GO_PLAN, "README.md": "x\n"})
    fleet_file(tmp_path, [{"name": "a", "url": a}, {"name": "b", "url": b}])
    first = json.loads(_run(cli, tmp_path).stdout)
    assert verdicts(first) == {"a": ("GO", False), "b": ("NO-GO", False)}

    again = _run(cli, tmp_path)
    assert again.code == 1
    second = json.loads(again.stdout)
    assert verdicts(second) == {"a": ("GO", True), "b": ("NO-GO", True)}
    assert second["counts"]["skipped"] == 2
    assert second["changed"] == []

    push_change(tmp_path, "b", {"CHANGELOG.md": "1.0\n"})
    third_run = _run(cli, tmp_path)
    assert third_run.code == 0
    third = json.loads(third_run.stdout)
    assert verdicts(third) == {"a": ("GO", True), "b": ("GO", False)}
    assert third["changed"] == [{"name": "b", "from": "NO-GO", "to": "GO"}]


def test_a_repository_that_hangs_is_stopped_by_its_timeout(tmp_path: Path, cli) -> None:
    hang = publish(tmp_path, "hang", {"gonogo.yaml": command_plan("import time; time.sleep(60)")})
    ok = publish(tmp_path, "ok", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    fleet_file(
        tmp_path,
        [{"name": "hang", "url": hang}, {"name": "ok", "url": ok}],
        timeout="2s",
        retries=0,
    )
    out = _run(cli, tmp_path)
    summary = json.loads(out.stdout)
    assert verdicts(summary) == {"hang": ("error", False), "ok": ("GO", False)}
    hung = summary["repositories"][0]
    assert hung["error"] == "the check took longer than its timeout (2s)"
    assert out.code == 1


def test_memory_and_disk_limits_stop_the_checks_of_a_repository(tmp_path: Path, cli) -> None:
    hungry = publish(
        tmp_path, "hungry", {"gonogo.yaml": command_plan("b = bytearray(3 << 30); print(len(b))")}
    )
    filler = publish(
        tmp_path,
        "filler",
        {"gonogo.yaml": command_plan("open('big', 'wb').write(b'x' * (64 << 20))")},
    )
    fleet_file(
        tmp_path,
        [{"name": "hungry", "url": hungry}, {"name": "filler", "url": filler}],
        memory="1GiB",
        disk="8MiB",
    )
    summary = json.loads(_run(cli, tmp_path).stdout)
    # each check's own process failed (MemoryError, EFBIG): a NO-GO, and the run went on
    assert verdicts(summary) == {"hungry": ("NO-GO", False), "filler": ("NO-GO", False)}
    assert [r["failing"] for r in summary["repositories"]] == [["work"], ["work"]]


def test_a_plan_from_a_repository_cannot_read_the_runner_environment(tmp_path: Path, cli) -> None:
    leak = "import os, sys; sys.exit(0 if os.environ.get('GONOGO_TOKEN') is None else 1)"
    plan = command_plan(leak).replace("timeout: 5m}", "timeout: 5m, pass_env: [GONOGO_TOKEN]}")
    url = publish(tmp_path, "nosy", {"gonogo.yaml": plan})
    fleet_file(tmp_path, [{"name": "nosy", "url": url}])
    out = _run(cli, tmp_path, env={"GONOGO_TOKEN": "s3cr3t-worker-token"})
    assert verdicts(json.loads(out.stdout)) == {"nosy": ("GO", False)}


def test_from_dir_takes_every_git_repository_below_the_folder(tmp_path: Path, cli) -> None:
    publish(tmp_path, "one", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    publish(tmp_path, "two", {"gonogo.yaml": NO_GO_PLAN, "README.md": "x\n"})
    source = ("--from-dir", str(tmp_path / "work"))
    out = _run(cli, tmp_path, "-o", str(tmp_path / "fleet.md"), fmt="md", source=source)
    assert out.code == 1
    assert out.stdout == ""
    md = (tmp_path / "fleet.md").read_text()
    assert "| one | GO |  |  |" in md
    assert "| two | NO-GO |  | changelog |" in md


def test_html_summary_escapes_what_the_fleet_file_says(tmp_path: Path, cli) -> None:
    url = publish(tmp_path, "a", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    fleet_file(tmp_path, [{"name": "a", "url": url, "owner": "<script>alert(1)</script>"}])
    out = _run(cli, tmp_path, fmt="html")
    assert out.code == 0
    assert "<script>" not in out.stdout
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out.stdout


def test_two_fleet_runs_never_overlap(tmp_path: Path, cli) -> None:
    from gonogo.orchestrate.lock import OrchestratorLock

    url = publish(tmp_path, "a", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    fleet_file(tmp_path, [{"name": "a", "url": url}])
    with OrchestratorLock(tmp_path / ".gonogo" / "fleet.lock", command="gonogo fleet run") as lock:
        lock.acquire("2026-12-03T00:00:00")
        out = _run(cli, tmp_path)
    assert out.code == 2
    assert out.stdout == ""
    assert f"another `gonogo fleet run` (pid {os.getpid()} on " in out.stderr
    assert "wait for it to finish or stop it" in out.stderr


def test_the_team_server_lists_what_a_fleet_run_recorded(tmp_path: Path, cli) -> None:
    """The fleet writes through the server's own ingest: projects and their verdicts
    appear on the server that reads the same store, with nothing pushed."""
    from fastapi.testclient import TestClient

    from gonogo.server.app import create_app
    from gonogo.server.config import Settings

    go = publish(tmp_path, "api", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    no_go = publish(tmp_path, "billing", {"gonogo.yaml": NO_GO_PLAN, "README.md": "x\n"})
    fleet_file(tmp_path, [{"name": "api", "url": go}, {"name": "billing", "url": no_go}])
    assert _run(cli, tmp_path).code == 1
    settings = Settings(store_url=f"sqlite:///{tmp_path / 'fleet.db'}", public_read=True)
    with TestClient(create_app(settings), base_url="http://testserver") as client:
        projects = client.get("/api/v1/projects").json()["projects"]
    assert sorted((p["project"], p["verdict"]) for p in projects) == [
        ("api", "GO"),
        ("billing", "NO-GO"),
    ]
