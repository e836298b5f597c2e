"""A circuit breaker per target: after N consecutive errors the target's remaining
checks end at once as `error: circuit open`; after the cooldown one check is let
through (half-open) and its result closes or re-opens the circuit.

Why not a library: purgatory and pybreaker were evaluated. Both read the wall clock
inside their state classes (`time.time()`, `datetime.now()`), so tests could only
control time by patching a global; purgatory's half-open state lets every concurrent
caller through instead of one trial, and pybreaker's async support needs Tornado.
The engine needs a clock it injects, a single trial when half-open, and results that
are values (an `error` outcome), not exceptions; this is ~50 lines of pure code.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half-open"


@dataclass
class _Circuit:
    failures: int = 0
    opened_at: float | None = None
    probing: bool = False


@dataclass
class Breakers:
    threshold: int = 5
    cooldown_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _circuits: dict[str, _Circuit] = field(default_factory=dict)

    def allow(self, target: str) -> bool:
        """May a check against `target` run now? When half-open, only the first asker."""
        c = self._circuits.get(target)
        if c is None or c.opened_at is None:
            return True
        if self.clock() - c.opened_at >= self.cooldown_s and not c.probing:
            c.probing = True
            return True
        return False

    def record(self, target: str, ok: bool) -> None:
        """Record a finished check: `ok` is False for an `error` result."""
        c = self._circuits.setdefault(target, _Circuit())
        if ok:
            self._circuits[target] = _Circuit()
            return
        c.failures += 1
        if c.probing or c.failures >= self.threshold:
            c.opened_at = self.clock()
        c.probing = False

    def release(self, target: str) -> None:
        """A let-through check ended without a result (cancelled): let another try."""
        c = self._circuits.get(target)
        if c is not None:
            c.probing = False

    def state(self, target: str) -> str:
        c = self._circuits.get(target)
        if c is None or c.opened_at is None:
            return CLOSED
        if c.probing or self.clock() - c.opened_at >= self.cooldown_s:
            return HALF_OPEN
        return OPEN

    def is_open(self, target: str) -> bool:
        c = self._circuits.get(target)
        return c is not None and c.opened_at is not None
