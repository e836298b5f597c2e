"""The pages: `/` the fleet overview, `/projects/{p}` a project, its runs (the HTML
report), diffs and `report.md`. Server-rendered; `/events` tells open pages to refresh
their live part."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, Response, StreamingResponse

from gonogo.models import RunReport, blockers
from gonogo.report import RenderOptions, render
from gonogo.report.html import TREND_RUNS, chart
from gonogo.report.rundiff import SECTIONS, compare
from gonogo.server import auth, fleetview, queries
from gonogo.server.api_ingest import ProjectPath
from gonogo.server.context import Context, ctx
from gonogo.server.render import SECURITY_HEADERS, page

router = APIRouter(include_in_schema=False)
Who = Annotated[auth.Principal, Depends(auth.reader)]
Opt = Annotated[str | None, Query(max_length=255)]
RunRef = Annotated[str | None, Query(pattern=r"^[0-9a-f][0-9a-f-]{0,63}$")]
SHOWN_MAX = 250  # rows of the matrix; NO-GO first, filters narrow the rest
RECENT_RUNS = 20


@router.get("/", response_class=HTMLResponse)
def overview(
    request: Request, who: Who, owner: Opt = None, tag: Opt = None, gate: Opt = None, q: Opt = None
) -> HTMLResponse:
    c = ctx(request)
    with c.db.read() as conn:
        states = queries.fleet(conn)
    f = fleetview.Filters(owner or None, tag or None, gate or None, q or None)
    kept = fleetview.ordered(states, f)
    now, days = c.now(), c.settings.stale_days
    owners, tags = fleetview.owners_and_tags(states)
    columns = fleetview.gate_columns(kept, f)
    return page(
        request,
        "overview.html.j2",
        who=who,
        rows=fleetview.matrix(kept[:SHOWN_MAX], columns, now, days),
        shown=min(len(kept), SHOWN_MAX),
        total=len(kept),
        filters=f,
        columns=columns,
        all_gates=fleetview.gate_columns(states, fleetview.Filters()),
        owners=owners,
        tags=tags,
        summary=fleetview.summary(kept, now, days),
    )


def _state(c: Context, project: str) -> queries.ProjectState:
    with c.db.read() as conn:
        found = queries.fleet(conn, project)
    if not found:
        raise HTTPException(404, f"no project {project!r} on this server")
    return found[0]


def _charts(
    state: queries.ProjectState, trends: dict[str, list[dict[str, Any]]]
) -> tuple[dict[str, Any], dict[str, Any]]:
    charts, dates = {}, {}
    for g in state.gates:
        points = trends.get(g["id"], [])
        series = [
            (f"{p['run_id'][:8]} {p['started_at']}", p["verdict"], p["pass_rate"]) for p in points
        ]
        charts[g["id"]] = chart(series, g["threshold"])
        dates[g["id"]] = (points[0]["started_at"], points[-1]["started_at"]) if points else None
    return charts, dates


def _waivers(report: RunReport | None, today: dt.date) -> list[dict[str, Any]]:
    out = []
    for c in report.checks if report is not None else ():
        if not c.waiver:
            continue
        w = dict(c.waiver)
        try:
            left: int | None = (dt.date.fromisoformat(str(w.get("expires"))) - today).days
        except ValueError:
            left = None
        out.append(
            {
                "check": c.check_id,
                "owner": w.get("owner"),
                "reason": w.get("reason"),
                "expires": w.get("expires"),
                "days_left": left,
            }
        )
    return sorted(out, key=lambda w: (w["days_left"] is None, w["days_left"] or 0))


def _project_values(c: Context, project: str) -> dict[str, Any]:
    state = _state(c, project)
    with c.db.read() as conn:
        branches = queries.branches(conn, project)
        runs = queries.runs(conn, project, limit=RECENT_RUNS)
        trends = queries.trends(conn, project, state.branch, TREND_RUNS)
        given = (
            queries.approvals(conn, project, state.commit, state.plan_hash) if state.commit else []
        )
    latest = c.db.store.get(state.run_id) if state.run_id else None
    charts, dates = _charts(state, trends)
    today = dt.datetime.fromtimestamp(c.now(), dt.UTC).date()
    return {
        "s": state,
        "branches": branches,
        "runs": runs,
        "gates": state.gates,
        "charts": charts,
        "dates": dates,
        "blockers": blockers(latest.checks) if latest else [],
        "waivers": _waivers(latest, today),
        "signoff": queries.gate_approvals(latest, given),
        "live_project": project,
    }


@router.get("/projects/{project}", response_class=HTMLResponse)
def project_page(request: Request, who: Who, project: str = ProjectPath) -> HTMLResponse:
    return page(request, "project.html.j2", who=who, **_project_values(ctx(request), project))


@router.get("/projects/{project}/runs/{run_id}", response_class=HTMLResponse)
def run_page(request: Request, who: Who, run_id: str, project: str = ProjectPath) -> HTMLResponse:
    c = ctx(request)
    report = _report(c, project, run_id)
    with c.db.read() as conn:
        trends = queries.trends(conn, project, report.git.branch, TREND_RUNS)
    points = {g: [_point(p) for p in ps] for g, ps in trends.items()}
    html = render(report, "html", RenderOptions(trends=points))
    return HTMLResponse(html, headers=SECURITY_HEADERS)


def _point(p: dict[str, Any]) -> Any:
    from gonogo.models import TrendPoint

    return TrendPoint(p["run_id"], p["started_at"], p["verdict"], p["pass_rate"])


def _report(c: Context, project: str, run_id: str) -> RunReport:
    try:
        return queries.report(c.db.store, project, run_id)
    except LookupError as exc:
        raise HTTPException(404, str(exc.args[0])) from None


@router.get("/projects/{project}/diff", response_class=HTMLResponse)
def diff_page(
    request: Request, who: Who, a: RunRef = None, b: RunRef = None, project: str = ProjectPath
) -> HTMLResponse:
    c = ctx(request)
    if not (a and b):
        with c.db.read() as conn:
            recent = [r["run_id"] for r in queries.runs(conn, project, limit=2)]
        if len(recent) < 2:
            raise HTTPException(404, f"project {project} has fewer than two runs to compare")
        b, a = b or recent[0], a or recent[1]
    older, newer = _report(c, project, a), _report(c, project, b)
    d = asdict(compare(older, newer))
    return page(
        request,
        "diff.html.j2",
        who=who,
        project=project,
        a=older,
        b=newer,
        diff=d,
        sections=SECTIONS,
        any_change=any(d.values()),
    )


@router.get("/projects/{project}/report.md", response_class=PlainTextResponse)
def report_md(request: Request, who: Who, project: str = ProjectPath) -> Response:
    c = ctx(request)
    state = _state(c, project)
    if state.run_id is None:
        raise HTTPException(404, f"project {project} has no run yet")
    text = render(_report(c, project, state.run_id), "md")
    return Response(
        text, media_type="text/markdown; charset=utf-8", headers={"Cache-Control": "no-cache"}
    )


@router.get("/events")
async def events(request: Request, project: Opt = None) -> StreamingResponse:
    await run_in_threadpool(auth.reader, request)
    stream = ctx(request).hub.stream(project or None)
    headers = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
    return StreamingResponse(stream, media_type="text/event-stream", headers=headers)
