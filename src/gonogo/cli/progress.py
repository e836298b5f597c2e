"""Live progress on stderr. On a terminal, a bar for runs longer than a second
(NO_COLOR honoured); elsewhere (CI logs), one line as each gate's last check finishes,
so a long run is never silent until the end."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TextIO

from gonogo.models import CheckResult, Status
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


class _GateLines:
    """`gonogo: gate infra: 6 checks done (5 pass, 1 fail) in 0.4s` per finished gate."""

    def __init__(self, checks: Sequence[Check], stream: TextIO) -> None:
        self.left: dict[str, int] = {}
        for c in checks:
            self.left[c.gate] = self.left.get(c.gate, 0) + 1
        self.seen: dict[str, dict[str, int]] = {g: {} for g in self.left}
        self.stream = stream
        self.t0 = time.monotonic()

    def show(self) -> None:
        pass

    def started(self, check: Check) -> None:
        pass

    def finished(self, result: CheckResult) -> None:
        gate = result.gate
        if gate not in self.left:
            return
        tally = self.seen[gate]
        tally[result.status.value] = tally.get(result.status.value, 0) + 1
        self.left[gate] -= 1
        if self.left[gate] == 0:
            total = sum(tally.values())
            parts = ", ".join(f"{tally[s.value]} {s.value}" for s in Status if s.value in tally)
            took = time.monotonic() - self.t0
            line = f"gonogo: gate {gate}: {total} check(s) done ({parts}) at {took:.1f}s\n"
            self.stream.write(line)
            self.stream.flush()


class _Quiet:
    def show(self) -> None:
        pass

    def started(self, check: Check) -> None:
        pass

    def finished(self, result: CheckResult) -> None:
        pass


@contextmanager
def progress_listener(
    checks: Sequence[Check], *, quiet: bool = False
) -> Iterator[_Progress | _GateLines | _Quiet]:
    if quiet:
        yield _Quiet()
        return
    if not sys.stderr.isatty():
        yield _GateLines(checks, sys.stderr)
        return
    progress = _Progress(len(checks))
    try:
        yield progress
    finally:
        progress.close()
