"""`/admin`: the audit log, webhook deliveries, tokens (their first characters only)
and users. Admins only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from gonogo.server import audit, auth, tokens, users, webhooks
from gonogo.server.context import ctx
from gonogo.server.render import page

router = APIRouter(include_in_schema=False)


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request) -> HTMLResponse:
    who = auth.principal(request)
    if who.user is None:
        raise auth.NotLoggedIn()
    if not who.user.can("admin"):
        return page(request, "base.html.j2", status=403, who=who)
    with ctx(request).db.read() as conn:
        values: dict[str, Any] = {
            "audit": audit.entries(conn),
            "deliveries": webhooks.deliveries(conn),
            "tokens": tokens.listing(conn),
            "users": users.listing(conn),
        }
    return page(request, "admin.html.j2", who=who, **values)
