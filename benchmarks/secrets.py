"""Secrets scan throughput: gonogo vs ripgrep vs detect-secrets on a big real tree, and
the precision and recall of gonogo and detect-secrets on the labelled corpus.

    .venv/bin/python benchmarks/secrets.py [--copies 10] [--ds-sample 1000] [--corpus-only]

The corpus (tests/data/secrets, rendered by tests/secret_corpus.py into the cache) is
scored per line: a finding on a labelled line is a true positive, any other finding a
false one. Both tools run as commands on the same rendered files.

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
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

sys.path.insert(0, str(REPO / "tests"))

from gonogo.secrets.detectors import DETECTORS, plain_pattern  # noqa: E402
from gonogo.secrets.prefilter import ENGINE_ENV  # noqa: E402
from gonogo.secrets.scan import compiled, hint_patterns  # noqa: E402
from secret_corpus import PARTS, Corpus, render, score  # noqa: E402

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


@dataclass
class Run:
    wall: float
    cpu: float
    rss: float  # MB: peak of the summed RSS of the process tree
    git_rss: float  # MB: the git processes' share at that peak
    out: str


def timed(argv: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    """Wall seconds and CPU seconds of `argv` and its children, and the peak of their
    summed RSS sampled every 10 ms: workers and git count with the process that started
    them."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )
    peak = [0, 0]
    sampler = threading.Thread(target=_sample_rss, args=(proc, peak), daemon=True)
    sampler.start()
    out = proc.stdout.read() if proc.stdout else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    sampler.join()
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{argv[0]} failed with status {status}")
    rss = max(peak[0], usage.ru_maxrss * 1024)  # a run too short to sample: its largest process
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, rss / 1e6, peak[1] / 1e6, out.decode(errors="replace"))


def _sample_rss(proc: subprocess.Popen[bytes], peak: list[int]) -> None:
    page = os.sysconf("SC_PAGE_SIZE")
    while proc.returncode is None:
        total = git = 0
        for pid in _tree(proc.pid):
            try:
                with open(f"/proc/{pid}/statm", "rb") as fh:
                    rss = int(fh.read().split()[1]) * page
                with open(f"/proc/{pid}/comm", "rb") as fh:
                    git += rss if fh.read().strip() == b"git" else 0
            except (OSError, IndexError, ValueError):
                continue  # exited between the listing and the read
            total += rss
        if total > peak[0]:
            peak[:] = [total, git]
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


ENGINE = "RE2" if compiled().hints.engine == "re2" else "Hyperscan"


def rg_argv(tree: Path, hints: bool) -> list[str]:
    """ripgrep over the same files: the detectors' full patterns, or gonogo's prefilter."""
    rg = shutil.which("rg", path=str(REPO / ".venv/bin")) or "rg"
    argv = [rg, "--hidden", "--glob", "!.git", "--no-require-git", "--count", "--no-messages"]
    patterns = hint_patterns() if hints else line_patterns()
    for pattern in patterns:
        argv += ["-e", pattern.decode()]
    return [*argv, str(tree)]


def line_patterns() -> list[bytes]:
    """The detectors' patterns that ripgrep can run line by line: the few that span
    lines (a Kubernetes name and its value, a PuTTY key) need `--multiline`, which makes
    it slower by minutes, so they are left out of its run (and the output says so)."""
    return [p for p in (plain_pattern(d) for d in DETECTORS) if b"\\n" not in p]


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


def line(name: str, files: int, size: int, run: Run, note: str = "") -> str:
    git = f" (git {run.git_rss:.0f})" if run.git_rss else ""
    return (
        f"{name:<40} {run.wall:8.2f} s {run.cpu:8.2f} s cpu {files / run.wall:10.0f} files/s "
        f"{size / 1e6 / run.wall:8.1f} MB/s  peak RSS {run.rss:6.0f} MB{git} {note}"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--ds-sample", type=int, default=1000, help="files given to detect-secrets")
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs for gonogo and rg")
    ap.add_argument(
        "--quick",
        action="store_true",
        help="skip the slow peers (rg with every detector pattern, detect-secrets): for big trees",
    )
    ap.add_argument("--corpus-only", action="store_true", help="only the labelled corpus")
    args = ap.parse_args()
    cache = Path(os.environ.get("GONOGO_BENCH_CACHE", Path.home() / ".cache/gonogo-bench"))
    print("labelled corpus (tests/data/secrets):")
    corpus_scores(cache)
    print()
    if args.corpus_only:
        return
    src = fetch(cache)
    tree = build_tree(src, cache, args.copies)
    files, size = tree_stats(tree)
    print(
        f"tree: {tree} ({args.copies} copies of {src.name}): {files:,} files, {size / 1e6:.0f} MB"
    )
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    results = {}
    runs = {
        f"rg ({len(line_patterns())}/{len(DETECTORS)} detector patterns)": rg_argv(tree, False),
        "rg (prefilter patterns)": rg_argv(tree, hints=True),
        f"gonogo (2 workers, {ENGINE} prefilter)": gonogo_argv(tree, 2),
        "gonogo (1 process)": gonogo_argv(tree, 1),
    }
    if ENGINE != "RE2":  # the portable engine, for the record
        runs["gonogo (2 workers, RE2 prefilter)"] = gonogo_argv(tree, 2)
    if args.quick:
        runs = {
            k: v for k, v in runs.items() if "detector patterns" not in k and "1 process" not in k
        }
    tries: dict[str, list[Run]] = {name: [] for name in runs}
    for _ in range(args.repeat):  # in turn, so a change of load falls on every tool alike
        for name, argv in runs.items():
            env = {ENGINE_ENV: "re2"} if "RE2 prefilter" in name else None
            tries[name].append(timed(argv, env=env))
    for name in runs:
        results[name] = best = min(tries[name], key=wall)
        print(line(name, files, size, best))
    small = build_tree(src, cache, 1)
    one_files, one_size = tree_stats(small)
    one = min((timed(gonogo_argv(small, 2)) for _ in range(args.repeat)), key=wall)
    print(line(f"gonogo, 1 copy ({one_files:,} files)", one_files, one_size, one, "(flatness)"))
    ours = results[f"gonogo (2 workers, {ENGINE} prefilter)"]
    for name in [k for k in results if k.startswith("rg")]:
        if name in results:
            theirs = results[name]
            print(
                f"gonogo / {name}: {ours.wall / theirs.wall:.2f}x wall time, "
                f"{ours.cpu / theirs.cpu:.2f}x CPU time"
            )
    if not args.quick:
        sample, _ = sample_tree(src, cache, args.ds_sample)
        s_files, s_size = tree_stats(sample)
        ds = shutil.which("detect-secrets", path=str(REPO / ".venv/bin")) or "detect-secrets"
        peer = timed([ds, "scan", "--all-files", "."], cwd=sample)
        scaled = peer.wall * files / s_files
        print(
            line("detect-secrets", s_files, s_size, peer)
            + f"\n{'':<40} (ran on a sample of {s_files:,} files; the whole tree scaled by file"
            f" count would take about {scaled:.0f} s)"
        )
        print(f"detect-secrets (scaled) / gonogo: {scaled / ours.wall:.0f}x")
    print(f"hits: gonogo {len(json.loads(ours.out)['findings'])}")


def corpus_scores(cache: Path) -> None:
    """Precision and recall of gonogo and detect-secrets on each part of the corpus."""
    ds = shutil.which("detect-secrets", path=str(REPO / ".venv/bin")) or "detect-secrets"
    for part in PARTS:
        corpus = render([part])
        where = cache / f"corpus-{part}"
        shutil.rmtree(where, ignore_errors=True)
        corpus.write(where)
        ours = json.loads(timed([GONOGO, "secrets", str(where), "--format", "json"]).out)
        found = [(f["path"], f["line"], f["rule"]) for f in ours["findings"]]
        theirs = json.loads(timed([ds, "scan", "--all-files", "."], cwd=where).out)
        peer = [
            (path, item["line_number"], item["type"])
            for path, items in theirs["results"].items()
            for item in items
        ]
        print(_scored(f"gonogo, {part}", corpus, found))
        print(_scored(f"detect-secrets, {part}", corpus, peer))


def _scored(name: str, corpus: Corpus, found: list[tuple[str, int, str]]) -> str:
    result = score(corpus, found)
    return (
        f"{name:<28} precision {result.tp}/{result.tp + len(result.fp)} = "
        f"{result.precision:.3f}, recall {result.tp}/{result.positives} = {result.recall:.3f} "
        f"({len(corpus.files)} files, {len(corpus.negatives)} hard negatives)"
    )


def wall(run: Run) -> float:
    return run.wall


if __name__ == "__main__":
    main()
