"""`ast.parse` behind one lock, for every Python source gonogo reads.

CPython 3.11 before 3.11.8 keeps the AST constructor's recursion depth in state shared
by the whole interpreter, so two threads building trees at once can fail with
"SystemError: AST constructor recursion depth mismatch" (CPython issue 106905). Probes
run in worker threads (`python.syntax`, the Odoo checks, `file.valid` for Python), so
every parse goes through here.
"""

from __future__ import annotations

import ast
import threading
from typing import Any

_LOCK = threading.RLock()  # re-entrant: a finalizer run by the collector mid-parse may parse too


def parse(source: str | bytes, filename: str = "<unknown>", mode: str = "exec", **kw: Any) -> Any:
    """`ast.parse(source, filename, mode, **kw)`, one tree at a time."""
    with _LOCK:
        return ast.parse(source, filename, mode, **kw)
