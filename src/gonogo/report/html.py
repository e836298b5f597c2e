"""One self-contained HTML page: verdict banner, gate cards with inline-SVG pass-rate
trends from the history, blockers with file:line findings, approvals, every check.

No external URL, no script: it opens offline, from a CI artifact or an e-mail.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from gonogo.models import Finding, GateReport, RunReport, TrendPoint, Verdict
from gonogo.report import RenderOptions
from gonogo.report.common import blockers, rate_text, summary_line

TREND_RUNS = 30
WIDTH, HEIGHT = 320, 110
LEFT, RIGHT, TOP, BOTTOM = 30, 310, 10, 96


@dataclass(frozen=True, slots=True)
class Point:
    x: float
    y: float
    go: bool
    label: str


@dataclass(frozen=True, slots=True)
class Chart:
    points: tuple[Point, ...]
    line: str
    threshold_y: float
    grid: tuple[tuple[float, str], ...]
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT


def _y(rate: float) -> float:
    return round(BOTTOM - (BOTTOM - TOP) * max(0.0, min(100.0, rate)) / 100, 1)


def chart(series: list[tuple[str, str, float | None]], threshold: float) -> Chart:
    """Pure geometry: (label, verdict, pass rate) per run, oldest first → an SVG chart.
    Empty runs (rate None) get no dot and break nothing."""
    n = len(series)
    step = (RIGHT - LEFT) / max(1, n - 1)
    points = []
    for i, (label, verdict, rate) in enumerate(series):
        if rate is None:
            continue
        x = round(LEFT + (i * step if n > 1 else (RIGHT - LEFT) / 2), 1)
        text = f"{label}: {rate:g}% ({verdict})"
        points.append(Point(x, _y(rate), verdict == Verdict.GO.value, text))
    line = " ".join(f"{p.x},{p.y}" for p in points) if len(points) > 1 else ""
    grid = tuple((_y(v), f"{v}%") for v in (0, 50, 100))
    return Chart(tuple(points), line, _y(threshold), grid)


def _series(
    report: RunReport, gate: GateReport, points: Sequence[TrendPoint]
) -> list[tuple[str, str, float | None]]:
    series: list[tuple[str, str, float | None]] = []
    ids: set[str] = set()
    for p in points[-TREND_RUNS:]:
        series.append((f"{p.run_id[:8]} {p.started_at}", p.verdict, p.pass_rate))
        ids.add(p.run_id)
    if report.run_id not in ids:
        label = f"{report.run_id[:8]} {report.started_at} (this run)"
        series.append((label, gate.verdict.value, gate.pass_rate))
    return series[-TREND_RUNS:]


def _where(f: Finding) -> str:
    if f.path and f.line:
        return f"{f.path}:{f.line}"
    return f.path or ""


def render(report: RunReport, options: RenderOptions) -> str:
    import jinja2

    from gonogo import __version__
    from gonogo.durations import format_duration

    source = resources.files("gonogo.report").joinpath("templates/report.html.j2").read_text()
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    gates = [
        {
            "report": g,
            "go": g.verdict is Verdict.GO,
            "rate": rate_text(g.pass_rate),
            "counted": g.total - g.skipped - g.waived,
            "chart": chart(_series(report, g, options.trends.get(g.gate_id, ())), g.threshold),
        }
        for g in report.gates
    ]
    return env.from_string(source).render(
        r=report,
        go=report.verdict is Verdict.GO,
        summary=summary_line(report),
        duration=format_duration(report.duration_s),
        gates=gates,
        blockers=blockers(report),
        where=_where,
        fmt_duration=format_duration,
        version=__version__,
    )
