"""Badges: `/badge/{project}.svg` and `/badge/{project}/{gate}.svg`, the verdict and pass
rate of the default branch's latest run, with an ETag (a changed verdict changes it)
and a short cache lifetime. Public, like any README badge: they show nothing else."""

from __future__ import annotations

import hashlib
from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import Response

from gonogo.report.common import rate_text
from gonogo.server.api_ingest import ProjectPath
from gonogo.server.context import ctx
from gonogo.server.queries import fleet

router = APIRouter(tags=["badges"])
COLORS = {"GO": "#2e7d32", "NO-GO": "#c62828", None: "#757575"}
CACHE = "public, max-age=60, must-revalidate"
CHAR_W, PAD = 6.6, 10


def svg(label: str, value: str, color: str) -> str:
    """A flat two-part badge; text is escaped (project and gate names come from plans)."""
    lw = round(len(label) * CHAR_W + PAD)
    vw = round(len(value) * CHAR_W + PAD)
    w = lw + vw
    lab, val = escape(label), escape(value)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="20" role="img" '
        f'aria-label="{lab}: {val}"><title>{lab}: {val}</title>'
        f'<rect width="{lw}" height="20" fill="#555"/>'
        f'<rect x="{lw}" width="{vw}" height="20" fill="{color}"/>'
        '<g fill="#fff" text-anchor="middle" font-family="Verdana,DejaVu Sans,sans-serif" '
        f'font-size="11"><text x="{lw / 2}" y="14">{lab}</text>'
        f'<text x="{lw + vw / 2}" y="14">{val}</text></g></svg>'
    )


def _badge(request: Request, project: str, gate: str | None) -> Response:
    c = ctx(request)
    with c.db.read() as conn:
        found = fleet(conn, project)
    label = gate or "gonogo"
    verdict: str | None = None
    if not found or found[0].verdict is None:
        value, status = "no runs", 404
    elif gate is None:
        verdict, value, status = (
            found[0].verdict,
            f"{found[0].verdict} {rate_text(found[0].pass_rate)}",
            200,
        )
    else:
        g = found[0].gate(gate)
        verdict = g["verdict"] if g else None
        value, status = (
            (f"{g['verdict']} {rate_text(g['pass_rate'])}", 200) if g else ("no such gate", 404)
        )
    body = svg(label, value, COLORS.get(verdict, COLORS[None]))
    etag = '"' + hashlib.sha256(body.encode()).hexdigest()[:20] + '"'
    headers = {"ETag": etag, "Cache-Control": CACHE}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(body, status_code=status, media_type="image/svg+xml", headers=headers)


@router.get("/badge/{project}.svg", summary="The project's verdict badge")
def project_badge(request: Request, project: str = ProjectPath) -> Response:
    return _badge(request, project, None)


@router.get("/badge/{project}/{gate}.svg", summary="One gate's verdict badge")
def gate_badge(request: Request, gate: str, project: str = ProjectPath) -> Response:
    return _badge(request, project, gate)
