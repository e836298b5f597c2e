"""The hand-written reviewer lists in tests/audit/seeds/NNN.expected.

Each line is `LINE | kind | why` for an inconsistency a careful reviewer flags, or
`miss LINE | kind | why` for one the auditor does not catch yet (kept in the list so
that the recall figure counts it)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

EXPECTED = Path(__file__).resolve().parent / "seeds"


@dataclass(frozen=True, slots=True)
class Flag:
    line: int
    kind: str
    why: str
    missed: bool


def expected(prefix: str) -> list[Flag]:
    out = []
    for raw in (EXPECTED / f"{prefix}.expected").read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.startswith("#"):
            continue
        missed = raw.startswith("miss ")
        line, kind, why = (part.strip() for part in raw.removeprefix("miss ").split("|", 2))
        out.append(Flag(int(line), kind, why, missed))
    return out
