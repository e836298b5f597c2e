"""The API's writes besides ingest: log in and out, approve and revoke, project settings.
Each names the role it needs; a cookie session must send its CSRF token."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import update

from gonogo.server import audit, auth
from gonogo.server.api_ingest import ProjectPath
from gonogo.server.config import iso
from gonogo.server.context import Context, ctx
from gonogo.server.queries import ProjectState, fleet
from gonogo.server.sessions import begin, end
from gonogo.server.signoff import SignoffError, approve, revoke
from gonogo.store import server_tables as st

router = APIRouter(tags=["write"])
Name = Annotated[str, Field(min_length=1, max_length=255)]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(_Body):
    name: Name
    password: Annotated[str, Field(min_length=1, max_length=1024)]


class SignoffIn(_Body):
    gate: Name
    role: Name
    commit: Annotated[str | None, Field(pattern="^[0-9a-f]{4,64}$")] = None
    plan_hash: Annotated[str | None, Field(max_length=64)] = None
    note: Annotated[str | None, Field(max_length=2000)] = None


class ProjectIn(_Body):
    owner: Annotated[str | None, Field(max_length=255)] = None
    tags: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=64)]] | None, Field(max_length=50)
    ] = None
    default_branch: Annotated[str | None, Field(max_length=255)] = None


@router.post("/api/v1/session", summary="Log in: sets the session cookie, returns its CSRF token")
async def login(request: Request, body: LoginIn) -> JSONResponse:
    c = ctx(request)
    token, csrf, user = await run_in_threadpool(begin, c, request, body.name, body.password)
    resp = JSONResponse({"user": user.name, "role": user.role, "csrf": csrf})
    auth_cookie(resp, c, token)
    return resp


@router.delete("/api/v1/session", summary="Log out")
def logout(request: Request) -> JSONResponse:
    end(ctx(request), request)
    resp = JSONResponse({"logged_out": True})
    resp.delete_cookie(auth.SESSION_COOKIE, path="/")
    return resp


def auth_cookie(resp: Response, c: Context, token: str) -> None:
    resp.set_cookie(
        auth.SESSION_COOKIE,
        token,
        max_age=int(c.settings.session_hours * 3600),
        path="/",
        secure=c.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )


def _target(c: Context, project: str, body: SignoffIn) -> tuple[str, str]:
    found = fleet_state(c, project)
    commit = body.commit or found.commit
    plan_hash = body.plan_hash if body.plan_hash is not None else found.plan_hash
    if not commit:
        raise HTTPException(422, f"project {project}'s latest run has no commit; name one")
    return commit, plan_hash or ""


def fleet_state(c: Context, project: str) -> ProjectState:
    with c.db.read() as conn:
        found = fleet(conn, project)
    if not found:
        raise HTTPException(404, f"no project {project!r} on this server")
    return found[0]


@router.post(
    "/api/v1/projects/{project}/approvals",
    status_code=201,
    summary="Approve a gate for a commit and plan",
)
def post_approval(request: Request, body: SignoffIn, project: str = ProjectPath) -> JSONResponse:
    c = ctx(request)
    user = auth.writer(request, "approver")
    commit, plan_hash = _target(c, project, body)
    try:
        a, new = approve(
            c.db,
            user,
            project,
            body.gate,
            body.role,
            commit,
            plan_hash,
            note=body.note,
            now=c.now(),
        )
    except SignoffError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    c.hub.publish({"project": project, "approval": body.gate})
    return JSONResponse({"approval": asdict(a), "created": new}, status_code=201 if new else 200)


@router.post("/api/v1/projects/{project}/approvals/revoke", summary="Revoke a gate's approval")
def post_revoke(request: Request, body: SignoffIn, project: str = ProjectPath) -> JSONResponse:
    c = ctx(request)
    user = auth.writer(request, "approver")
    commit, plan_hash = _target(c, project, body)
    try:
        n = revoke(c.db, user, project, body.gate, body.role, commit, plan_hash, now=c.now())
    except SignoffError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    c.hub.publish({"project": project, "approval": body.gate})
    return JSONResponse({"revoked": n, "gate": body.gate, "role": body.role, "commit": commit})


@router.patch("/api/v1/projects/{project}", summary="Set a project's owner, tags or default branch")
def patch_project(request: Request, body: ProjectIn, project: str = ProjectPath) -> JSONResponse:
    c = ctx(request)
    user = auth.writer(request, "maintainer")
    fleet_state(c, project)
    changes = body.model_dump(exclude_unset=True)
    if "tags" in changes:
        changes["tags"] = json.dumps(sorted(set(changes["tags"] or [])))
    at = iso(c.now())
    with c.db.write() as conn:
        if changes:
            where = st.projects.c.project == project
            conn.execute(update(st.projects).where(where).values(**changes))
        audit.record(
            conn,
            at=at,
            actor=user.name,
            action="project.update",
            target=project,
            project=project,
            detail=body.model_dump(exclude_unset=True),
        )
    return JSONResponse({"project": project, "updated": sorted(changes)})
