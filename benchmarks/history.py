"""History figures: `gonogo history` / `gonogo diff` over 10,000 runs × 50 checks, and the
cost of recording a 1,000-check run.

    .venv/bin/python benchmarks/history.py [--runs 10000] [--checks 50]

Prints the library-call times (open store, query, render: what a command adds to the
interpreter) and the wall time of the real CLI in a subprocess (interpreter start and
imports included; bytecode caching on, as after a normal install). The peer for
recording is the floor: the same rows written with the stdlib sqlite3 module directly.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from gonogo.cli.diff import compare
from gonogo.cli.diff import render as render_diff
from gonogo.cli.history import render_runs
from gonogo.models import CheckResult, Finding, GateReport, GitInfo, RunReport, Status, Verdict
from gonogo.store import open_reader
from gonogo.store.codec import run_values
from gonogo.store.sql import SqlStore, write_run

GATES = 5


def make_run(n: int, checks: int, commit: str) -> RunReport:
    per_gate = max(1, checks // GATES)
    results = []
    for i in range(checks):
        failing = (i * 7 + n) % 23 == 0
        results.append(
            CheckResult(
                check_id=f"check-{i:04d}",
                gate=f"gate-{min(i // per_gate, GATES - 1)}",
                kind="file.exists",
                priority="P1",
                status=Status.FAIL if failing else Status.PASS,
                message=f"check {i} {'failed' if failing else 'passed'} on run {n}",
                duration_s=0.002,
                evidence={"path": f"src/module_{i}.py", "size": 1024 + i},
                findings=(Finding("demo.rule", "seen here", f"src/module_{i}.py", 10),)
                if failing
                else (),
            )
        )
    gates = []
    for g in range(GATES):
        mine = [r for r in results if r.gate == f"gate-{g}"]
        passed = sum(r.status is Status.PASS for r in mine)
        rate = round(100 * passed / len(mine), 1)
        verdict = Verdict.GO if passed == len(mine) else Verdict.NO_GO
        gates.append(
            GateReport(
                f"gate-{g}", f"Gate {g}", verdict, rate, passed, len(mine), 0, 0, 100.0, (), ()
            )
        )
    passed = sum(r.status is Status.PASS for r in results)
    return RunReport(
        project="bench",
        run_id=uuid.uuid4().hex,
        started_at=f"2026-01-{1 + n // 1440 % 28:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00Z",
        duration_s=1.0,
        git=GitInfo(commit, "main", False),
        verdict=Verdict.GO if passed == len(results) else Verdict.NO_GO,
        pass_rate=round(100 * passed / len(results), 1),
        gates=tuple(gates),
        checks=tuple(results),
        plan_hash="benchplan",
        plan_source="gonogo.yaml",
        root="/bench",
    )


def populate(store: SqlStore, runs: int, checks: int) -> float:
    t0 = time.perf_counter()
    batch = 250
    for start in range(0, runs, batch):
        with store._writer.begin() as conn:
            for n in range(start, min(runs, start + batch)):
                write_run(conn, make_run(n, checks, commit=f"{n // 20:040x}"))
    return time.perf_counter() - t0


def median_ms(fn: Callable[[], object], repeat: int = 7) -> float:
    fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def cli_ms(args: list[str], repeat: int = 5) -> float:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["NO_COLOR"] = "1"

    def run() -> None:
        proc = subprocess.run([sys.executable, *args], env=env, capture_output=True, check=False)
        if proc.returncode != 0:
            raise SystemExit(f"{args} failed: {proc.stderr.decode()[:500]}")

    run()  # writes bytecode caches, like a normal install has
    return median_ms(run, repeat)


def sqlite_floor(path: Path, report: RunReport) -> Callable[[], None]:
    """The same rows through the stdlib sqlite3 module: the cost of the data itself."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    run_v, _, check_v = run_values(report)
    db.execute(
        "CREATE TABLE IF NOT EXISTS r (seq INTEGER PRIMARY KEY, run_id TEXT UNIQUE, body TEXT)"
    )
    cols = list(check_v[0])
    db.execute(
        f"CREATE TABLE IF NOT EXISTS c (run_seq INT, {', '.join(cols)}, "
        "PRIMARY KEY (run_seq, check_id))"
    )
    marks = ", ".join("?" for _ in cols)

    def write() -> None:
        db.execute("BEGIN IMMEDIATE")
        cur = db.execute(
            "INSERT INTO r (run_id, body) VALUES (?, ?)", (uuid.uuid4().hex, str(run_v))
        )
        seq = cur.lastrowid
        db.executemany(
            f"INSERT INTO c (run_seq, {', '.join(cols)}) VALUES (?, {marks})",
            [(seq, *c.values()) for c in check_v],
        )
        db.execute("COMMIT")

    return write


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--checks", type=int, default=50)
    opts = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="gonogo-bench-"))
    try:
        url = f"sqlite:///{tmp}/.gonogo/history.db"
        store = SqlStore.open(url)
        took = populate(store, opts.runs, opts.checks)
        size = (tmp / ".gonogo" / "history.db").stat().st_size / 1e6
        shape = f"{opts.runs:,} runs × {opts.checks} checks"
        print(f"history: {shape} written in {took:.1f} s ({size:.0f} MB)")

        def history() -> str:
            s = open_reader(url)  # what `gonogo history` opens
            rows = s.runs(20)
            text = render_runs(rows, s.trends([g.gate_id for g in rows[0].gates], 20))
            s.close()
            return text

        def diff() -> str:
            s = open_reader(url)
            b, a = s.latest_ids(2)
            older, newer = s.get(a), s.get(b)
            s.close()
            return render_diff(older, newer, compare(older, newer))

        lib = "(library: open + query + render)"
        print(f"gonogo history {lib}: {median_ms(history):7.1f} ms   target < 200 ms")
        print(f"gonogo diff    {lib}: {median_ms(diff):7.1f} ms   target < 200 ms")

        big = [make_run(n, 1000, "f" * 40) for n in range(8)]
        it = iter(big)
        record = median_ms(lambda: store.record(next(it)), repeat=7)
        floor = sqlite_floor(tmp / "floor.db", big[0])
        raw = median_ms(floor, repeat=7)
        print(
            f"record a 1,000-check run (one transaction):      {record:7.1f} ms   target < 100 ms"
        )
        ratio = f"ratio {record / raw:.1f}×"
        print(f"  peer floor, same rows via stdlib sqlite3:      {raw:7.1f} ms   {ratio}")
        store.close()

        root = str(tmp)
        h = cli_ms(["-m", "gonogo", "history", "-C", root])
        d = cli_ms(["-m", "gonogo", "diff", "-C", root])
        v = cli_ms(["-m", "gonogo", "--version"])
        sa = cli_ms(["-c", "import sqlalchemy"])
        print(f"CLI wall time, interpreter start included: history {h:.0f} ms, diff {d:.0f} ms")
        scale = f"`gonogo --version` {v:.0f} ms; `python -c 'import sqlalchemy'` {sa:.0f} ms"
        print(f"  for scale: {scale}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
