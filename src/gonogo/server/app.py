"""`create_app(settings)`: the FastAPI application. `run(settings, host, port)` serves it
with uvicorn."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import AsyncIterator
from importlib import resources
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse, RedirectResponse, Response

from gonogo import __version__
from gonogo.server.config import Settings
from gonogo.server.context import Context
from gonogo.server.db import ServerDB
from gonogo.server.ingestproc import IngestProcess, WriterConfig
from gonogo.server.live import Hub
from gonogo.server.ratelimit import LoginLimiter
from gonogo.server.schema import REPORT
from gonogo.server.webhooks import Sender
from gonogo.server.writer import RunWriter

OPENAPI = "/api/v1/openapi.json"
STATIC = {"app.css": "text/css", "live.js": "text/javascript"}


def create_app(settings: Settings, db: ServerDB | None = None) -> FastAPI:
    from gonogo.server import admin, api_ingest, api_read, api_write, badges, forms, pages

    db = db or ServerDB.open(settings.store_url)
    limiter = LoginLimiter(settings.login_attempts, settings.login_window_s, settings.clock)
    writer = RunWriter(db, warn_days=settings.waiver_warn_days)
    ingest = (
        IngestProcess(WriterConfig(settings.store_url, settings.waiver_warn_days))
        if settings.ingest_process
        else None
    )
    context = Context(settings, db, Hub(), Sender(db, settings), limiter, writer, ingest)

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        context.hub.bind(asyncio.get_running_loop())
        if ingest is not None:
            ingest.start()
        else:
            writer.start()
        sender = asyncio.create_task(context.sender.run())
        try:
            yield
        finally:
            context.hub.close()
            sender.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sender
            if ingest is not None:
                await ingest.aclose()  # what it was sent is stored first
            await asyncio.to_thread(writer.close)  # what is queued is stored first
            db.close()

    app = FastAPI(
        # gonogo exports no traces, metrics or logs: looking for their providers at each
        # request cost about as much as routing it
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
        title="gonogo team server",
        version=__version__,
        openapi_url=OPENAPI,
        docs_url="/api/v1/docs",
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.ctx = context
    for module in (api_ingest, api_read, api_write, badges, pages, forms, admin):
        app.include_router(module.router)
    _handlers(app)
    app.add_api_route("/static/{name}", _static, include_in_schema=False)
    app.add_api_route("/healthz", _health, include_in_schema=False)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app


def _static(name: str) -> Response:
    if name not in STATIC:
        raise HTTPException(404, "no such file")
    body = resources.files("gonogo.server").joinpath(f"static/{name}").read_bytes()
    return Response(body, media_type=STATIC[name], headers={"Cache-Control": "public, max-age=300"})


def _health() -> dict[str, str]:
    return {"status": "ok"}


def _handlers(app: FastAPI) -> None:
    from gonogo.server.auth import NotLoggedIn

    @app.exception_handler(NotLoggedIn)
    async def _login(request: Request, exc: NotLoggedIn) -> Response:
        if request.url.path.startswith("/api/") or request.url.path == "/events":
            return JSONResponse({"detail": exc.detail}, status_code=401, headers=exc.headers)
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""))
        return RedirectResponse(f"/login?next={target}", status_code=303)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = []
        for err in exc.errors()[:5]:
            where = ".".join(str(p) for p in err.get("loc", ()))
            parts.append(f"{where}: {err.get('msg')}")
        return JSONResponse(
            {"detail": "; ".join(parts), "errors": _plain(exc.errors())}, status_code=422
        )


def _plain(errors: Any) -> Any:
    """Validation errors as JSON values (their `ctx` may hold exceptions)."""
    return [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in errors]


def _openapi(app: FastAPI) -> dict[str, Any]:
    if app.openapi_schema is not None:
        return app.openapi_schema
    spec = get_openapi(title=app.title, version=app.version, routes=app.routes, description=__doc__)
    model = REPORT.json_schema(ref_template="#/components/schemas/{model}")
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(model.pop("$defs", {}))
    schemas["ReportIn"] = model
    spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    spec["security"] = [{"bearer": []}, {}]
    app.openapi_schema = spec
    return spec


def run(settings: Settings, host: str, port: int) -> None:
    """Serve until interrupted (SIGINT/SIGTERM); open SSE streams get 3 s to end."""
    import uvicorn

    config = uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        log_level="warning",
        timeout_graceful_shutdown=3,
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    config.load()  # uvicorn's own imports, before the freeze below
    # Everything built so far (modules, the app, SQLAlchemy's metadata) lives as long as
    # the process: out of the collector's sight, a full collection walks only what
    # requests left behind (walking it all, one took up to 60 ms on the loaded 2-core
    # development machine, every few hundred pushed runs)
    gc.collect()
    gc.freeze()
    server.run()
