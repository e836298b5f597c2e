"""What every route needs, built once by `create_app` and kept on `app.state`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from gonogo.server.config import Settings
from gonogo.server.db import ServerDB
from gonogo.server.ingestproc import IngestProcess
from gonogo.server.live import Hub
from gonogo.server.ratelimit import LoginLimiter
from gonogo.server.webhooks import Sender
from gonogo.server.writer import RunWriter


@dataclass
class Context:
    settings: Settings
    db: ServerDB
    hub: Hub
    sender: Sender
    limiter: LoginLimiter
    writer: RunWriter
    ingest: IngestProcess | None = None  # None: pushed runs are stored in this process

    def now(self) -> float:
        return self.settings.clock()


def ctx(request: Request) -> Context:
    found: Context = request.app.state.ctx
    return found
