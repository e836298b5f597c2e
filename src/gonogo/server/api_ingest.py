"""`POST /api/v1/projects/{project}/runs`: a CI job pushes one run.

The order matters: the token is checked before the body is read; the body is read up
to the size cap (413 past it) and only then parsed, validated (422 with the field's
path), scanned for secrets and encoded into rows (`intake`), then stored by the run
writer's next group commit (`gonogo.server.writer`) and answered once that commit is
done: in the ingest process (`gonogo.server.ingestproc`) or, without one, in the
server's own."""

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
from gonogo.server.ingest import RunConflict, Stored
from gonogo.server.ingestproc import WorkerDied
from gonogo.server.writer import WriterClosed, settle_taken

PROJECT = r"^[\w][\w. -]{0,127}$"
ProjectPath = Path(pattern=PROJECT, description="the project's name, as its plan says")
router = APIRouter(tags=["ingest"])
# Without an ingest process, a report up to this size is prepared on the event loop:
# well under 2 ms, less than handing it to a worker thread and back costs under load;
# larger ones go to a thread, so that an 8 MiB report does not hold up every other one.
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


async def _push(c: Context, project: str, body: bytes) -> Stored:
    """The run, stored by the writer's next group commit; answered once committed."""
    try:
        if c.ingest is not None:
            return await c.ingest.push(project, body, c.now())
        return await _push_here(c, project, body)
    except schema.BadReport as exc:
        raise HTTPException(422, str(exc)) from None
    except RunConflict as exc:
        raise HTTPException(409, str(exc)) from None
    except (WriterClosed, WorkerDied) as exc:
        raise HTTPException(503, str(exc)) from None


async def _push_here(c: Context, project: str, body: bytes) -> Stored:
    """`_push` in the server's own process."""
    with c.writer.coming():
        if len(body) <= INLINE_MAX:
            run = intake.prepared(project, body)
        else:
            run = await run_in_threadpool(intake.prepared, project, body)
    try:
        return await asyncio.wrap_future(c.writer.submit(run, c.now()))
    except StoreError:  # another process stored the same run id first
        settled = await run_in_threadpool(settle_taken, c.db, project, run.run_id)
        if settled is None:
            raise
        return settled


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
    stored = await _push(c, project, body)
    out: dict[str, Any] = {"project": project, "run_id": stored.run_id, "created": stored.created}
    out["url"] = f"/projects/{project}/runs/{stored.run_id}"
    if stored.created:
        c.hub.publish({"project": project, "run_id": stored.run_id})
        if stored.queued:  # no webhook wants the events of most runs
            c.sender.wake()
    return JSONResponse(out, status_code=201 if stored.created else 200)
