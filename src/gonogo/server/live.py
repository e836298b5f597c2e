"""Server-sent events: each stored run is announced to the open pages, which fetch
themselves again and swap their live part in (static/live.js). In-process fan-out: the
ingest handler publishes from a worker thread, each stream reads its own bounded queue."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

HEARTBEAT_S = 15.0
QUEUE_MAX = 100
_CLOSE: dict[str, Any] = {}


class Hub:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()
        self._loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def publish(self, event: dict[str, Any]) -> None:
        """Safe from any thread."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._fanout, event)

    def close(self) -> None:
        for q in list(self._queues):
            _offer(q, _CLOSE)

    def _fanout(self, event: dict[str, Any]) -> None:
        for q in list(self._queues):
            _offer(q, event)

    async def stream(
        self, project: str | None, heartbeat_s: float = HEARTBEAT_S
    ) -> AsyncIterator[str]:
        q: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_MAX)
        self._queues.add(q)
        try:
            yield "retry: 3000\n: connected\n\n"
            while True:
                try:
                    event = await asyncio.wait_for(q.get(), heartbeat_s)
                except TimeoutError:
                    yield ": heartbeat\n\n"
                    continue
                if event is _CLOSE:
                    return
                if project is None or event.get("project") == project:
                    yield f"event: run\ndata: {json.dumps(event)}\n\n"
        finally:
            self._queues.discard(q)


def _offer(q: asyncio.Queue[dict[str, Any]], event: dict[str, Any]) -> None:
    # a stalled reader misses events, never blocks the others
    with contextlib.suppress(asyncio.QueueFull):
        q.put_nowait(event)
