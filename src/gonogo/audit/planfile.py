"""Plan identifiers derived from text: the same words give the same id, whatever line
they are on, so a plan written by `--to-plan` keeps its ids when the report is edited."""

from __future__ import annotations

_ID_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def slug(text: str, limit: int = 40) -> str:
    """`Phase 1: Infrastructure` → `phase-1-infrastructure` (at most `limit` characters)."""
    out: list[str] = []
    for ch in text.lower():
        if ch in _ID_CHARS:
            out.append(ch)
        elif out and out[-1] != "-":
            out.append("-")
    return "".join(out)[:limit].strip("-")
