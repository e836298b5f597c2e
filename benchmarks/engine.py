"""Engine figures: a plan of 10,000 file checks over a 5,000-file tree, start-up time,
and the cost of listing the tree, each next to a peer measured in the same run.

    .venv/bin/python benchmarks/engine.py [--files 5000] [--checks 10000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from gonogo.engine.scheduler import RunOptions, run_plan  # noqa: E402
from gonogo.fs.index import FileIndex, _walk_files  # noqa: E402
from gonogo.models import GitInfo  # noqa: E402
from gonogo.plan.loader import parse_plan  # noqa: E402
from gonogo.probes.registry import BUILTIN  # noqa: E402

BIN = Path(sys.executable).parent


def make_tree(root: Path, n_files: int) -> list[str]:
    rels = []
    for i in range(n_files):
        rel = f"pkg{i % 50}/sub{i % 7}/mod_{i}.py"
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"VALUE_{i} = {i}\n")
        rels.append(rel)
    (root / ".gitignore").write_text("ignored/\n")
    (root / "ignored").mkdir()
    for i in range(200):
        (root / "ignored" / f"junk{i}.txt").write_text("x")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "b",
        "GIT_AUTHOR_EMAIL": "b@b.invalid",
        "GIT_COMMITTER_NAME": "b",
        "GIT_COMMITTER_EMAIL": "b@b.invalid",
    }
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True, env=env)
    subprocess.run(["git", "commit", "-qm", "tree"], cwd=root, check=True, env=env)
    return rels


def plan_text(rels: list[str], n_checks: int) -> str:
    lines = ["gates:"]
    per_gate = 1000
    for i in range(n_checks):
        if i % per_gate == 0:
            lines += [f"  - id: g{i // per_gate}", "    pass_rate: 0", "    checks:"]
        rel = rels[i % len(rels)]
        if i % 10 == 9:
            lines.append(f"      - {{id: c{i}, kind: file.exists, path: 'pkg{i % 50}/*/mod_*.py'}}")
        elif i % 10 == 8:
            lines.append(f"      - {{id: c{i}, kind: file.absent, path: 'pkg{i % 50}/**/*.pyc'}}")
        else:
            lines.append(f"      - {{id: c{i}, kind: file.exists, path: '{rel}'}}")
    return "\n".join(lines) + "\n"


def time_run(root: Path, text: str) -> tuple[float, float, int]:
    t0 = time.perf_counter()
    plan = parse_plan(text, BUILTIN)
    t1 = time.perf_counter()
    report = asyncio.run(run_plan(plan, root, BUILTIN, RunOptions(git=GitInfo())))
    t2 = time.perf_counter()
    passed = sum(c.status.value == "pass" for c in report.checks)
    return t1 - t0, t2 - t1, passed


def best_of(n: int, argv: list[str], cwd: Path | None = None) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(argv, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def listing(root: Path) -> None:
    runs = 7
    git_s = best_of(runs, ["git", "ls-files", "-co", "--exclude-standard", "-z"], root)
    rg = shutil.which("rg") or str(BIN / "rg")
    rg_s = best_of(runs, [rg, "--files"], root) if Path(rg).exists() else float("nan")
    walk = []
    for _ in range(runs):
        t0 = time.perf_counter()
        _walk_files(root)
        walk.append(time.perf_counter() - t0)
    walk_s = statistics.median(walk)
    print("\nlisting the tree (median of 7):")
    print(
        f"  git ls-files -co --exclude-standard  {git_s * 1000:7.1f} ms  ({git_s / rg_s:.2f}x rg)"
    )
    print(f"  rg --files                           {rg_s * 1000:7.1f} ms")
    print(
        f"  os.walk + pathspec (.gitignore)      {walk_s * 1000:7.1f} ms  ({walk_s / rg_s:.2f}x rg)"
    )


def startup() -> None:
    runs = 15
    py = best_of(runs, [sys.executable, "-c", "pass"])
    ours = best_of(runs, [str(BIN / "gonogo"), "--version"])
    peer = BIN / "detect-secrets"
    print("\nstart-up (median of 15):")
    print(f"  python -c pass                 {py * 1000:6.1f} ms")
    print(f"  gonogo --version               {ours * 1000:6.1f} ms  (target < 100 ms)")
    if peer.exists():
        ds = best_of(runs, [str(peer), "--version"])
        print(
            f"  detect-secrets --version       {ds * 1000:6.1f} ms  "
            f"(gonogo is {ds / ours:.1f}x faster)"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=5000)
    parser.add_argument("--checks", type=int, default=10000)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gonogo-bench-"))
    try:
        rels = make_tree(tmp, args.files)
        print(
            f"tree: {args.files} tracked files (+200 ignored) in a git work tree; "
            f"{os.cpu_count()} cores"
        )
        print(f"\n{'checks':>7} {'load plan':>10} {'run':>9} {'total':>9} {'per check':>10}")
        for n in sorted({args.checks // 10, args.checks // 2, args.checks}):
            load_s, run_s, passed = time_run(tmp, plan_text(rels, n))
            total = load_s + run_s
            print(
                f"{n:7d} {load_s * 1000:8.0f}ms {run_s * 1000:7.0f}ms {total * 1000:7.0f}ms "
                f"{total / n * 1e6:8.0f}µs   ({passed} pass)"
            )
        cli_s = best_of(
            3,
            [
                str(BIN / "gonogo"),
                "check",
                str(tmp),
                "--no-history",
                "-p",
                str(_write_plan(tmp, rels, args.checks)),
                "--format",
                "json",
                "-o",
                os.devnull,
            ],
        )
        print(
            f"\ngonogo check (whole CLI, {args.checks} checks, median of 3): {cli_s * 1000:.0f} ms"
            f"  (target < 1000 ms)"
        )
        index = FileIndex(tmp)
        assert index.files  # list once, outside the timed loop
        t0 = time.perf_counter()
        for rel in rels:
            index.glob(rel)
        per = (time.perf_counter() - t0) / len(rels)
        print(f"literal-path lookup after the one listing: {per * 1e6:.1f} µs each")
        listing(tmp)
        startup()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _write_plan(root: Path, rels: list[str], n: int) -> Path:
    path = root.parent / f"{root.name}-plan.yaml"
    path.write_text(plan_text(rels, n))
    return path


if __name__ == "__main__":
    main()
