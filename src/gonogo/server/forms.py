"""The forms: log in and out, approve and revoke from the project page. Each POST
carries a CSRF token: the session's, or before login a random value that must match
its cookie (double submit)."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse

from gonogo.server import auth
from gonogo.server.api_ingest import ProjectPath
from gonogo.server.api_write import auth_cookie
from gonogo.server.context import ctx
from gonogo.server.render import page
from gonogo.server.sessions import begin, end
from gonogo.server.signoff import SignoffError, approve, revoke

router = APIRouter(include_in_schema=False)
LOGIN_COOKIE = "gonogo_login"
Field = Annotated[str, Form(max_length=2000)]


def _local(path: str) -> str:
    """Only a path on this server may follow a login (no open redirect)."""
    return path if path.startswith("/") and not path.startswith("//") and "\\" not in path else "/"


def _login_page(
    request: Request, next_path: str, error: str | None = None, status: int = 200
) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    resp = page(
        request,
        "login.html.j2",
        status=status,
        login_csrf=token,
        next=_local(next_path),
        error=error,
    )
    c = ctx(request)
    resp.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        path="/login",
        secure=c.settings.secure_cookies,
        httponly=True,
        samesite="strict",
    )
    return resp


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _login_page(request, next)


@router.post("/login")
async def login(
    request: Request, name: Field, password: Field, csrf: Field, next: Field = "/"
) -> HTMLResponse:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected.encode(), csrf.encode()):
        return _login_page(request, next, "the form expired; log in again", status=403)
    try:
        token, _, _ = await run_in_threadpool(begin, ctx(request), request, name, password)
    except HTTPException as exc:
        return _login_page(request, next, str(exc.detail), status=exc.status_code)
    resp = RedirectResponse(_local(next), status_code=303)
    auth_cookie(resp, ctx(request), token)
    resp.delete_cookie(LOGIN_COOKIE, path="/login")
    return resp  # type: ignore[return-value]


@router.post("/logout")
def logout(request: Request, csrf: Field) -> RedirectResponse:
    auth.writer(request, "viewer", form_csrf=csrf)
    end(ctx(request), request)
    resp = RedirectResponse("/login", status_code=303)
    resp.delete_cookie(auth.SESSION_COOKIE, path="/")
    return resp


def _signoff(request: Request, project: str, what: str, fields: dict[str, str]) -> RedirectResponse:
    c = ctx(request)
    user = auth.writer(request, "approver", form_csrf=fields["csrf"])
    args = (
        c.db,
        user,
        project,
        fields["gate"],
        fields["role"],
        fields["commit"],
        fields["plan_hash"],
    )
    try:
        if what == "approve":
            approve(*args, note=fields.get("note"), now=c.now())
        else:
            revoke(*args, now=c.now())
    except SignoffError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    c.hub.publish({"project": project, "approval": fields["gate"]})
    return RedirectResponse(f"/projects/{quote(project)}", status_code=303)


@router.post("/projects/{project}/approve")
def approve_form(
    request: Request,
    csrf: Field,
    gate: Field,
    role: Field,
    commit: Field,
    plan_hash: Annotated[str, Form(max_length=64)] = "",
    note: Field = "",
    project: str = ProjectPath,
) -> RedirectResponse:
    fields = {
        "csrf": csrf,
        "gate": gate,
        "role": role,
        "commit": commit,
        "plan_hash": plan_hash,
        "note": note,
    }
    return _signoff(request, project, "approve", fields)


@router.post("/projects/{project}/revoke")
def revoke_form(
    request: Request,
    csrf: Field,
    gate: Field,
    role: Field,
    commit: Field,
    plan_hash: Annotated[str, Form(max_length=64)] = "",
    project: str = ProjectPath,
) -> RedirectResponse:
    fields = {"csrf": csrf, "gate": gate, "role": role, "commit": commit, "plan_hash": plan_hash}
    return _signoff(request, project, "revoke", fields)
