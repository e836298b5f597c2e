"""Team server figures, one run, side by side:

- ingest: runs/s of 50-check reports pushed by 20 concurrent clients to a real
  `gonogo serve` (SQLite, holding the seeded fleet below), against the floor: the same
  rows inserted with the stdlib sqlite3 module directly, one transaction per run, an
  executemany per table (goal: at least 0.25x the floor). The floor is measured three
  times during the run (before, between and after the server's figures) and its median
  is the peer, so that other work on the machine weighs on both sides alike. Also shown:
  the floor with multi-row INSERTs (what the server's store does), the CPU the server
  and the clients spent per pushed run, the server's CPU per run against the floor's
  (the steadier comparison when other work shares the machine), and the same pushes
  from httpx clients, which spend several times the CPU of the stdlib's http.client on
  the same two cores;
- pages: overview and project page p50/p95 with 1,000 projects x 100 runs (goal: p95
  under 150 ms);
- the server's resident memory after both (its ingest process included).

    .venv/bin/python benchmarks/server.py [--projects 1000] [--runs 100] [--pushes 1000]
        [--in-process]
"""

from __future__ import annotations

import sys
from pathlib import Path

# benchmarks/secrets.py must not shadow the standard library's `secrets` (tokens use it)
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

import httpx  # noqa: E402

from gonogo.models import CheckResult, GateReport, GitInfo, RunReport, Status, Verdict  # noqa: E402
from gonogo.server import summary, tokens  # noqa: E402
from gonogo.server.db import ServerDB  # noqa: E402
from gonogo.store.codec import run_values  # noqa: E402

GATES = ("infra", "security", "tests", "docs", "release")
CLIENTS = 20
FLOOR_CPU_MS: list[float] = []  # CPU per run of each executemany floor measure


def make_run(project: str, n: int, checks: int, fail_every: int = 7) -> RunReport:
    results = tuple(
        CheckResult(
            check_id=f"check-{i:03d}",
            gate=GATES[i % len(GATES)],
            kind="file.exists",
            priority="P0" if i == 0 else "P2",
            status=Status.FAIL if (i + n) % fail_every == 0 else Status.PASS,
            message=f"check {i} of run {n}: README.md exists at the root",
            owner="team-" + str(i % 4),
            duration_s=0.001,
            evidence={"path": "README.md"},
        )
        for i in range(checks)
    )
    gates = []
    for g in GATES:
        mine = [c for c in results if c.gate == g]
        passed = sum(c.status is Status.PASS for c in mine)
        rate = round(100 * passed / len(mine), 1) if mine else None
        verdict = Verdict.GO if mine and passed == len(mine) else Verdict.NO_GO
        gates.append(GateReport(g, g.title(), verdict, rate, passed, len(mine), 0, 0, 90.0, (), ()))
    passed = sum(c.status is Status.PASS for c in results)
    verdict = Verdict.GO if all(g.verdict is Verdict.GO for g in gates) else Verdict.NO_GO
    return RunReport(
        project=project,
        run_id=uuid.uuid4().hex,
        started_at=f"2026-01-{1 + n // 86400 % 28:02d}T{n // 3600 % 24:02d}:"
        f"{n // 60 % 60:02d}:{n % 60:02d}Z",
        duration_s=1.0,
        git=GitInfo(f"{n:040x}", "main", False),
        verdict=verdict,
        pass_rate=round(100 * passed / len(results), 1),
        gates=tuple(gates),
        checks=results,
        plan_hash="planhash",
        plan_source="gonogo.yaml",
        root="/ci",
    )


def floor_runs_per_s(reports: list[RunReport], path: Path, *, multirow: bool = False) -> float:
    """The same rows with sqlite3 directly: one transaction per run, WAL, as the store."""
    ServerDB.open(f"sqlite:///{path}").close()  # the same schema
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    rows = [run_values(r) for r in reports]
    insert = _insert_multirow if multirow else _insert
    start, cpu = time.perf_counter(), time.process_time()
    for run, gates, checks in rows:
        db.execute("BEGIN IMMEDIATE")
        seq = insert(db, run, gates, checks)
        assert seq
        db.execute("COMMIT")
    elapsed = time.perf_counter() - start
    FLOOR_CPU_MS.append((time.process_time() - cpu) * 1000 / len(reports))
    db.close()
    return len(reports) / elapsed


def _insert_multirow(
    db: sqlite3.Connection, run: dict, gates: list[dict], checks: list[dict]
) -> int:
    cols = ",".join(f'"{k}"' for k in run)
    cur = db.execute(
        f"INSERT INTO gonogo_runs ({cols}) VALUES ({','.join('?' * len(run))})", list(run.values())
    )
    seq = int(cur.lastrowid or 0)
    for table, items in (("gonogo_gate_results", gates), ("gonogo_check_results", checks)):
        keys = ["run_seq", *items[0]] if items else []
        for start in range(0, len(items), 32):
            chunk = items[start : start + 32]
            row = "(" + ",".join("?" * len(keys)) + ")"
            sql = f"INSERT INTO {table} ({','.join(keys)}) VALUES {','.join([row] * len(chunk))}"
            db.execute(sql, [v for i in chunk for v in (seq, *i.values())])
    return seq


class Floors:
    """The floor, measured again at each `measure()` on a fresh database file; `median`
    is the peer figure."""

    def __init__(self, work: Path, pushes: int) -> None:
        self.work, self.pushes = work, pushes
        self.plain: list[float] = []
        self.multirow: list[float] = []
        self.cpu_ms: list[float] = []

    def measure(self) -> None:
        n = len(self.plain)
        runs = [make_run("floor", i, 50) for i in range(self.pushes)]
        self.plain.append(floor_runs_per_s(runs, self.work / f"floor-{n}.db"))
        self.cpu_ms.append(FLOOR_CPU_MS[-1])
        runs = [make_run("floor", i, 50) for i in range(self.pushes)]
        self.multirow.append(floor_runs_per_s(runs, self.work / f"multi-{n}.db", multirow=True))

    @staticmethod
    def median(values: list[float]) -> float:
        return statistics.median(values)


def _insert(db: sqlite3.Connection, run: dict, gates: list[dict], checks: list[dict]) -> int:
    cols = ",".join(f'"{k}"' for k in run)
    cur = db.execute(
        f"INSERT INTO gonogo_runs ({cols}) VALUES ({','.join('?' * len(run))})", list(run.values())
    )
    seq = int(cur.lastrowid or 0)
    for table, items in (("gonogo_gate_results", gates), ("gonogo_check_results", checks)):
        if items:
            keys = ["run_seq", *items[0]]
            sql = f"INSERT INTO {table} ({','.join(keys)}) VALUES ({','.join('?' * len(keys))})"
            db.executemany(sql, [[seq, *i.values()] for i in items])
    return seq


def start_server(url: str, log: Path, port: int, *extra: str) -> subprocess.Popen[bytes]:
    cmd = [
        sys.executable,
        "-m",
        "gonogo",
        "serve",
        "--store",
        url,
        "--port",
        str(port),
        "--public-read",
        *extra,
    ]
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    for _ in range(600):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.05)
    raise SystemExit(f"the server did not start: {log.read_text()[-1000:]}")


def ingest_runs_per_s(base: str, token: str, reports: list[RunReport]) -> float:
    """20 clients, each on one keep-alive connection (http.client), pushing its share."""
    host, port = base.removeprefix("http://").split(":")
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def push(mine: list[bytes], errors: list[int]) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=120)
        for b in mine:
            conn.request("POST", "/api/v1/projects/ingest/runs", body=b, headers=headers)
            resp = conn.getresponse()
            resp.read()
            if resp.status != 201:
                errors.append(resp.status)
        conn.close()

    return _concurrently(reports, push)


def ingest_httpx_runs_per_s(base: str, token: str, reports: list[RunReport]) -> float:
    """The same with an httpx client per thread."""

    def push(mine: list[bytes], errors: list[int]) -> None:
        with httpx.Client(
            base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120
        ) as c:
            for b in mine:
                resp = c.post("/api/v1/projects/ingest/runs", content=b)
                if resp.status_code != 201:
                    errors.append(resp.status_code)

    return _concurrently(reports, push)


def _concurrently(
    reports: list[RunReport], push: Callable[[list[bytes], list[int]], None]
) -> float:
    bodies = [json.dumps(r.to_dict()).encode() for r in reports]
    share = [bodies[i::CLIENTS] for i in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS + 1)
    errors: list[int] = []

    def client(mine: list[bytes]) -> None:
        barrier.wait()
        push(mine, errors)

    threads = [threading.Thread(target=client, args=(m,)) for m in share]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if errors:
        raise SystemExit(f"{len(errors)} pushes failed: {sorted(set(errors))}")
    return len(reports) / elapsed


@dataclass
class Ingest:
    rate: float
    server_ms: float  # CPU per pushed run
    client_ms: float


def measure_ingest(
    proc: subprocess.Popen[bytes],
    how: Callable[[str, str, list[RunReport]], float],
    base: str,
    token: str,
    reports: list[RunReport],
) -> Ingest:
    cpu0, own0 = cpu_s(proc.pid), time.process_time()
    rate = how(base, token, reports)
    server_ms = (cpu_s(proc.pid) - cpu0) * 1000 / len(reports)
    return Ingest(rate, server_ms, (time.process_time() - own0) * 1000 / len(reports))


def seed_fleet(path: Path, projects: int, runs: int, checks: int) -> None:
    """1,000 projects x 100 runs written straight into the store's tables (as ingest
    would have left them, summaries included), so seeding takes seconds, not hours."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = OFF")
    db.execute("BEGIN")
    for p in range(projects):
        name = f"svc-{p:04d}"
        db.execute(
            "INSERT INTO gonogo_server_projects (project, owner, tags, created_at) "
            "VALUES (?, ?, ?, ?)",
            (
                name,
                f"team-{p % 20}",
                json.dumps(["python" if p % 2 else "go"]),
                "2026-01-01T00:00:00Z",
            ),
        )
        last = None
        for n in range(runs):
            report = make_run(name, n + p, checks, fail_every=5 + p % 11)
            run, gates, checks_ = run_values(report)
            seq = _insert(db, run, gates, checks_)
            last = (report, seq)
        assert last is not None
        row = summary.branch_row(summary.prepare(last[0]), last[1], time.time(), runs)
        db.execute(
            f"INSERT INTO gonogo_server_branches ({','.join(f'{k!r}' for k in row)}) "
            f"VALUES ({','.join('?' * len(row))})",
            list(row.values()),
        )
    db.execute("COMMIT")
    db.close()


def timings(client: httpx.Client, paths: list[str]) -> tuple[float, float]:
    for p in paths[:3]:
        client.get(p)  # warm caches and templates
    samples = []
    for p in paths:
        start = time.perf_counter()
        resp = client.get(p)
        samples.append((time.perf_counter() - start) * 1000)
        assert resp.status_code == 200, (p, resp.status_code)
    samples.sort()
    return statistics.median(samples), samples[int(0.95 * (len(samples) - 1))]


def cpu_s(pid: int) -> float:
    """User + system CPU seconds the process and its live children (the server's ingest
    process, multiprocessing's resource tracker) have used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    own = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return own + sum(cpu_s(child) for child in _children(pid))


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def rss_mb(pid: int) -> float:
    """Resident memory of the process and its live children, as `cpu_s` counts them."""
    own = float("nan")
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            own = int(line.split()[1]) / 1024
    return own + sum(rss_mb(child) for child in _children(pid))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--pushes", type=int, default=1000)
    ap.add_argument("--page-checks", type=int, default=10, help="checks per seeded run")
    ap.add_argument("--samples", type=int, default=60)
    ap.add_argument(
        "--in-process", action="store_true", help="serve with --in-process (no ingest process)"
    )
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="gonogo-server-bench-"))
    floors = Floors(work, args.pushes)
    floors.measure()

    url = f"sqlite:///{work / 'server.db'}"
    db = ServerDB.open(url)
    with db.write() as conn:
        token = tokens.add(conn, "ingest", "ingest", by="bench", at="2026-01-01T00:00:00Z")
    db.close()
    t0 = time.perf_counter()
    seed_fleet(work / "server.db", args.projects, args.runs, args.page_checks)
    seeded_s = time.perf_counter() - t0
    port = 18765 + os.getpid() % 1000
    proc = start_server(url, work / "serve.log", port, *(["--in-process"] * args.in_process))
    base = f"http://127.0.0.1:{port}"
    try:
        lean = measure_ingest(
            proc,
            ingest_runs_per_s,
            base,
            token,
            [make_run("ingest", n, 50) for n in range(args.pushes)],
        )
        floors.measure()
        heavy = measure_ingest(
            proc,
            ingest_httpx_runs_per_s,
            base,
            token,
            [make_run("ingest", n, 50) for n in range(args.pushes)],
        )
        with httpx.Client(base_url=base, timeout=60) as c:
            ov = timings(c, ["/"] * args.samples)
            pr = timings(
                c, [f"/projects/svc-{(i * 37) % args.projects:04d}" for i in range(args.samples)]
            )
            fleet = timings(c, ["/api/v1/projects"] * (args.samples // 2))
        rss = rss_mb(proc.pid)
        floors.measure()
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    floor, multi = floors.median(floors.plain), floors.median(floors.multirow)
    print(
        f"seeded {args.projects} projects x {args.runs} runs ({args.page_checks} checks each) "
        f"in {seeded_s:.1f} s; floors (runs/s): "
        + ", ".join(f"{a:.0f}/{b:.0f}" for a, b in zip(floors.plain, floors.multirow, strict=True))
        + " (executemany/multi-row)"
    )
    print(f"{'measure':<52}{'gonogo serve':>14}{'peer':>12}{'ratio':>9}")
    print(
        f"{'ingest, 50-check runs/s, 20 clients, vs sqlite3':<52}{lean.rate:>14.0f}{floor:>12.0f}"
        f"{lean.rate / floor:>8.2f}x"
    )
    print(
        f"{'  the same vs sqlite3 with multi-row INSERTs':<52}{lean.rate:>14.0f}{multi:>12.0f}"
        f"{lean.rate / multi:>8.2f}x"
    )
    print(
        f"{'  CPU per pushed run, ms: server / clients':<52}{lean.server_ms:>14.2f}"
        f"{lean.client_ms:>12.2f}"
    )
    floor_cpu = floors.median(floors.cpu_ms)
    print(
        f"{'  CPU per run, ms: server vs sqlite3 (floor / server)':<52}{lean.server_ms:>14.2f}"
        f"{floor_cpu:>12.2f}{floor_cpu / lean.server_ms:>8.2f}x"
    )
    print(
        f"{'ingest from 20 httpx clients, runs/s, vs sqlite3':<52}{heavy.rate:>14.0f}{floor:>12.0f}"
        f"{heavy.rate / floor:>8.2f}x"
    )
    print(
        f"{'  CPU per pushed run, ms: server / clients':<52}{heavy.server_ms:>14.2f}"
        f"{heavy.client_ms:>12.2f}"
    )
    print(f"{'overview page p50 / p95 ms':<52}{ov[0]:>7.1f}/{ov[1]:<6.1f}{'goal p95<150':>12}")
    print(f"{'project page p50 / p95 ms':<52}{pr[0]:>7.1f}/{pr[1]:<6.1f}{'goal p95<150':>12}")
    print(
        f"{'/api/v1/projects (1,000 projects) p50 / p95 ms':<52}{fleet[0]:>7.1f}/{fleet[1]:<6.1f}"
    )
    print(f"{'server RSS after the run, MB':<52}{rss:>14.0f}")


if __name__ == "__main__":
    main()
