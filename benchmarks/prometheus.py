"""200 `prometheus` checks against a local Prometheus, beside `curl` asking the same
queries in the same run.

    .venv/bin/python benchmarks/prometheus.py [--checks 200] [--repeat 3]

A real Prometheus (Debian's package, started the way the tests start it) scrapes an
exporter of 20 labelled gauges every 500 ms; each check asks a different instant query
(`sum(bench_gauge{shard="N"}) + I`) and judges it. Figures, medians of `--repeat` runs:

- gonogo in-process (`run_plan`, plan already loaded) with 16 checks at a time and with 1;
- the whole `gonogo check` CLI (interpreter start, plan load, reports written);
- httpx (the HTTP library gonogo uses) with one keep-alive client, queries in sequence,
  uncompressed as gonogo asks (curl does not ask for compression either);
- curl: one process per query in sequence, one process for all queries (keep-alive, the
  fastest an HTTP client can ask), and 16 processes at a time (`xargs -P 16`).

Per-check overhead is gonogo's sequential time per check minus curl's (and httpx's) per
query on one keep-alive connection: what a fresh connection per check, judging, evidence
and the engine add to the HTTP round trip.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

import prom_helpers  # noqa: E402
import services  # noqa: E402
from gonogo.engine.scheduler import RunOptions, run_plan  # noqa: E402
from gonogo.models import GitInfo  # noqa: E402
from gonogo.plan.loader import parse_plan  # noqa: E402
from gonogo.probes.registry import BUILTIN  # noqa: E402

SHARDS = 20


def start() -> prom_helpers.Prom:
    url = services.shared(services.PROMETHEUS)
    exporter = prom_helpers.Exporter()
    with exporter.batch():
        for shard in range(SHARDS):
            exporter.gauge("bench_gauge", float(shard), {"shard": str(shard)})
    listing = services.prometheus_targets() / f"bench-{os.getpid()}.json"
    listing.write_text(json.dumps([{"targets": [exporter.address]}]))
    prom = prom_helpers.Prom(url, exporter)
    prom.wait(
        f"count(bench_gauge{{instance='{exporter.address}'}})",
        lambda r: bool(r) and r[0]["value"][1] == str(SHARDS),
    )
    return prom


def queries(n: int) -> list[str]:
    return [f'sum(bench_gauge{{shard="{i % SHARDS}"}}) + {i}' for i in range(n)]


def plan_text(url: str, qs: list[str]) -> str:
    checks = "\n".join(
        f"      - {{id: q{i}, kind: prometheus, url: '{url}', query: {json.dumps(q)}, "
        f"max: {i + SHARDS}}}"
        for i, q in enumerate(qs)
    )
    return (
        f"project: bench\ndefaults: {{timeout: 30s}}\ngates:\n  - id: live\n    checks:\n{checks}\n"
    )


def timed(fn: Callable[[], object], repeat: int) -> float:
    walls = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        walls.append(time.perf_counter() - t0)
    return statistics.median(walls)


def gonogo_inprocess(text: str, jobs: int, root: Path) -> Callable[[], object]:
    plan = parse_plan(text, BUILTIN, source="bench.yaml")

    def go() -> None:
        opts = RunOptions(jobs=jobs, environ={}, git=GitInfo())
        report = asyncio.run(run_plan(plan, root, BUILTIN, opts))
        bad = [c for c in report.checks if c.status.value != "pass"]
        assert not bad, bad[0].message

    return go


def gonogo_cli(plan: Path, root: Path) -> Callable[[], object]:
    exe = str(Path(sys.executable).with_name("gonogo"))
    argv = [exe, "check", str(root), "-p", str(plan), "--no-history", "-q"]
    argv += ["--format", "json", "-o", os.devnull]

    def go() -> None:
        done = subprocess.run(argv, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode()[-400:]

    return go


def httpx_shared(urls: list[str]) -> Callable[[], object]:
    """The HTTP library gonogo uses, one keep-alive client, queries in sequence, JSON parsed."""
    import httpx

    async def ask() -> None:
        headers = {"Accept-Encoding": "identity"}  # as gonogo asks
        async with httpx.AsyncClient(trust_env=False, headers=headers) as client:
            for u in urls:
                (await client.get(u)).json()

    return lambda: asyncio.run(ask())


def curl_urls(url: str, qs: list[str]) -> list[str]:
    return [f"{url}/api/v1/query?{urllib.parse.urlencode({'query': q})}" for q in qs]


def curl_each(curl: str, urls: list[str]) -> Callable[[], object]:
    def go() -> None:
        for u in urls:
            subprocess.run([curl, "-sf", "-o", os.devnull, u], check=True)

    return go


def curl_one_process(curl: str, urls: list[str], config: Path) -> Callable[[], object]:
    config.write_text("".join(f'url = "{u}"\noutput = "/dev/null"\n' for u in urls))

    def go() -> None:
        subprocess.run([curl, "-sf", "-K", str(config)], check=True)

    return go


def curl_parallel(curl: str, urls: list[str], jobs: int, listing: Path) -> Callable[[], object]:
    listing.write_text("\n".join(urls) + "\n")

    def go() -> None:
        cmd = ["xargs", "-P", str(jobs), "-n", "1", curl, "-sf", "-o", os.devnull]
        with listing.open() as stdin:
            subprocess.run(cmd, stdin=stdin, check=True)

    return go


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--checks", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    curl = shutil.which("curl")
    if curl is None:
        sys.exit("benchmarks/prometheus.py: curl is not on PATH")
    prom = start()
    n = args.checks
    qs = queries(n)
    urls = curl_urls(prom.url, qs)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        text = plan_text(prom.url, qs)
        (root / "bench.yaml").write_text(text)
        rows = [
            ("gonogo in-process, 16 at a time", gonogo_inprocess(text, 16, root)),
            ("gonogo in-process, 1 at a time", gonogo_inprocess(text, 1, root)),
            ("gonogo check (CLI, 16 at a time)", gonogo_cli(root / "bench.yaml", root)),
            ("httpx, one keep-alive client", httpx_shared(urls)),
            ("curl, one process per query", curl_each(curl, urls)),
            ("curl, one keep-alive process", curl_one_process(curl, urls, root / "curl.cfg")),
            ("curl, 16 processes at a time", curl_parallel(curl, urls, 16, root / "urls")),
        ]
        for _, fn in rows:  # warm: imports, page cache, Prometheus's query path
            fn()
        walls = {label: timed(fn, args.repeat) for label, fn in rows}
    print(f"{n} prometheus checks, median of {args.repeat} runs, Prometheus {prom.url}")
    print(f"{'':<36} {'wall':>9} {'per check':>11}")
    for label, wall in walls.items():
        print(f"{label:<36} {wall:>8.3f}s {wall / n * 1000:>9.2f}ms")
    seq = walls["gonogo in-process, 1 at a time"] / n
    http = walls["curl, one keep-alive process"] / n
    lib = walls["httpx, one keep-alive client"] / n
    print(f"per-check overhead over curl's keep-alive round trip: {(seq - http) * 1000:.2f} ms")
    print(f"per-check overhead over httpx's keep-alive round trip: {(seq - lib) * 1000:.2f} ms")
    par = walls["gonogo in-process, 16 at a time"] / walls["curl, 16 processes at a time"]
    print(f"gonogo 16 at a time vs curl 16 processes at a time: {par:.2f}x the wall time")
    prom.exporter.close()


if __name__ == "__main__":
    main()
