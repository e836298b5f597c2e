"""Durations as written in plans (`500ms`, `30s`, `10m`, `2h`), held in seconds."""

from __future__ import annotations

import math
import re
from typing import Any

_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d)")
_WHOLE = re.compile(r"(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+")


def parse_duration(value: object) -> float:
    """Seconds for `value`; a bare number means seconds. Raises ValueError when unparsable."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a duration")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a finite number of seconds")
        if value < 0:
            raise ValueError(f"{value!r} is negative; durations must be >= 0")
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a duration (use e.g. 500ms, 30s, 10m, 2h)")
    text = value.strip().replace(" ", "")
    if not _WHOLE.fullmatch(text):
        raise ValueError(f"{value!r} is not a duration (use e.g. 500ms, 30s, 10m, 2h)")
    seconds = sum(float(n) * _UNITS[u] for n, u in _PART.findall(text))
    if not math.isfinite(seconds):
        raise ValueError(f"{value!r} is not a finite number of seconds")
    return seconds


def format_duration(seconds: float) -> str:
    """A short human form: 0.4ms, 12ms, 1.3s, 2m05s, 1h02m."""
    if seconds < 0.001:
        return f"{seconds * 1000:.1f}ms"
    if seconds < 1:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 60:
        return f"{seconds:.1f}s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours}h{minutes:02d}m"
    days, hours = divmod(hours, 24)
    return f"{days}d{hours:02d}h"


DURATION_JSON = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*(\d+(\.\d+)?(ms|s|m|h|d)\s*)+$"},
    ],
    "description": "seconds, or a duration such as 500ms, 30s, 10m, 2h",
}  # the JSON Schema of a duration param


def parse_ratio(value: Any) -> Any:
    """`'10%'` → 0.1; a number is already a fraction (0.1). Anything else is left to
    pydantic's float validation."""
    if isinstance(value, str) and value.strip().endswith("%"):
        try:
            return float(value.strip()[:-1]) / 100
        except ValueError:
            raise ValueError(f"{value!r} is not a percentage (e.g. '10%')") from None
    return value


RATIO_JSON = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%\s*$"},
    ],
    "description": "a fraction (0.1) or a percentage ('10%')",
}  # the JSON Schema of a ratio param
