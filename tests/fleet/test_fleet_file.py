"""Fleet files are validated like plans: file, line, field and value, exit 2, and the
results store records each repository once however often it is delivered."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from gonogo.fleet.results import FleetStore, Item, Key


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "version: 1\nrepositories:\n  - {urll: https://example.invalid/a.git}\n",
            "fleet.yaml:3:6: repositories[0].urll: unknown key (did you mean 'url'?)",
        ),
        (
            "version: 1\nrepositories:\n  - {url: x, path: y}\n",
            "fleet.yaml:3:5: repositories[0]: give exactly one of `url` and `path`",
        ),
        (
            "version: 1\ndefaults: {timeout: soon}\nrepositories:\n  - {path: a}\n",
            "fleet.yaml:2:12: defaults.timeout: 'soon' is not a duration (use e.g. 500ms, "
            "30s, 10m, 2h)",
        ),
        (
            "version: 1\ndefaults: {memory: lots}\nrepositories:\n  - {path: a}\n",
            "fleet.yaml:2:12: defaults.memory: 'lots' is not a size like 2GiB or 512M",
        ),
        (
            "version: 1\nrepositories:\n  - {path: a, plan: ../../etc/plan.yaml}\n",
            "fleet.yaml:3:5: repositories[0]: plan '../../etc/plan.yaml' must be a path "
            "inside the repository",
        ),
        (
            "version: 1\nrepositories:\n  - {path: x/a}\n  - {path: y/a}\n",
            "fleet.yaml:4:5: repositories[1].name: 'a': the name of repositories[0] too; give "
            "each repository its own `name:`",
        ),
        (
            "version: 1\nrepositories: []\n",
            "fleet.yaml:2:1: repositories: []: list at least one repository (a `url:` or a "
            "`path:`)",
        ),
        ("- a\n", 'fleet.yaml:1:1: ["a"]: a fleet file is a mapping'),
    ],
)
def test_a_bad_fleet_file_is_exit_2_naming_line_field_and_value(
    tmp_path: Path, cli, text: str, message: str
) -> None:
    (tmp_path / "fleet.yaml").write_text(text)
    out = cli("fleet", "run", "fleet.yaml", cwd=tmp_path)
    assert out.code == 2
    assert out.stdout == ""
    assert out.stderr == f"gonogo: error: {message}\n"


def test_fleet_run_needs_a_file_or_a_folder(tmp_path: Path, cli) -> None:
    out = cli("fleet", "run", cwd=tmp_path)
    assert out.code == 2
    assert "give a fleet file or --from-dir DIR (one of them)" in out.stderr


def test_concurrent_deliveries_of_one_repository_record_it_once(tmp_path: Path) -> None:
    store = FleetStore.open(f"sqlite:///{tmp_path / 'f.db'}")
    run = store.start_run("fleet.yaml", "celery", 1, "2026-12-03T00:00:00+00:00")
    key = Key("shop/api", "a" * 40, "d" * 64, "0.1.0")
    barrier = threading.Barrier(8)
    recorded: list[Item] = []

    def deliver(n: int) -> None:
        item = Item("shop/api", "error", None, False, f"delivery {n}", n, 0.1)
        barrier.wait()
        recorded.append(store.record_item(run, item, key, None, "2026-12-03T00:00:01+00:00"))

    threads = [threading.Thread(target=deliver, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.count(run) == 1
    assert len({r.error for r in recorded}) == 1  # every delivery sees the one recorded
    store.close()
