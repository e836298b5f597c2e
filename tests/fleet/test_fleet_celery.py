"""The fleet on Celery: real workers (`gonogo fleet worker`) on a real broker (the
session's Redis; RabbitMQ too when one listens on 127.0.0.1:5672 or GONOGO_TEST_AMQP
names one), repositories served over file://. Delivery is at least once; each
repository's result must be recorded exactly once, whatever is killed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from fleet_helpers import GO_PLAN, NO_GO_PLAN, command_plan, fleet_file, publish, verdicts

import services

pytestmark = pytest.mark.services


@pytest.fixture(params=["redis", "amqp"])
def broker(request: pytest.FixtureRequest) -> str:
    if request.param == "redis":
        url: str = request.getfixturevalue("redis_url")
        return url
    amqp = os.environ.get("GONOGO_TEST_AMQP", "amqp://guest:guest@127.0.0.1:5672//")
    if not os.environ.get("GONOGO_TEST_AMQP") and not services.port_open("127.0.0.1", 5672):
        pytest.skip("no RabbitMQ on 127.0.0.1:5672 (the Redis broker runs these tests)")
    return amqp


@dataclass
class Fleet:
    root: Path
    broker: str
    queue: str
    store: str
    env: dict[str, str]
    started: list[subprocess.Popen[str]] = field(default_factory=list)

    def worker(self, name: str, concurrency: int = 1) -> subprocess.Popen[bytes]:
        log = (self.root / f"{name}.log").open("wb")
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gonogo",
                "fleet",
                "worker",
                "--broker",
                self.broker,
                "--store",
                self.store,
                "--queue",
                self.queue,
                "-c",
                str(concurrency),
                "--cache",
                str(self.root / f"cache-{name}"),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=self.env,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while b" ready." not in (self.root / f"{name}.log").read_bytes():
            assert proc.poll() is None, (self.root / f"{name}.log").read_text()
            assert time.monotonic() < deadline, "the worker did not start in 60 s"
            time.sleep(0.1)
        return proc

    def dispatch(self) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gonogo",
                "fleet",
                "run",
                "fleet.yaml",
                "--broker",
                self.broker,
                "--queue",
                self.queue,
                "--store",
                self.store,
                "--format",
                "json",
            ],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        self.started.append(proc)
        return proc

    def results(self) -> dict[str, int]:
        """Recorded results and items per repository, read straight from the store."""
        import sqlite3

        db = sqlite3.connect(self.store.removeprefix("sqlite:///"))
        rows = db.execute(
            "SELECT repo, COUNT(*) FROM gonogo_fleet_results GROUP BY repo"
        ).fetchall()
        runs = db.execute("SELECT project, COUNT(*) FROM gonogo_runs GROUP BY project").fetchall()
        db.close()
        assert dict(rows) == dict(runs)  # one run report per result, in the same transaction
        return dict(rows)


@pytest.fixture
def fleet(tmp_path: Path, broker: str) -> Iterator[Fleet]:
    env = {**os.environ, "GONOGO_FLEET_VISIBILITY_TIMEOUT": "4"}
    made = Fleet(tmp_path, broker, f"fleet-{uuid.uuid4().hex[:8]}", "", env)
    made.store = f"sqlite:///{tmp_path / 'fleet.db'}"
    workers: list[subprocess.Popen[bytes]] = []
    original = made.worker

    def tracked(name: str, concurrency: int = 1) -> subprocess.Popen[bytes]:
        proc = original(name, concurrency)
        workers.append(proc)
        return proc

    made.worker = tracked  # type: ignore[method-assign]
    yield made
    for run in made.started:  # a dispatcher a failed test left waiting
        run.kill()
        run.communicate()
    for proc in workers:
        with __import__("contextlib").suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def test_two_workers_judge_the_fleet_like_the_local_pool(fleet: Fleet) -> None:
    repos = [
        {
            "name": f"go-{i}",
            "url": publish(fleet.root, f"go-{i}", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"}),
        }
        for i in range(3)
    ]
    repos.append(
        {
            "name": "no-go",
            "url": publish(fleet.root, "no-go", {"gonogo.yaml": NO_GO_PLAN, "README.md": "x\n"}),
        }
    )
    repos.append({"name": "gone", "url": (fleet.root / "git" / "nowhere.git").as_uri()})
    fleet_file(fleet.root, repos, retries=1)
    fleet.worker("w1")
    fleet.worker("w2")
    out, _err = fleet.dispatch().communicate(timeout=120)
    summary = json.loads(out)
    assert summary["mode"] == "celery"
    assert verdicts(summary) == {
        "go-0": ("GO", False),
        "go-1": ("GO", False),
        "go-2": ("GO", False),
        "no-go": ("NO-GO", False),
        "gone": ("error", False),
    }
    gone = next(r for r in summary["repositories"] if r["name"] == "gone")
    assert gone["attempts"] == 2
    assert fleet.results() == {"go-0": 1, "go-1": 1, "go-2": 1, "no-go": 1}
    # nothing changed: a second run records nothing new and skips every commit
    again = json.loads(fleet.dispatch().communicate(timeout=120)[0])
    assert {n: v for n, v in verdicts(again).items() if n != "gone"} == {
        "go-0": ("GO", True),
        "go-1": ("GO", True),
        "go-2": ("GO", True),
        "no-go": ("NO-GO", True),
    }
    assert fleet.results() == {"go-0": 1, "go-1": 1, "go-2": 1, "no-go": 1}


def _hang_once(marker: Path) -> str:
    """A check that hangs on its first run (writing its pid) and passes on the next."""
    return command_plan(
        "import os, sys, time\n"
        f"p = {str(marker)!r}\n"
        "if os.path.exists(p): sys.exit(0)\n"
        "open(p + '.tmp', 'w').write(str(os.getpid())); os.rename(p + '.tmp', p)\n"
        "time.sleep(30)\n"
    )


def _ppid(pid: int) -> int:
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[1])


def _pool_process(pid: int, worker: int) -> int:
    """The worker's pool process that `pid` (a check's program) runs under."""
    while (parent := _ppid(pid)) != worker:
        assert parent > 1, f"{pid} does not run under worker {worker}"
        pid = parent
    return pid


def _wait_for(path: Path, proc: subprocess.Popen[str], timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"{path.name} was not written in {timeout} s"
        time.sleep(0.05)
    return int(path.read_text())


def _kill(pid: int) -> None:
    with __import__("contextlib").suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_a_pool_process_killed_mid_task_20_times_records_each_repository_once(
    fleet: Fleet,
) -> None:
    names = [f"r{i:02d}" for i in range(20)]
    markers = fleet.root / "markers"
    markers.mkdir()
    repos = [
        {"name": n, "url": publish(fleet.root, n, {"gonogo.yaml": _hang_once(markers / n)})}
        for n in names
    ]
    fleet_file(fleet.root, repos)
    worker = fleet.worker("w1")
    run = fleet.dispatch()
    killed = []
    for _ in names:  # one at a time (concurrency 1, prefetch 1), in any order
        pending = [n for n in names if n not in killed]
        path = None
        while path is None:
            path = next((markers / n for n in pending if (markers / n).exists()), None)
            assert run.poll() is None, run.communicate()
            time.sleep(0.02)
        check_pid = _wait_for(path, run)
        _kill(_pool_process(check_pid, worker.pid))
        _kill(check_pid)  # the sleeping command itself (its own session)
        killed.append(path.name)
    out, err = run.communicate(timeout=180)
    assert run.returncode == 0, err
    summary = json.loads(out)
    assert verdicts(summary) == {n: ("GO", False) for n in names}
    assert sorted(killed) == names
    assert fleet.results() == dict.fromkeys(names, 1)


@pytest.mark.slow
def test_a_worker_killed_whole_mid_task_is_replaced_and_the_task_redelivered(
    fleet: Fleet,
) -> None:
    marker = fleet.root / "marker"
    url = publish(fleet.root, "slow", {"gonogo.yaml": _hang_once(marker)})
    ok = publish(fleet.root, "ok", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    fleet_file(fleet.root, [{"name": "slow", "url": url}, {"name": "ok", "url": ok}])
    first = fleet.worker("w1")
    run = fleet.dispatch()
    check_pid = _wait_for(marker, run)
    os.killpg(first.pid, signal.SIGKILL)  # the worker, its pool and the check it ran
    _kill(check_pid)
    fleet.worker("w2")  # the unacknowledged message comes back after the visibility timeout
    out, err = run.communicate(timeout=180)
    assert run.returncode == 0, err
    assert verdicts(json.loads(out)) == {"slow": ("GO", False), "ok": ("GO", False)}
    assert fleet.results() == {"slow": 1, "ok": 1}


def test_an_unreachable_broker_is_a_clear_error(tmp_path: Path, cli) -> None:
    url = publish(tmp_path, "a", {"gonogo.yaml": GO_PLAN, "README.md": "x\n"})
    fleet_file(tmp_path, [{"name": "a", "url": url}])
    port = services.free_port()
    out = cli(
        "fleet",
        "run",
        "fleet.yaml",
        "--broker",
        f"redis://127.0.0.1:{port}/0",
        "--store",
        f"sqlite:///{tmp_path / 'f.db'}",
        cwd=tmp_path,
    )
    assert out.code == 2
    assert out.stdout == ""
    assert f"cannot send tasks to redis://127.0.0.1:{port}/0: " in out.stderr


@pytest.mark.slow
def test_workers_reconnect_when_the_broker_drops_their_connections(
    fleet: Fleet, redis_url: str
) -> None:
    if not fleet.broker.startswith("redis"):
        pytest.skip("the connections are dropped with Redis's CLIENT KILL")
    import redis

    slow = command_plan("import time; time.sleep(1.5)")
    names = [f"s{i}" for i in range(6)]
    repos = [{"name": n, "url": publish(fleet.root, n, {"gonogo.yaml": slow})} for n in names]
    fleet_file(fleet.root, repos)
    fleet.worker("w1", concurrency=2)
    run = fleet.dispatch()
    client = redis.Redis.from_url(redis_url)
    deadline = time.monotonic() + 60
    while (fleet.root / "w1.log").read_bytes().count(b"] received") < 2:  # two tasks running
        assert time.monotonic() < deadline and run.poll() is None
        time.sleep(0.05)
    dropped = client.client_kill_filter(_type="normal", skipme=True)
    assert dropped >= 1
    out, err = run.communicate(timeout=180)
    assert run.returncode == 0, err
    assert verdicts(json.loads(out)) == {n: ("GO", False) for n in names}
    assert fleet.results() == dict.fromkeys(names, 1)
