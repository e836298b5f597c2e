"""Compiled RE2 patterns (linear time by construction), cached by pattern text."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=512)
def rx(pattern: str) -> Any:
    import re2

    opts = re2.Options()
    opts.max_mem = 8 << 20
    return re2.compile(pattern, opts)
