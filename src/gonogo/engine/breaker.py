"""A circuit breaker per target: after N consecutive errors the target's remaining
checks end at once as `error: circuit open`; after the cooldown one probe is let
through (half-open) and its result closes or re-opens the circuit."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


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
        """May a check against `target` run now?"""
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

    def is_open(self, target: str) -> bool:
        c = self._circuits.get(target)
        return c is not None and c.opened_at is not None
