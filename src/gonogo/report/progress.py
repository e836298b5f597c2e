"""Live progress on stderr for runs longer than a second (TTY only, NO_COLOR honoured)."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gonogo.models import CheckResult
from gonogo.plan.model import Check

DELAY_S = 1.0


class _Progress:
    def __init__(self, total: int) -> None:
        self.total = total
        self.done = 0
        self.running: dict[str, float] = {}
        self.t0 = time.monotonic()
        self.bar: Any = None
        self.task: Any = None

    def started(self, check: Check) -> None:
        self.running[check.id] = time.monotonic()
        self._tick()

    def finished(self, result: CheckResult) -> None:
        self.running.pop(result.check_id, None)
        self.done += 1
        self._tick()

    def show(self) -> None:
        """Called once a second has passed, so a single slow check still shows progress."""
        if self.bar is None:
            self._start()
        self._tick()

    def _tick(self) -> None:
        if self.bar is None:
            if time.monotonic() - self.t0 < DELAY_S:
                return
            self._start()
        current = next(iter(self.running), "")
        self.bar.update(self.task, completed=self.done, description=f"checking {current}")

    def _start(self) -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

        console = Console(file=sys.stderr, no_color="NO_COLOR" in os.environ)
        self.bar = Progress(
            "{task.description}",
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.bar.start()
        self.task = self.bar.add_task("checking", total=self.total)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


class _Quiet:
    def show(self) -> None:
        pass

    def started(self, check: Check) -> None:
        pass

    def finished(self, result: CheckResult) -> None:
        pass


@contextmanager
def progress_listener(total: int) -> Iterator[_Progress | _Quiet]:
    if not sys.stderr.isatty():
        yield _Quiet()
        return
    progress = _Progress(total)
    try:
        yield progress
    finally:
        progress.close()
