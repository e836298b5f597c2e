"""The prefilter: which of the detectors' hints a file's content matches, in one pass.

Two engines give the same answer. Hyperscan (SIMD, about twice RE2's speed here) is used
where its wheel exists and it compiles every hint; RE2's set everywhere else.
`GONOGO_SECRETS_ENGINE=re2` or `=hyperscan` chooses one (`auto`, the default, prefers
Hyperscan); tests hold the two to the same answers.

An answer lists the indexes of the hints found, and `len(hints)` when it is complete: an
answer without that index means the engine gave up (RE2's DFA out of memory) and every
detector has to run.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from typing import Any, Protocol, cast

ENGINE_ENV = "GONOGO_SECRETS_ENGINE"
ENGINES = ("auto", "hyperscan", "re2")


class EngineError(RuntimeError):
    """The engine asked for cannot run here."""


class Prefilter(Protocol):
    engine: str

    def found(self, data: bytes) -> list[int]: ...

    def dumps(self) -> bytes | None:
        """The compiled form, for a worker process to load instead of compiling again
        (None: this engine compiles fast enough)."""


class _RE2Set:
    """RE2's set, whose last pattern matches any text (its absence: the set gave up)."""

    engine = "re2"

    def __init__(self, hints: Sequence[bytes], options: Any) -> None:
        import re2

        regexes = re2.Set.SearchSet(options)
        for hint in hints:
            regexes.Add(hint)
        regexes.Add(rb"\z")
        regexes.Compile()
        self._match = regexes.Match

    def found(self, data: bytes) -> list[int]:
        return self._match(data) or []

    def dumps(self) -> None:
        return None  # compiles in under a millisecond


class _Hyperscan:
    """A block-mode database, each hint reported once a file; a scratch space per thread
    (Hyperscan's scratch serves one scan at a time)."""

    engine = "hyperscan"

    def __init__(self, hints: Sequence[bytes], compiled: bytes | None = None) -> None:
        import hyperscan

        self._hyperscan = hyperscan
        if compiled:  # the caller's own compile of the same hints: tens of µs, not ms
            self._db = hyperscan.loadb(compiled, hyperscan.HS_MODE_BLOCK)
        else:
            self._db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            self._db.compile(
                expressions=list(hints),
                ids=list(range(len(hints))),
                flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(hints),
            )
        self._first = hyperscan.Scratch(self._db)
        self._local = threading.local()
        self._complete = len(hints)

    def found(self, data: bytes) -> list[int]:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = self._first.clone()
        hits: list[int] = []
        self._db.scan(data, match_event_handler=_collect, context=hits, scratch=scratch)
        hits.append(self._complete)
        return hits

    def dumps(self) -> bytes:
        blob: bytes = self._hyperscan.dumpb(self._db)
        return blob


def _collect(index: int, start: int, end: int, flags: int, hits: object) -> None:
    cast("list[int]", hits).append(index)


def build(hints: Sequence[bytes], re2_options: Any, compiled: bytes | None = None) -> Prefilter:
    """The engine `GONOGO_SECRETS_ENGINE` names (default `auto`) over `hints`; `compiled`
    is what a Hyperscan prefilter of the same hints `dumps()` in the caller's process."""
    choice = os.environ.get(ENGINE_ENV, "auto").strip().lower() or "auto"
    if choice not in ENGINES:
        raise EngineError(f"{ENGINE_ENV}={choice!r}: expected one of {', '.join(ENGINES)}")
    if choice == "re2":
        return _RE2Set(hints, re2_options)
    try:
        return _Hyperscan(hints, compiled)
    except ImportError:
        if choice == "hyperscan":
            raise EngineError(f"{ENGINE_ENV}=hyperscan: hyperscan is not installed") from None
    except Exception as exc:  # hyperscan.error: a hint it cannot compile, a CPU it refuses
        if choice == "hyperscan":
            raise EngineError(f"{ENGINE_ENV}=hyperscan: {exc}") from None
    return _RE2Set(hints, re2_options)
