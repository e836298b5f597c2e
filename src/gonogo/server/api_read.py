"""The read API (`/api/v1/...`): projects, runs, one run, latest per branch, diffs,
flaky checks, approvals and the fleet summary; JSON, and CSV for the lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from gonogo.report.rundiff import compare
from gonogo.server import auth, fleetview, queries
from gonogo.server.api_ingest import ProjectPath
from gonogo.server.context import Context, ctx
from gonogo.server.formats import listing

router = APIRouter(tags=["read"], dependencies=[Depends(auth.reader)])
Fmt = Annotated[str | None, Query(pattern="^(json|csv)$", description="json (default) or csv")]
RunId = Annotated[str, Query(pattern=r"^[0-9a-f][0-9a-f-]{0,63}$")]
PROJECT_COLUMNS = (
    "project",
    "owner",
    "tags",
    "branch",
    "verdict",
    "pass_rate",
    "run_id",
    "started_at",
    "commit",
    "stale",
    "runs",
)
RUN_COLUMNS = (
    "run_id",
    "started_at",
    "commit",
    "branch",
    "dirty",
    "verdict",
    "pass_rate",
    "checks",
    "duration_s",
    "plan_hash",
)
BRANCH_COLUMNS = (
    "branch",
    "run_id",
    "started_at",
    "commit",
    "verdict",
    "pass_rate",
    "checks",
    "runs",
)
APPROVAL_COLUMNS = (
    "gate_id",
    "role",
    "approver",
    "commit",
    "plan_hash",
    "created_at",
    "note",
    "revoked_at",
    "revoked_by",
)
BLOCKER_COLUMNS = ("project", "check", "gate", "owner", "status", "message")


def _known(c: Context, project: str) -> queries.ProjectState:
    with c.db.read() as conn:
        found = queries.fleet(conn, project)
    if not found:
        raise HTTPException(404, f"no project {project!r} on this server")
    return found[0]


@router.get("/api/v1/projects", summary="Every project with its default branch's latest verdict")
def list_projects(request: Request, format: Fmt = None) -> Response:
    c = ctx(request)
    with c.db.read() as conn:
        states = fleetview.ordered(queries.fleet(conn), fleetview.Filters())
    now, days = c.now(), c.settings.stale_days
    items = [s.to_dict(fleetview.stale(s, now, days)) for s in states]
    return listing(request, {"projects": items}, "projects", PROJECT_COLUMNS)


@router.get("/api/v1/fleet", summary="Counts of GO / NO-GO, stale projects, open P0 blockers")
def fleet_summary(request: Request, format: Fmt = None) -> Response:
    c = ctx(request)
    with c.db.read() as conn:
        states = queries.fleet(conn)
    body = fleetview.summary(states, c.now(), c.settings.stale_days)
    return listing(request, body, "p0_blockers", BLOCKER_COLUMNS)


@router.get("/api/v1/projects/{project}/runs", summary="A project's runs, newest first")
def list_runs(
    request: Request,
    project: str = ProjectPath,
    since: Annotated[
        dt.date | dt.datetime | None, Query(description="runs started at or after")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
    commit: Annotated[
        str | None, Query(pattern="^[0-9a-f]{4,64}$", description="a commit or its prefix")
    ] = None,
    branch: Annotated[str | None, Query(max_length=255)] = None,
    format: Fmt = None,
) -> Response:
    c = ctx(request)
    _known(c, project)
    when = None if since is None else _iso(since)
    with c.db.read() as conn:
        found = queries.runs(conn, project, limit=limit, since=when, commit=commit, branch=branch)
    return listing(request, {"project": project, "runs": found}, "runs", RUN_COLUMNS)


def _iso(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat(timespec="seconds")
    return value.isoformat()


@router.get("/api/v1/projects/{project}/runs/{run_id}", summary="One run, as gonogo.report/v1 JSON")
async def one_run(request: Request, run_id: str, project: str = ProjectPath) -> JSONResponse:
    c = ctx(request)
    report = await run_in_threadpool(_report, c, project, run_id)
    return JSONResponse(report.to_dict())


def _report(c: Context, project: str, run_id: str) -> Any:
    try:
        return queries.report(c.db.store, project, run_id)
    except LookupError as exc:
        raise HTTPException(404, str(exc.args[0])) from None


@router.get("/api/v1/projects/{project}/latest", summary="The latest run of each branch")
def latest(request: Request, project: str = ProjectPath, format: Fmt = None) -> Response:
    c = ctx(request)
    _known(c, project)
    with c.db.read() as conn:
        found = queries.branches(conn, project)
    return listing(request, {"project": project, "branches": found}, "branches", BRANCH_COLUMNS)


@router.get("/api/v1/projects/{project}/diff", summary="What changed between two runs")
def diff(request: Request, a: RunId, b: RunId, project: str = ProjectPath) -> JSONResponse:
    c = ctx(request)
    older, newer = _report(c, project, a), _report(c, project, b)
    return JSONResponse({"a": older.run_id, "b": newer.run_id, **asdict(compare(older, newer))})


@router.get("/api/v1/projects/{project}/flaky", summary="Checks that flipped on one commit")
def flaky(request: Request, project: str = ProjectPath, format: Fmt = None) -> Response:
    c = ctx(request)
    _known(c, project)
    with c.db.read() as conn:
        found = queries.flaky(conn, project)
    return listing(
        request,
        {"project": project, "flaky": found},
        "flaky",
        ("check", "commit", "flips", "statuses"),
    )


@router.get("/api/v1/projects/{project}/approvals", summary="Approvals for a commit and plan")
def approvals(
    request: Request,
    project: str = ProjectPath,
    commit: Annotated[str | None, Query(pattern="^[0-9a-f]{4,64}$")] = None,
    plan_hash: Annotated[str | None, Query(max_length=64)] = None,
    all: Annotated[bool, Query(description="every recorded approval, revoked ones too")] = False,
    format: Fmt = None,
) -> Response:
    c = ctx(request)
    state = _known(c, project)
    commit = commit or state.commit
    plan_hash = plan_hash if plan_hash is not None else state.plan_hash
    with c.db.read() as conn:
        if all:
            found = queries.approvals(conn, project, active_only=False)
        else:
            found = queries.approvals(conn, project, commit, plan_hash)
    body = {
        "project": project,
        "commit": commit,
        "plan_hash": plan_hash,
        "approvals": [asdict(a) for a in found],
    }
    return listing(request, body, "approvals", APPROVAL_COLUMNS)
