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

import contextlib
import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, cast

ENGINE_ENV = "GONOGO_SECRETS_ENGINE"
ENGINES = ("auto", "hyperscan", "re2")


class EngineError(RuntimeError):
    """The engine asked for cannot run here."""


class Prefilter(Protocol):
    engine: str

    def found(self, data: bytes) -> list[int]: ...


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


class _Hyperscan:
    """A block-mode database, each hint reported once a file; a scratch space per thread
    (Hyperscan's scratch serves one scan at a time). Compiling it takes tens of
    milliseconds, loading it tens of microseconds: it is compiled once per hint set and
    Hyperscan release and kept in gonogo's cache folder (`cache_dir`)."""

    engine = "hyperscan"

    def __init__(self, hints: Sequence[bytes]) -> None:
        import hyperscan

        self._db = _cached(hyperscan, hints)
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


def cache_dir() -> Path:
    """`$XDG_CACHE_HOME/gonogo`, by default `~/.cache/gonogo`: what gonogo can make again."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "gonogo"


_MAGIC = b"gonogo prefilter 1\n"


def _cached(hyperscan: Any, hints: Sequence[bytes]) -> Any:
    """The database of `hints`, loaded from the cache if a sound copy is there, else
    compiled and stored for next time (a cache that cannot be written is no error).
    A copy is sound when its SHA-256 matches and Hyperscan accepts it (a copy from
    another release or CPU is refused by Hyperscan itself)."""
    import platform

    release = f"{hyperscan.__version__}\0{platform.machine()}\0".encode()
    key = hashlib.sha256(release + b"\0".join(hints)).hexdigest()[:24]
    path = cache_dir() / f"prefilter-{key}.hsdb"
    try:
        raw = path.read_bytes()
        digest, blob = raw[len(_MAGIC) : len(_MAGIC) + 32], raw[len(_MAGIC) + 32 :]
        if raw.startswith(_MAGIC) and hashlib.sha256(blob).digest() == digest:
            return hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK)
    except (OSError, hyperscan.error):
        pass
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    db.compile(
        expressions=list(hints),
        ids=list(range(len(hints))),
        flags=[hyperscan.HS_FLAG_SINGLEMATCH] * len(hints),
    )
    blob = hyperscan.dumpb(db)
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        part = path.with_name(f".{path.name}.{os.getpid()}")
        part.write_bytes(_MAGIC + hashlib.sha256(blob).digest() + blob)
        os.replace(part, path)  # whole or not at all, whoever writes it at the same time
    return db


def _collect(index: int, start: int, end: int, flags: int, hits: object) -> None:
    cast("list[int]", hits).append(index)


def build(hints: Sequence[bytes], re2_options: Any) -> Prefilter:
    """The engine `GONOGO_SECRETS_ENGINE` names (default `auto`) over `hints`."""
    choice = os.environ.get(ENGINE_ENV, "auto").strip().lower() or "auto"
    if choice not in ENGINES:
        raise EngineError(f"{ENGINE_ENV}={choice!r}: expected one of {', '.join(ENGINES)}")
    if choice == "re2":
        return _RE2Set(hints, re2_options)
    try:
        return _Hyperscan(hints)
    except ImportError:
        if choice == "hyperscan":
            raise EngineError(f"{ENGINE_ENV}=hyperscan: hyperscan is not installed") from None
    except Exception as exc:  # hyperscan.error: a hint it cannot compile, a CPU it refuses
        if choice == "hyperscan":
            raise EngineError(f"{ENGINE_ENV}=hyperscan: {exc}") from None
    return _RE2Set(hints, re2_options)
