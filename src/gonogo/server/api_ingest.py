"""`POST /api/v1/projects/{project}/runs`: a CI job pushes one run.

The order matters: the token is checked before the body is read; the body is read up
to the size cap (413 past it) and only then parsed, validated (422 with the field's
path) and scanned for secrets, then stored by the run writer's next group commit
(`gonogo.server.writer`) and answered once that commit is done."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from gonogo.errors import StoreError
from gonogo.models import RunReport
from gonogo.server import auth, redact, schema
from gonogo.server.context import Context, ctx
from gonogo.server.ingest import RunConflict, Stored, existing
from gonogo.server.writer import WriterClosed

PROJECT = r"^[\w][\w. -]{0,127}$"
ProjectPath = Path(pattern=PROJECT, description="the project's name, as its plan says")
router = APIRouter(tags=["ingest"])
# A report up to this size is validated on the event loop: well under 2 ms, less than
# handing it to a worker thread and back costs under load; larger ones go to a thread,
# so that an 8 MiB report does not hold up every other request.
INLINE_MAX = 64 * 1024


async def read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise HTTPException(
            413, f"the report is {int(declared)} bytes; this server takes at most {cap}"
        )
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise HTTPException(413, f"the report is over {cap} bytes, the most this server takes")
        chunks.append(chunk)
    return b"".join(chunks)


def to_report(project: str, body: bytes) -> RunReport:
    if b"\\u0000" in body:
        raise schema.BadReport(
            "the report contains a NUL character (\\u0000), which no field may hold"
        )
    data = schema.parse(body)
    if data.get("project") and data["project"] != project:
        raise schema.BadReport(
            f"project: the report is for {data['project']!r} but was pushed to {project!r}"
        )
    data["project"] = project
    try:
        data = redact.redact(data, redact.secret_values(data))
    except UnicodeEncodeError:
        raise schema.BadReport(
            "the report holds text that is not valid Unicode (a lone surrogate escape)"
        ) from None
    return RunReport.from_dict(data)


def _validated(project: str, body: bytes) -> RunReport:
    try:
        return to_report(project, body)
    except schema.BadReport as exc:
        raise HTTPException(422, str(exc)) from None


async def _store(c: Context, project: str, report: RunReport) -> Stored:
    """The run, stored by the writer's next group commit; answered once committed."""
    try:
        return await asyncio.wrap_future(c.writer.submit(report, c.now()))
    except RunConflict as exc:
        raise HTTPException(409, str(exc)) from None
    except WriterClosed as exc:
        raise HTTPException(503, str(exc)) from None
    except StoreError:  # another process stored the same run id first
        if await run_in_threadpool(_stored_in, c, report.run_id) == project:
            return Stored(False, report.run_id)
        raise


def _stored_in(c: Context, run_id: str) -> str | None:
    with c.db.read() as conn:
        return existing(conn, run_id)


@router.post(
    "/api/v1/projects/{project}/runs",
    status_code=201,
    summary="Push one run (a gonogo.report/v1 JSON body) with the project's ingest token",
    responses={
        200: {"description": "this run id was already stored; nothing changed"},
        401: {"description": "no or unknown token"},
        403: {"description": "the token belongs to another project"},
        409: {"description": "the run id is stored for another project"},
        413: {"description": "the body is over the size cap"},
        422: {"description": "not a gonogo.report/v1 run; the message names the field"},
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReportIn"}}},
        }
    },
)
async def push_run(request: Request, project: str = ProjectPath) -> JSONResponse:
    c = ctx(request)
    if c.db.sqlite:  # a local read of one indexed row: less than a hop to a thread
        auth.ingest_token(request, project)
    else:
        await run_in_threadpool(auth.ingest_token, request, project)
    body = await read_capped(request, c.settings.max_body)
    if len(body) <= INLINE_MAX:
        report = _validated(project, body)
    else:
        report = await run_in_threadpool(_validated, project, body)
    stored = await _store(c, project, report)
    out: dict[str, Any] = {"project": project, "run_id": stored.run_id, "created": stored.created}
    out["url"] = f"/projects/{project}/runs/{stored.run_id}"
    if stored.created:
        c.hub.publish({"project": project, "run_id": stored.run_id})
        if stored.events:
            c.sender.wake()
    return JSONResponse(out, status_code=201 if stored.created else 200)
