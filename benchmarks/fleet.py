"""Fleet figures: generated repositories (a few hundred files each, bare, served over
file://) through (a) one repository at a time, (b) the local pool, (c) Celery with 2
worker processes on a Redis the script starts; then the same fleet again with every
commit unchanged (each repository skipped after `git ls-remote`).

    .venv/bin/python benchmarks/fleet.py [--repos 500] [--files 300] [--jobs 2]

Printed: wall time and repositories/hour of each mode, the overhead of Celery against
an ideal split of (a) over 2 processes ((c) / ((a) / 2); goal <= 1.3), and the
second run's time as a share of the first (goal < 5%).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

import services  # noqa: E402  (starts the Redis server of the Celery mode)
from repo_helpers import GIT_ENV as REPO_GIT_ENV  # noqa: E402

GIT_ENV = {**os.environ, **REPO_GIT_ENV}
PLAN = """\
version: 1
gates:
  - id: base
    checks:
      - {id: readme, kind: file.exists, path: README.md}
      - {id: no-debug, kind: file.not_contains, path: 'src/**/*.py', pattern: 'pdb\\.set_trace'}
      - {id: license, kind: file.exists, path: LICENSE}
"""


def make_repos(root: Path, n: int, files: int) -> list[str]:
    urls = []
    for i in range(n):
        work = root / "work" / f"repo{i:04d}"
        (work / "src").mkdir(parents=True)
        (work / "README.md").write_text(f"# repo {i}\n")
        (work / "gonogo.yaml").write_text(PLAN)
        if i % 3:
            (work / "LICENSE").write_text("MIT\n")
        for f in range(files):
            (work / "src" / f"m{f:03d}.py").write_text(f"def f{f}(x):\n    return x + {f}\n")
        bare = root / "git" / f"repo{i:04d}.git"
        subprocess.run(["git", "init", "-q", "-b", "main", str(work)], check=True, env=GIT_ENV)
        subprocess.run(["git", "-C", str(work), "add", "-A"], check=True, env=GIT_ENV)
        subprocess.run(
            ["git", "-C", str(work), "commit", "-q", "-m", "init"], check=True, env=GIT_ENV
        )
        subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
        shutil.rmtree(work)
        urls.append(bare.as_uri())
    return urls


def write_fleet(root: Path, urls: list[str]) -> Path:
    lines = ["version: 1", "defaults: {timeout: 2m, retries: 0}", "repositories:"]
    lines += [f"  - {{name: r{i:04d}, url: '{u}'}}" for i, u in enumerate(urls)]
    path = root / "fleet.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def gonogo(*args: str, cwd: Path, env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "gonogo", *args], cwd=cwd, env=env, capture_output=True, text=True
    )
    elapsed = time.perf_counter() - t0
    if done.returncode not in (0, 1):
        raise SystemExit(f"gonogo {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return elapsed


def start_worker(
    broker: str, store: str, queue: str, cache: Path, log: Path
) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gonogo",
            "fleet",
            "worker",
            "--broker",
            broker,
            "--store",
            store,
            "--queue",
            queue,
            "-c",
            "1",
            "--cache",
            str(cache),
        ],
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    while b" ready." not in log.read_bytes():
        if proc.poll() is not None:
            raise SystemExit(log.read_text())
        time.sleep(0.1)
    return proc


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repos", type=int, default=500)
    parser.add_argument("--files", type=int, default=300)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gonogo-fleet-bench-"))
    env = {**os.environ, "NO_COLOR": "1"}
    try:
        t0 = time.perf_counter()
        urls = make_repos(root, args.repos, args.files)
        write_fleet(root, urls)
        print(
            f"{args.repos} repositories of {args.files + 3} files made in "
            f"{time.perf_counter() - t0:.1f} s",
            flush=True,
        )
        rows = []
        for label, extra in (
            ("(a) one at a time", ["-j", "1"]),
            (f"(b) local pool, -j {args.jobs}", ["-j", str(args.jobs)]),
        ):
            tag = label[1]
            run = [
                "fleet",
                "run",
                "fleet.yaml",
                "-q",
                "--store",
                f"sqlite:///{root / tag}.db",
                "--cache",
                str(root / f"cache-{tag}"),
                "-o",
                str(root / f"{tag}.txt"),
                *extra,
            ]
            first = gonogo(*run, cwd=root, env=env)
            second = gonogo(*run, cwd=root, env=env)
            rows.append((label, first, second))
            print(f"{label}: {first:.1f} s, unchanged: {second:.1f} s", flush=True)
        broker = services.shared(services.REDIS)
        store = f"sqlite:///{root / 'c'}.db"
        workers = [
            start_worker(broker, store, "bench", root / f"cache-c{w}", root / f"w{w}.log")
            for w in range(2)
        ]
        try:
            run = [
                "fleet",
                "run",
                "fleet.yaml",
                "-q",
                "--broker",
                broker,
                "--queue",
                "bench",
                "--store",
                store,
                "-o",
                str(root / "c.txt"),
            ]
            first = gonogo(*run, cwd=root, env=env)
            second = gonogo(*run, cwd=root, env=env)
        finally:
            for proc in workers:
                os.killpg(proc.pid, 9)
                proc.wait()
        rows.append(("(c) Celery, 2 worker processes", first, second))
        print()
        print("| mode | first run | repos/hour | unchanged again | share of first |")
        print("|---|---|---|---|---|")
        for label, first, second in rows:
            per_hour = args.repos / first * 3600
            print(
                f"| {label} | {first:.1f} s | {per_hour:,.0f} | {second:.1f} s | "
                f"{second / first:.1%} |"
            )
        sequential, celery = rows[0][1], rows[2][1]
        print(f"\nCelery overhead: (c) / ((a) / 2) = {celery / (sequential / 2):.2f} (goal <= 1.3)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
