"""Repositories that ask gonogo to read or write outside them, for the containment tests
and `benchmarks/security.py` (which runs them against any gonogo source tree).

Each scenario builds a project root beside an `outside` directory holding a file with a
marker, then runs one gonogo command. It read outside when what gonogo printed or stored
reflects the outside file (its marker, its existence, its runs); it wrote outside when
any checksum under `outside` changed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

MARKER = "OUTSIDE-MARKER-7f3a"
PY = sys.executable


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


Gonogo = Callable[..., Ran]  # gonogo(*args, cwd=Path) -> Ran


def gonogo_runner(env: dict[str, str]) -> Gonogo:
    def run(*args: str, cwd: Path) -> Ran:
        proc = subprocess.run(
            [PY, "-m", "gonogo", *args],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return Ran(proc.returncode, proc.stdout, proc.stderr)

    return run


def checksums(folder: Path) -> dict[str, str]:
    """Every path under `folder` and its content's sha256 (or its kind)."""
    out = {}
    for p in sorted(folder.rglob("*")):
        rel = str(p.relative_to(folder))
        if p.is_symlink() or not p.is_file():
            out[rel] = "dir" if p.is_dir() else "other"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def plan(*checks: str, tasks: str = "") -> str:
    body = "".join(f"      - {c}\n" for c in checks)
    gates = f"gates:\n  - id: g\n    checks:\n{body}" if checks else "gates: []\n"
    return "version: 1\n" + gates + (f"tasks:\n{tasks}" if tasks else "")


def _history(path: Path) -> None:
    """A real gonogo history with one run in it, at `path`."""
    root = path.parent.parent / "donor"
    root.mkdir()
    (root / "gonogo.yaml").write_text(plan("{id: x, kind: file.exists, path: nothing}"))
    subprocess.run(
        [PY, "-m", "gonogo", "check", str(root), "--store", f"sqlite:///{path}"],
        capture_output=True,
        check=False,
        timeout=120,
    )


@dataclass(frozen=True)
class Scenario:
    name: str
    setup: Callable[[Path, Path], None]  # (root, outside)
    args: tuple[str, ...]
    read: Callable[[Ran, Path], bool]  # did the result reflect the outside?


def _link(root: Path, rel: str, target: Path) -> None:
    (root / rel).parent.mkdir(parents=True, exist_ok=True)
    (root / rel).symlink_to(target)


def _files(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)


def _passed(check: str) -> Callable[[Ran, Path], bool]:
    def read(ran: Ran, root: Path) -> bool:
        try:
            report = json.loads((root / ".gonogo/last.json").read_text())
        except (OSError, ValueError):
            return False
        return any(c["id"] == check and c["status"] == "pass" for c in report["checks"])

    return read


def _shows_marker(ran: Ran, root: Path) -> bool:
    return MARKER in ran.text


def _never(ran: Ran, root: Path) -> bool:
    return False


def _check_plan(*checks: str) -> Callable[[Path, Path], None]:
    return lambda root, out: _files(root, {"gonogo.yaml": plan(*checks)})


def _with(
    first: Callable[[Path, Path], None], then: Callable[[Path, Path], None]
) -> Callable[[Path, Path], None]:
    def both(root: Path, out: Path) -> None:
        first(root, out)
        then(root, out)

    return both


_CHECK = ("check", ".")
_FAILING_TASK = f"  - {{id: t, retries: 0, run: [{PY}, -c, 'raise SystemExit(3)']}}\n"


def _orchestrate_plan(root: Path, out: Path) -> None:
    _files(root, {"gonogo.yaml": plan(tasks=_FAILING_TASK)})


SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "absolute-path",
        _check_plan("{id: x, kind: file.exists, path: /etc}"),
        _CHECK,
        _passed("x"),
    ),
    Scenario(
        "dotdot-path",
        _check_plan("{id: x, kind: file.exists, path: ../outside}"),
        _CHECK,
        _passed("x"),
    ),
    Scenario(
        "link-to-outside-file",
        _with(
            _check_plan("{id: x, kind: file.exists, path: secret.txt}"),
            lambda root, out: _link(root, "secret.txt", out / "secret.txt"),
        ),
        _CHECK,
        _passed("x"),
    ),
    Scenario(
        "link-to-outside-dir",
        _with(
            _check_plan("{id: x, kind: file.exists, path: elsewhere}"),
            lambda root, out: _link(root, "elsewhere", out),
        ),
        _CHECK,
        _passed("x"),
    ),
    Scenario(
        "contains-through-link",
        _with(
            _check_plan(f"{{id: x, kind: file.contains, path: secret.txt, pattern: {MARKER}}}"),
            lambda root, out: _link(root, "secret.txt", out / "secret.txt"),
        ),
        _CHECK,
        _passed("x"),
    ),
    Scenario(
        "junit-through-link",
        _with(
            _check_plan("{id: x, kind: junit, files: 'reports/*.xml'}"),
            lambda root, out: _link(root, "reports/junit.xml", out / "junit.xml"),
        ),
        _CHECK,
        _passed("x"),
    ),
    Scenario(
        "device-through-link",
        _with(
            _check_plan("{id: x, kind: file.valid, path: zero.json, format: json}"),
            lambda root, out: _link(root, "zero.json", Path("/dev/zero")),
        ),
        _CHECK,
        _never,
    ),
    Scenario(
        "fifo-in-root",
        _with(
            _check_plan("{id: x, kind: file.contains, path: pipe, pattern: x}"),
            lambda root, out: __import__("os").mkfifo(root / "pipe"),
        ),
        _CHECK,
        _never,
    ),
    Scenario(
        "state-dir-is-a-link",
        _with(
            _check_plan("{id: x, kind: file.exists, path: gonogo.yaml}"),
            lambda root, out: _link(root, ".gonogo", out),
        ),
        _CHECK,
        _never,
    ),
    Scenario(
        "history-is-a-link",
        _with(
            _check_plan("{id: x, kind: file.exists, path: gonogo.yaml}"),
            lambda root, out: _link(root, ".gonogo/history.db", out / "empty.db"),
        ),
        _CHECK,
        _never,
    ),
    Scenario(
        "last-json-is-a-link",
        _with(
            _check_plan("{id: x, kind: file.exists, path: gonogo.yaml}"),
            lambda root, out: _link(root, ".gonogo/last.json", out / "secret.txt"),
        ),
        _CHECK,
        _never,
    ),
    Scenario(
        "history-read-through-link",
        lambda root, out: (
            _history(out / "runs.db"),
            _link(root, ".gonogo/history.db", out / "runs.db"),
        ),
        ("history", "."),
        lambda ran, root: "NO-GO" in ran.stdout,
    ),
    Scenario(
        "lock-is-a-link",
        _with(
            _orchestrate_plan, lambda r, o: _link(r, ".gonogo/orchestrate.lock", o / "secret.txt")
        ),
        ("orchestrate", "."),
        _never,
    ),
    Scenario(
        "escalations-is-a-link",
        _with(
            _orchestrate_plan,
            lambda r, o: _link(r, ".gonogo/escalations.jsonl", o / "secret.txt"),
        ),
        ("orchestrate", "."),
        _never,
    ),
    Scenario(
        "task-logs-dir-is-a-link",
        _with(_orchestrate_plan, lambda r, o: _link(r, ".gonogo/tasks", o)),
        ("orchestrate", "."),
        _never,
    ),
    Scenario(
        "state-read-through-link",
        _with(
            _orchestrate_plan, lambda r, o: _link(r, ".gonogo/orchestrate.json", o / "secret.txt")
        ),
        ("orchestrate", ".", "--resume"),
        _shows_marker,
    ),
)


def make_outside(outside: Path) -> None:
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{MARKER} do not read\n")
    (outside / "junit.xml").write_text('<testsuite><testcase classname="a" name="b"/></testsuite>')
    (outside / "empty.db").write_bytes(b"")


@dataclass(frozen=True)
class Observed:
    ran: Ran
    read: bool
    wrote: bool


def observe(scenario: Scenario, base: Path, gonogo: Gonogo) -> Observed:
    """Build the scenario under `base`, run it, and say what it reached outside."""
    root, outside = base / "root", base / "outside"
    root.mkdir(parents=True)
    make_outside(outside)
    scenario.setup(root, outside)
    before = checksums(outside)
    ran = gonogo(*scenario.args, cwd=root)
    return Observed(ran, scenario.read(ran, root), checksums(outside) != before)
