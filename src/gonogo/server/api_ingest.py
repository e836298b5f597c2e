"""`POST /api/v1/projects/{project}/runs`: a CI job pushes one run.

The order matters: the token is checked before the body is read; the body is read up
to the size cap (413 past it) and only then parsed, validated (422 with the field's
path), scanned for secrets and encoded into rows (`intake`; in a prepare worker process
when the server has them, `gonogo.server.preparers`), then stored by the run writer's
next group commit (`gonogo.server.writer`) and answered once that commit is done."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from starlette.requests import ClientDisconnect

from gonogo.errors import StoreError
from gonogo.server import auth, intake, schema
from gonogo.server.context import Context, ctx
from gonogo.server.ingest import RunConflict, Stored, existing
from gonogo.server.preparers import WorkerDied
from gonogo.server.summary import PreparedRun
from gonogo.server.writer import WriterClosed

PROJECT = r"^[\w][\w. -]{0,127}$"
ProjectPath = Path(pattern=PROJECT, description="the project's name, as its plan says")
router = APIRouter(tags=["ingest"])
# Without prepare workers, a report up to this size is prepared on the event loop: well
# under 2 ms, less than handing it to a worker thread and back costs under load; larger
# ones go to a thread, so that an 8 MiB report does not hold up every other request.
INLINE_MAX = 64 * 1024


async def read_capped(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > cap:
        raise HTTPException(
            413, f"the report is {int(declared)} bytes; this server takes at most {cap}"
        )
    chunks, size, more = [], 0, True
    while more:  # ASGI messages, not `request.stream()`: an async generator per request
        # costs the event loop's bookkeeping of it more than reading the body does
        message = await request.receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk, more = message.get("body", b""), message.get("more_body", False)
        size += len(chunk)
        if size > cap:
            raise HTTPException(413, f"the report is over {cap} bytes, the most this server takes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _prepared(c: Context, project: str, body: bytes) -> PreparedRun:
    try:
        if c.preparers is not None:
            return await c.preparers.prepare(project, body)
        if len(body) <= INLINE_MAX:
            return intake.prepared(project, body)
        return await run_in_threadpool(intake.prepared, project, body)
    except schema.BadReport as exc:
        raise HTTPException(422, str(exc)) from None
    except WorkerDied as exc:
        raise HTTPException(503, f"{exc}; push the run again") from None


async def _store(c: Context, project: str, run: PreparedRun) -> Stored:
    """The run, stored by the writer's next group commit; answered once committed."""
    try:
        return await asyncio.wrap_future(c.writer.submit(run, c.now()))
    except RunConflict as exc:
        raise HTTPException(409, str(exc)) from None
    except WriterClosed as exc:
        raise HTTPException(503, str(exc)) from None
    except StoreError:  # another process stored the same run id first
        if await run_in_threadpool(_stored_in, c, run.run_id) == project:
            return Stored(False, run.run_id)
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
    with c.writer.coming():
        run = await _prepared(c, project, body)
    stored = await _store(c, project, run)
    out: dict[str, Any] = {"project": project, "run_id": stored.run_id, "created": stored.created}
    out["url"] = f"/projects/{project}/runs/{stored.run_id}"
    if stored.created:
        c.hub.publish({"project": project, "run_id": stored.run_id})
        if stored.queued:  # no webhook wants the events of most runs
            c.sender.wake()
    return JSONResponse(out, status_code=201 if stored.created else 200)
