"""`ast.parse` behind one lock, for every Python source gonogo reads.

CPython 3.11 before 3.11.8 keeps the AST constructor's recursion depth in state shared
by the whole interpreter, so two threads building trees at once can fail with
"SystemError: AST constructor recursion depth mismatch" (CPython issue 106905). Probes
run in worker threads (`python.syntax`, the Odoo checks, `file.valid` for Python), so
every parse of gonogo's goes through the lock here. The standard library parses too,
outside it: 3.11's traceback module parses a line to place its `^^^` markers whenever a
thread formats an exception. So a parse that meets the mismatch is run again: the
mismatch comes from the other thread's work, never from the source.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.RLock()  # re-entrant: a finalizer run by the collector mid-parse may parse too
_MISMATCH = "AST constructor recursion depth mismatch"
ATTEMPTS = 5


def parse(source: str | bytes, filename: str = "<unknown>", mode: str = "exec", **kw: Any) -> Any:
    """`ast.parse(source, filename, mode, **kw)`, one tree at a time."""
    with _LOCK:
        for _ in range(ATTEMPTS - 1):
            try:
                return ast.parse(source, filename, mode, **kw)
            except SystemError as exc:
                if _MISMATCH not in str(exc):
                    raise
        return ast.parse(source, filename, mode, **kw)  # the last attempt raises what it meets
