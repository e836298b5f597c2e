"""Secrets scan throughput: gonogo vs ripgrep vs detect-secrets on a big real tree.

    .venv/bin/python benchmarks/secrets.py [--copies 10] [--ds-sample 1000]

Fetches the ansible-core sdist (`pip download --no-binary :all: --no-deps`) into a cache
outside the repository ($GONOGO_BENCH_CACHE, default ~/.cache/gonogo-bench), unpacks it,
copies the tree N times, then times each tool as a command (`gonogo secrets`, the whole CLI,
not a library call) in a child process: wall time, CPU time and the peak RSS of the process
tree (workers included). detect-secrets is far too slow for the whole tree, so it
runs on a sample of files and its rate is scaled; the output says so.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from gonogo.secrets.detectors import DETECTORS, plain_pattern  # noqa: E402

GONOGO = str(REPO / ".venv/bin/gonogo")


def fetch(cache: Path) -> Path:
    cache.mkdir(parents=True, exist_ok=True)
    sdists = sorted(cache.glob("ansible_core-*.tar.gz"))
    if not sdists:
        pip = (
            [shutil.which("pip") or "pip"] if shutil.which("pip") else [sys.executable, "-m", "pip"]
        )
        subprocess.run(
            [
                *pip,
                "download",
                "--no-binary",
                ":all:",
                "--no-deps",
                "-d",
                str(cache),
                "ansible-core",
            ],
            check=True,
        )
        sdists = sorted(cache.glob("ansible_core-*.tar.gz"))
    src = cache / sdists[-1].name.removesuffix(".tar.gz")
    if not src.is_dir():
        with tarfile.open(sdists[-1]) as tar:
            tar.extractall(cache, filter="data")
    return src


def build_tree(src: Path, cache: Path, copies: int) -> Path:
    tree = cache / f"tree-x{copies}"
    if not (tree / f"copy{copies - 1}").is_dir():
        shutil.rmtree(tree, ignore_errors=True)
        for i in range(copies):
            shutil.copytree(src, tree / f"copy{i}")
    if not (tree / ".git").is_dir():
        # a repository, as gonogo usually meets one: the listing is `git ls-files`
        env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b.invalid"}
        env |= {"GIT_COMMITTER_NAME": "b", "GIT_COMMITTER_EMAIL": "b@b.invalid"}
        for argv in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "tree"]):
            subprocess.run(["git", *argv], cwd=tree, env=env, check=True)
    return tree


def sample_tree(src: Path, cache: Path, n: int) -> tuple[Path, int]:
    sample = cache / f"sample-{n}"
    files = sorted(p for p in src.rglob("*") if p.is_file())
    random.Random(1).shuffle(files)
    if not sample.is_dir():
        for i, p in enumerate(files[:n]):
            dest = sample / f"{i:05d}" / p.name
            dest.parent.mkdir(parents=True)
            shutil.copy2(p, dest)
    return sample, min(n, len(files))


def timed(argv: list[str], cwd: Path | None = None) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds of `argv` and its children, and the peak of their summed
    RSS (MB), sampled every 10 ms: workers count with the process that started them."""
    start = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    peak = [0]
    sampler = threading.Thread(target=_sample_rss, args=(proc, peak), daemon=True)
    sampler.start()
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed with status {status}")
    cpu = usage.ru_utime + usage.ru_stime
    rss = max(peak[0], usage.ru_maxrss * 1024)  # a run too short to sample: its largest process
    return wall, cpu, rss / 1e6, out.decode(errors="replace")


def _sample_rss(proc: subprocess.Popen[bytes], peak: list[int]) -> None:
    page = os.sysconf("SC_PAGE_SIZE")
    while proc.returncode is None:
        total = 0
        for pid in _tree(proc.pid):
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    total += int(fh.read().split()[1]) * page
            except (OSError, IndexError, ValueError):
                pass  # exited between the listing and the read
        peak[0] = max(peak[0], total)
        time.sleep(0.01)


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants, from /proc/PID/task/TID/children."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for tid in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{tid}/children", "rb") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            pass
    return out


def rg_argv(tree: Path, hints: bool) -> list[str]:
    """ripgrep over the same files: the detectors' full patterns, or gonogo's prefilter."""
    rg = shutil.which("rg", path=str(REPO / ".venv/bin")) or "rg"
    argv = [rg, "--hidden", "--glob", "!.git", "--no-require-git", "--count", "--no-messages"]
    for det in DETECTORS:
        argv += ["-e", (det.hint if hints else plain_pattern(det)).decode()]
    return [*argv, str(tree)]


def gonogo_argv(tree: Path, jobs: int) -> list[str]:
    """The command a user runs: the whole CLI, start-up and listing included."""
    return [GONOGO, "secrets", str(tree), "--format", "json", "--jobs", str(jobs)]


def tree_stats(tree: Path) -> tuple[int, int]:
    n = size = 0
    for dirpath, dirs, names in os.walk(tree):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in names:
            n += 1
            size += os.path.getsize(os.path.join(dirpath, name))
    return n, size


def line(
    name: str, files: int, size: int, wall: float, cpu: float, rss: float, note: str = ""
) -> str:
    return (
        f"{name:<28} {wall:8.2f} s {cpu:8.2f} s cpu {files / wall:10.0f} files/s "
        f"{size / 1e6 / wall:8.1f} MB/s  peak RSS {rss:6.0f} MB {note}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--ds-sample", type=int, default=1000, help="files given to detect-secrets")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs for gonogo and rg")
    args = ap.parse_args()
    cache = Path(os.environ.get("GONOGO_BENCH_CACHE", Path.home() / ".cache/gonogo-bench"))
    src = fetch(cache)
    tree = build_tree(src, cache, args.copies)
    files, size = tree_stats(tree)
    one_files, one_size = tree_stats(src)
    print(
        f"tree: {tree} ({args.copies} copies of {src.name}): {files:,} files, {size / 1e6:.0f} MB"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    results = {}
    runs = {
        "rg (detector patterns)": rg_argv(tree, hints=False),
        "rg (prefilter patterns)": rg_argv(tree, hints=True),
        "gonogo (2 workers)": gonogo_argv(tree, 2),
        "gonogo (1 process)": gonogo_argv(tree, 1),
    }
    for name, argv in runs.items():
        best = min((timed(argv) for _ in range(args.repeat)), key=lambda r: r[0])
        results[name] = best
        print(line(name, files, size, *best[:3]))
    one = min((timed(gonogo_argv(src, 2)) for _ in range(args.repeat)), key=lambda r: r[0])
    print(
        line(
            f"gonogo, 1 copy ({one_files:,} files)",
            one_files,
            one_size,
            *one[:3],
            "(memory flatness)",
        )
    )
    sample, _ = sample_tree(src, cache, args.ds_sample)
    s_files, s_size = tree_stats(sample)
    ds = shutil.which("detect-secrets", path=str(REPO / ".venv/bin")) or "detect-secrets"
    wall, cpu, rss, _ = timed([ds, "scan", "--all-files", "."], cwd=sample)
    scaled = wall * files / s_files
    print(
        line("detect-secrets", s_files, s_size, wall, cpu, rss)
        + f"\n{'':<28} (ran on a sample of {s_files:,} files; the whole tree scaled by file count"
        f" would take about {scaled:.0f} s)"
    )
    g, g_cpu = results["gonogo (2 workers)"][:2]
    for name in ("rg (detector patterns)", "rg (prefilter patterns)"):
        r, r_cpu = results[name][:2]
        print(f"\ngonogo / {name}: {g / r:.2f}x wall time, {g_cpu / r_cpu:.2f}x CPU time")
    print(f"detect-secrets (scaled) / gonogo: {scaled / g:.0f}x")
    found = len(json.loads(results["gonogo (2 workers)"][3])["findings"])
    print(f"hits: gonogo {found}")


if __name__ == "__main__":
    main()
