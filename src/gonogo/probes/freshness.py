"""`max_age`: evidence files must be newer than a duration, or than HEAD's commit."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

from pydantic import BeforeValidator, WithJsonSchema

from gonogo.durations import DURATION_JSON, format_duration, parse_duration
from gonogo.git import git_output
from gonogo.models import Finding


def _max_age(value: Any) -> float | str:
    if value == "commit":
        return "commit"
    return parse_duration(value)


MaxAge = Annotated[
    float | str,
    BeforeValidator(_max_age),
    WithJsonSchema({"anyOf": [DURATION_JSON, {"const": "commit"}]}),
]
"""Seconds, or the literal `commit` (not older than HEAD's commit time)."""


def head_commit_time(root: Path) -> float | None:
    out = git_output(root, "log", "-1", "--format=%ct")
    return float(out) if out and out.isdigit() else None


def stale(
    root: Path, rels: list[str], max_age: float | str | None, now: float | None = None
) -> list[Finding]:
    """A finding for each file older than `max_age` allows."""
    if max_age is None:
        return []
    now = time.time() if now is None else now
    if max_age == "commit":
        limit = head_commit_time(root)
        if limit is None:
            return [
                Finding(
                    "evidence.stale",
                    "max_age: commit needs a git repository with a commit; none found",
                )
            ]
        why = "older than HEAD's commit"
    else:
        assert isinstance(max_age, float)
        limit = now - max_age
        why = f"older than max_age {format_duration(max_age)}"
    out = []
    for rel in rels:
        mtime = (root / rel).stat().st_mtime
        if mtime < limit:
            age = format_duration(max(0.0, now - mtime))
            out.append(Finding("evidence.stale", f"{rel} is {age} old, {why}", path=rel))
    return out
