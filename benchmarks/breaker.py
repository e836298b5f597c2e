"""40 `http` checks against one dead target, with and without the circuit breaker.

    .venv/bin/python benchmarks/breaker.py [--checks 40] [--jobs 16]

Targets: a local socket that accepts connections and never answers, then a closed port.
Each check: timeout 2 s, retries 2 (backoff 0.5 s doubling). One check's worst case is
3 x 2 s + 0.5 s + 1 s = 7.5 s. Target: with the breaker each run takes under 2x that.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from gonogo.engine.scheduler import CIRCUIT_OPEN, RunOptions, run_plan
from gonogo.models import GitInfo
from gonogo.plan.loader import parse_plan
from gonogo.probes.registry import BUILTIN
from httpserver import Blackhole, closed_port

TIMEOUT_S, RETRIES, BACKOFF_S = 2.0, 2, 0.5
WORST_S = (RETRIES + 1) * TIMEOUT_S + BACKOFF_S + 2 * BACKOFF_S


def plan(base: str, checks: int, threshold: int) -> str:
    rows = "\n".join(f"      - {{id: c{i}, kind: http, url: '{base}/{i}'}}" for i in range(checks))
    return (
        f"version: 1\ndefaults: {{timeout: {TIMEOUT_S:g}s, retries: {RETRIES}, "
        f"backoff: {BACKOFF_S:g}s, breaker: {{threshold: {threshold}, cooldown: 5m}}}}\n"
        f"gates:\n  - id: live\n    checks:\n{rows}\n"
    )


def measure(base: str, checks: int, jobs: int, threshold: int) -> tuple[float, int]:
    p = parse_plan(plan(base, checks, threshold), BUILTIN)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        report = asyncio.run(run_plan(p, Path(tmp), BUILTIN, RunOptions(jobs=jobs, git=GitInfo())))
        wall = time.perf_counter() - t0
    return wall, sum(c.message == CIRCUIT_OPEN for c in report.checks)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--checks", type=int, default=40)
    ap.add_argument("--jobs", type=int, default=16)
    args = ap.parse_args()
    print(
        f"{args.checks} http checks, timeout {TIMEOUT_S:g}s, retries {RETRIES}, "
        f"jobs {args.jobs}; one check's worst case {WORST_S:g}s, target < {2 * WORST_S:g}s"
    )
    print(f"{'target':<34}{'breaker':<10}{'wall s':>8}{'circuit open':>14}{'x worst':>9}")
    with Blackhole() as hole:
        targets = [
            ("accepts, never answers", f"http://127.0.0.1:{hole.port}"),
            ("closed port (refused)", f"http://127.0.0.1:{closed_port()}"),
        ]
        for label, base in targets:
            for name, threshold in (("on (5)", 5), ("off", 10**6)):
                wall, opened = measure(base, args.checks, args.jobs, threshold)
                print(f"{label:<34}{name:<10}{wall:>8.2f}{opened:>14}{wall / WORST_S:>9.2f}")
    socket.setdefaulttimeout(None)


if __name__ == "__main__":
    main()
