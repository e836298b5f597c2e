"""Jinja2 for the pages: autoescaped everywhere (check ids and messages come from plans
and are untrusted), strict about undefined names, loaded once per app."""

from __future__ import annotations

from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from gonogo.report.common import rate_text
from gonogo.server.auth import Principal, principal

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


@cache
def environment() -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gonogo.server", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    env.globals["rate"] = rate_text
    return env


def page(
    request: Request, template: str, status: int = 200, who: Principal | None = None, **values: Any
) -> HTMLResponse:
    who = who if who is not None else principal(request)
    base = {"user": who.user, "csrf": who.csrf or "", "live_project": None}
    html = environment().get_template(template).render(**{**base, **values})
    return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)
