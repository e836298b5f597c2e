"""Failed logins per key (name and client address) in a sliding window, on an injected
clock: after `attempts` failures within `window_s`, further tries are refused until the
oldest failure leaves the window."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable


class LoginLimiter:
    def __init__(self, attempts: int, window_s: float, clock: Callable[[], float]) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """Seconds until `key` may try again; 0 when it may now."""
        with self._lock:
            seen = self._recent(key)
            if len(seen) < self.attempts:
                return 0.0
            return max(0.0, seen[0] + self.window_s - self.clock())

    def failed(self, key: str) -> None:
        with self._lock:
            self._recent(key).append(self.clock())

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)

    def _recent(self, key: str) -> deque[float]:
        seen = self._failures.setdefault(key, deque())
        cutoff = self.clock() - self.window_s
        while seen and seen[0] <= cutoff:
            seen.popleft()
        if len(self._failures) > 10_000:  # bounded memory under a spray of names
            self._failures = {k: v for k, v in self._failures.items() if v}
        return seen
