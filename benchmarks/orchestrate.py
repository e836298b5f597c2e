"""Orchestrator figures: 100 remediation tasks (`touch` a file) whose acceptance check is
`file.exists` on that file, `-j 8`; a cold run (every task runs, acceptance is checked
before and after) and a warm one (everything already accepted).

    .venv/bin/python benchmarks/orchestrate.py [--tasks 100]
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from gonogo.orchestrate.progress import TerminalEvents
from gonogo.orchestrate.session import Request, Session
from gonogo.orchestrate.state import Selection
from gonogo.plan.loader import load_plan
from gonogo.probes.registry import all_probes


def plan_text(n: int) -> str:
    lines = ["gates:", "  - id: fixes", "    checks:"]
    lines += [
        f"      - {{id: c{i}, kind: file.exists, path: done/t{i}, non_empty: false}}"
        for i in range(n)
    ]
    lines.append("tasks:")
    lines += [
        f"  - {{id: t{i}, priority: P{i % 4}, run: [touch, done/t{i}], acceptance: [c{i}]}}"
        for i in range(n)
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tasks", type=int, default=100)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="gonogo-orch-"))
    try:
        (root / "done").mkdir()
        (root / "gonogo.yaml").write_text(plan_text(args.tasks))
        probes = all_probes()
        plan = load_plan(root / "gonogo.yaml", probes)
        for label in ("cold: every task runs", "warm: everything already accepted"):
            t0 = time.perf_counter()
            session = Session(
                Request(root, plan, Selection(), jobs=8),
                probes,
                dict(os.environ),
                TerminalEvents(io.StringIO()),
            )
            out = session.run()
            dt = time.perf_counter() - t0
            print(
                f"{label:36s} {dt:6.2f} s  {1000 * dt / args.tasks:6.1f} ms/task  "
                f"exit {out.exit_code}"
            )
        state = root / ".gonogo/orchestrate.json"
        print(f"state file: {state.stat().st_size:,} bytes")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
