"""Real servers for the tests, started by the test session itself.

The machine runs no database or cache of its own. For each service a test asks for
(PostgreSQL, Redis), the first xdist worker that needs it starts one from the Debian
package's binaries, on a free loopback port with its data in a temporary directory,
and health-checks it; the other workers find its address in the session's state
directory (a file lock decides who starts it). The controller stops every server at
the end of the session, and each server runs under `service_guard.py`, which stops it
too if the session dies without saying goodbye (SIGKILL, a crashed controller).

`GONOGO_TEST_PG` (an admin DSN), `GONOGO_TEST_REDIS` (a redis:// URL) and
`GONOGO_TEST_PROMETHEUS` (a base URL, with `GONOGO_TEST_PROMETHEUS_SD`: the directory
of file_sd JSON files that server scrapes) point the tests at servers of your own
instead. When a server cannot be had, the test skips
with the reason and the command that installs what is missing; under `CI=true` it
fails instead: CI must exercise the real services.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
STATE_ENV = "GONOGO_TEST_SERVICES"  # the session's state directory, set by the controller
OWNER_ENV = "GONOGO_TEST_OWNER"  # the controller's pid: servers die with it
STATE_PREFIX = "gonogo-test-services-"
GUARD = Path(__file__).with_name("service_guard.py")
START_TIMEOUT_S = 60.0
INSTALL_HINT = "apt-get install --no-install-recommends postgresql redis-server prometheus"


def unavailable(reason: str) -> None:
    """Skip, or under CI fail, because a real service cannot be had."""
    if IN_CI:
        pytest.fail(f"CI must exercise real services, but: {reason}", pytrace=False)
    pytest.skip(reason)


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServiceUnavailable(Exception):
    """A server could not be found or started; the message says why and what to do."""


@dataclass(frozen=True)
class Service:
    name: str  # file names in the state directory
    title: str
    env: str  # the variable that names a server of the user's own
    package: str  # the Debian package with its binaries
    binaries: Callable[[], dict[str, str] | None]
    prepare: Callable[[dict[str, str], Path], None]  # one-time set-up of the data dir
    command: Callable[..., list[str]]  # (binaries, home, port, *extra args)
    url: Callable[[int], str]
    healthy: Callable[[str], bool]

    def missing(self) -> str:
        return (
            f"{self.title} is not installed (Debian package {self.package}): "
            f"run `{INSTALL_HINT}`, or set {self.env} to a server of your own"
        )


# -- PostgreSQL ------------------------------------------------------------------


def _pg_binaries() -> dict[str, str] | None:
    dirs = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key)
    for bindir in [*reversed(dirs), *(str(Path(p).parent) for p in [shutil.which("initdb")] if p)]:
        found = {name: f"{bindir}/{name}" for name in ("initdb", "postgres")}
        if all(os.access(path, os.X_OK) for path in found.values()):
            return found
    return None


def _version_key(path: str) -> tuple[int, ...]:
    part = Path(path).parent.name
    return tuple(int(x) for x in part.split(".") if x.isdigit())


def _as_postgres() -> list[str]:
    """initdb and postgres refuse to run as root: drop to the package's `postgres` user."""
    if os.geteuid() != 0:
        return []
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"]


def _pg_prepare(bins: dict[str, str], home: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    cmd = [*_as_postgres(), bins["initdb"], "-D", str(home / "data"), "-A", "trust"]
    cmd += ["-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        raise ServiceUnavailable(f"initdb failed: {(done.stderr or done.stdout).strip()[-400:]}")


def _pg_command(bins: dict[str, str], home: Path, port: int, *extra: str) -> list[str]:
    settings = {
        "listen_addresses": "127.0.0.1",
        "unix_socket_directories": str(home),
        "max_connections": "200",
        "fsync": "off",  # a throw-away server: speed over durability
        "synchronous_commit": "off",
        "full_page_writes": "off",
    }
    flags = [arg for key, value in settings.items() for arg in ("-c", f"{key}={value}")]
    cmd = [*_as_postgres(), bins["postgres"], "-D", str(home / "data"), "-p", str(port)]
    return [*cmd, *flags, *extra]


def _pg_healthy(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            return conn.execute("SELECT 1").fetchone() == (1,)
    except psycopg.Error:
        return False


POSTGRES = Service(
    name="postgres",
    title="PostgreSQL",
    env="GONOGO_TEST_PG",
    package="postgresql",
    binaries=_pg_binaries,
    prepare=_pg_prepare,
    command=_pg_command,
    url=lambda port: f"postgresql://postgres@127.0.0.1:{port}/postgres",
    healthy=_pg_healthy,
)


# -- Redis -----------------------------------------------------------------------


def _redis_binaries() -> dict[str, str] | None:
    path = shutil.which("redis-server")
    return {"redis-server": path} if path else None


def _redis_command(bins: dict[str, str], home: Path, port: int, *extra: str) -> list[str]:
    cmd = [bins["redis-server"], "--port", str(port), "--bind", "127.0.0.1", "--dir", str(home)]
    cmd += ["--daemonize", "no", "--save", "", "--appendonly", "no", *extra]
    return cmd


def redis_ping(url: str) -> bool:
    """True when a Redis server answers PING at redis://host:port (no password)."""
    hostport = url.split("://", 1)[1].split("/", 1)[0].rsplit("@", 1)[-1]
    host, _, port = hostport.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            reply = sock.recv(64)
    except OSError:
        return False
    return reply.startswith((b"+PONG", b"-NOAUTH"))


REDIS = Service(
    name="redis",
    title="Redis",
    env="GONOGO_TEST_REDIS",
    package="redis-server",
    binaries=_redis_binaries,
    prepare=lambda bins, home: None,
    command=_redis_command,
    url=lambda port: f"redis://127.0.0.1:{port}/0",
    healthy=redis_ping,
)


# -- Prometheus ------------------------------------------------------------------
# It scrapes whatever the tests list in TARGETS_DIR (file-based service discovery, re-read
# as files change): each xdist worker runs its own exporter and writes one file there.

PROMETHEUS_SD_ENV = "GONOGO_TEST_PROMETHEUS_SD"
SCRAPE_INTERVAL = "500ms"
_PROMETHEUS_CONFIG = """\
global: {{scrape_interval: {interval}, scrape_timeout: 400ms, evaluation_interval: 1m}}
scrape_configs:
  - job_name: gonogo-tests
    file_sd_configs: [{{files: ["{targets}/*.json"], refresh_interval: 1s}}]
"""


def _prometheus_binaries() -> dict[str, str] | None:
    path = shutil.which("prometheus")
    return {"prometheus": path} if path else None


def _prometheus_prepare(bins: dict[str, str], home: Path) -> None:
    (home / "targets").mkdir()
    config = _PROMETHEUS_CONFIG.format(interval=SCRAPE_INTERVAL, targets=home / "targets")
    (home / "prometheus.yml").write_text(config)


def _prometheus_command(bins: dict[str, str], home: Path, port: int, *extra: str) -> list[str]:
    return [
        bins["prometheus"],
        f"--config.file={home / 'prometheus.yml'}",
        f"--storage.tsdb.path={home / 'data'}",
        f"--web.listen-address=127.0.0.1:{port}",
        "--log.level=warn",
        *extra,
    ]


def prometheus_ready(url: str) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as resp:
            return bool(resp.status == 200)
    except OSError:
        return False


PROMETHEUS = Service(
    name="prometheus",
    title="Prometheus",
    env="GONOGO_TEST_PROMETHEUS",
    package="prometheus",
    binaries=_prometheus_binaries,
    prepare=_prometheus_prepare,
    command=_prometheus_command,
    url=lambda port: f"http://127.0.0.1:{port}",
    healthy=prometheus_ready,
)


def prometheus_targets() -> Path:
    """Where this session's exporters list themselves for the shared Prometheus to scrape
    (after `shared(PROMETHEUS)`)."""
    if os.environ.get(PROMETHEUS.env):
        own = os.environ.get(PROMETHEUS_SD_ENV)
        if not own or not Path(own).is_dir():
            unavailable(
                f"{PROMETHEUS.env} is set, but {PROMETHEUS_SD_ENV} does not name a directory: "
                "give the file_sd directory that server scrapes (file_sd_configs with "
                "files: [DIR/*.json], scrape_interval 1s or less); the tests list their "
                "exporter there"
            )
        return Path(str(own))
    return Path(os.environ[STATE_ENV]) / PROMETHEUS.name / "targets"


# -- starting and stopping ---------------------------------------------------------


@dataclass(frozen=True)
class Running:
    url: str
    guard_pid: int
    home: Path


def _spawn(cmd: list[str], home: Path, owner: int) -> subprocess.Popen[bytes]:
    log = (home / "server.log").open("ab")
    with log:
        return subprocess.Popen(
            [sys.executable, str(GUARD), str(owner), "--", *cmd],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # Ctrl-C goes to pytest, which stops the servers in order
        )


def _log_tail(home: Path) -> str:
    with contextlib.suppress(OSError):
        return (home / "server.log").read_text(errors="replace").strip()[-600:]
    return ""


def _wait_healthy(service: Service, url: str, guard: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if guard.poll() is not None:
            return False
        if service.healthy(url):
            return True
        time.sleep(0.1)
    return False


def start(service: Service, home: Path, *extra: str, owner: int | None = None) -> Running:
    """Start a fresh server in HOME (a new, empty directory); raise ServiceUnavailable."""
    bins = service.binaries()
    if bins is None:
        raise ServiceUnavailable(service.missing())
    service.prepare(bins, home)
    owner = owner or int(os.environ.get(OWNER_ENV, os.getpid()))
    for _attempt in range(3):  # a free port can be taken between the probe and the bind
        port = free_port()
        cmd = service.command(bins, home, port, *extra)
        guard = _spawn(cmd, home, owner)
        url = service.url(port)
        if _wait_healthy(service, url, guard):
            return Running(url, guard.pid, home)
        stop(guard.pid)
        if "in use" not in _log_tail(home):
            break
    raise ServiceUnavailable(
        f"{service.title} did not start and answer within {START_TIMEOUT_S:.0f} s: "
        f"{_log_tail(home) or 'no output'}"
    )


def stop(guard_pid: int, timeout_s: float = 15.0) -> None:
    """Stop a guarded server and everything it spawned; wait until they are gone."""
    with contextlib.suppress(ProcessLookupError):
        os.kill(guard_pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(guard_pid, os.WNOHANG) != (0, 0):
                break
        if not _exists(guard_pid):
            break
        time.sleep(0.05)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(guard_pid, signal.SIGKILL)


def _exists(pid: int) -> bool:
    """True while PID runs (a zombie waiting for its parent to reap it has ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@contextlib.contextmanager
def temporary(service: Service, home: Path, *extra: str) -> Iterator[str]:
    """A server of the test's own (say, Redis with persistence on), stopped after it."""
    try:
        running = start(service, home, *extra, owner=os.getpid())
    except ServiceUnavailable as exc:
        unavailable(str(exc))
        raise
    try:
        yield running.url
    finally:
        stop(running.guard_pid)


# -- the session's shared servers ---------------------------------------------------


def begin_session() -> Path:
    """Called once by the controller before workers start: the state directory."""
    _sweep_abandoned()
    state = Path(tempfile.mkdtemp(prefix=STATE_PREFIX))
    state.chmod(0o755)  # PostgreSQL's own user must reach its data directory inside
    (state / "owner").write_text(str(os.getpid()))
    os.environ[STATE_ENV] = str(state)
    os.environ[OWNER_ENV] = str(os.getpid())
    return state


def _sweep_abandoned() -> None:
    """Data left by sessions that were killed (their guards stopped the servers)."""
    for state in Path(tempfile.gettempdir()).glob(f"{STATE_PREFIX}*"):
        with contextlib.suppress(OSError, ValueError):
            if not _exists(int((state / "owner").read_text())):
                shutil.rmtree(state, ignore_errors=True)


def _begin_unmanaged() -> Path:
    """Outside a pytest session with the conftest hooks (a benchmark): stop at exit."""
    state = begin_session()
    atexit.register(end_session, state)
    return state


def end_session(state: Path) -> None:
    """Stop every server the session started, then remove their data."""
    for record in state.glob("*.json"):
        with contextlib.suppress(OSError, ValueError, KeyError):
            pid = json.loads(record.read_text()).get("guard_pid")
            if pid:
                stop(int(pid))
    shutil.rmtree(state, ignore_errors=True)


def shared(service: Service) -> str:
    """The session's server for SERVICE (started on first use), or skip/fail saying why."""
    own = os.environ.get(service.env)
    if own:
        if not service.healthy(own):
            unavailable(f"{service.env}={_redact(own)} does not answer")
        return own
    state = Path(os.environ.get(STATE_ENV) or _begin_unmanaged())
    with (state / f"{service.name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        record = _read_or_start(service, state)
    if "error" in record:
        unavailable(record["error"])
    return record["url"]


def _read_or_start(service: Service, state: Path) -> dict[str, str]:
    path = state / f"{service.name}.json"
    if path.exists():
        return dict(json.loads(path.read_text()))
    home = state / service.name
    home.mkdir()
    try:
        running = start(service, home)
        record = {"url": running.url, "guard_pid": str(running.guard_pid)}
    except ServiceUnavailable as exc:
        record = {"error": str(exc)}
    path.write_text(json.dumps(record))
    return record


def _redact(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        rest = "***@" + rest.rsplit("@", 1)[1]
    return scheme + sep + rest
