"""`gonogo history`: recorded runs, per-gate trend sparklines, and flaky checks."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gonogo.models import TrendPoint
    from gonogo.store import HistoryReader, RunRow
    from gonogo.store.flaky import Flaky

BARS = "▁▂▃▄▅▆▇█"


def add_parser(sub: Any) -> None:
    from gonogo.cli.common import add_project, add_store_option

    p = sub.add_parser("history", help="recorded runs, gate trends and flaky checks")
    add_project(p)
    add_store_option(p)
    p.add_argument("--gate", metavar="ID", help="only runs that judged this gate, with its figures")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="runs shown (default: 20)")
    p.add_argument("--flaky", action="store_true", help="list flaky checks instead of runs")
    p.add_argument("--format", choices=["term", "json"], default="term")
    p.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from gonogo.errors import UsageError

    if args.limit < 1:
        raise UsageError("--limit must be at least 1")
    from gonogo.cli.common import open_existing, project_path

    store = open_existing(args, project_path(args))
    if store is None:
        print("no runs recorded yet (run `gonogo check` first)")
        return 0
    try:
        if args.flaky:
            return _flaky(store, args)
        rows = store.runs(args.limit, gate=args.gate)
        gate_ids = [args.gate] if args.gate else _gate_ids(rows)
        trends = store.trends(gate_ids, args.limit)
    finally:
        store.close()
    if args.format == "json":
        print(json.dumps(_json(rows, trends), indent=2))
    elif not rows:
        where = f" for gate {args.gate}" if args.gate else ""
        print(f"no runs recorded{where}")
    else:
        print(render_runs(rows, trends, gate=args.gate))
    return 0


def _gate_ids(rows: Sequence[RunRow]) -> list[str]:
    seen: dict[str, None] = {}
    for r in rows:
        for g in r.gates:
            seen.setdefault(g.gate_id, None)
    return list(seen)


def sparkline(rates: Sequence[float | None]) -> str:
    """One character per run: the pass rate as a bar height, `·` for an empty gate."""
    return "".join(
        "·" if r is None else BARS[min(len(BARS) - 1, int(r / 100 * len(BARS)))] for r in rates
    )


def _pct(rate: float | None) -> str:
    return "empty" if rate is None else f"{rate:g}%"


def render_runs(
    rows: Sequence[RunRow], trends: dict[str, list[TrendPoint]], gate: str | None = None
) -> str:
    from gonogo.durations import format_duration

    head = ["run", "started", "commit", "branch", "verdict", "pass rate", "duration", "checks"]
    table = [head]
    for r in rows:
        verdict, rate = r.verdict, r.pass_rate
        if gate is not None and r.gates:
            verdict, rate = r.gates[0].verdict, r.gates[0].pass_rate
        commit = (r.commit or "-")[:8] + ("+" if r.dirty else "")
        cells = [r.run_id[:12], r.started_at, commit, r.branch or "-", verdict, _pct(rate)]
        table.append([*cells, format_duration(r.duration_s), str(r.checks)])
    out = _columns(table)
    out += ["", "gate trend (pass rate per run, oldest → newest)"]
    trend_rows = [["gate", "trend", "last", "GO runs"]]
    for gid, points in trends.items():
        go = sum(p.verdict == "GO" for p in points)
        last = _pct(points[-1].pass_rate) if points else "-"
        trend_rows.append(
            [gid, sparkline([p.pass_rate for p in points]), last, f"{go}/{len(points)}"]
        )
    out += _columns(trend_rows)
    return "\n".join(out)


def _columns(table: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    return [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in table
    ]


def _json(rows: Sequence[RunRow], trends: dict[str, list[TrendPoint]]) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "runs": [asdict(r) for r in rows],
        "trends": {g: [asdict(p) for p in pts] for g, pts in trends.items()},
    }


def _flaky(store: HistoryReader, args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from gonogo.store.flaky import flaky_in_store

    found = flaky_in_store(store, runs=args.limit)
    if args.format == "json":
        print(json.dumps([asdict(f) for f in found], indent=2))
        return 0
    if not found:
        print(f"no flaky checks in the last {args.limit} runs")
        return 0
    print(render_flaky(found))
    return 0


def render_flaky(found: Sequence[Flaky]) -> str:
    table = [["check", "commit", "flips", "statuses (oldest → newest, last 10 runs on the commit)"]]
    for f in found:
        table.append(
            [f.check_id, f.commit[:8], str(f.flips), " ".join(s.value for s in f.statuses)]
        )
    return "\n".join(_columns(table))
