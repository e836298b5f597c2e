"""Test-count claims ("4 passed, 16 failed, 3 skipped", "56 tests passing") and the
JUnit XML files (`--junit GLOB`) that confirm or refute them."""

from __future__ import annotations

import glob as globmod
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gonogo.audit.arith import TextLine, rx
from gonogo.audit.markers import plain
from gonogo.audit.model import Claim, ClaimResult, Source, Verdict
from gonogo.errors import UsageError

COUNTS = (
    r"(?i)\b(\d{1,9})\s+(?:tests?\s+)?passed"
    r"(?:\s*,\s*(\d{1,9})\s+failed)?(?:\s*,\s*(?:and\s+)?(\d{1,9})\s+skipped)?"
)
PASSING = r"(?i)\b(\d{1,9})\s+tests?\s+pass(?:ing|ed)?\b"
MAX_FILES = 1000
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CountClaim:
    claim: Claim
    passed: int
    failed: int | None = None
    skipped: int | None = None


@dataclass(frozen=True, slots=True)
class Totals:
    files: tuple[str, ...]
    passed: int = 0
    failed: int = 0
    skipped: int = 0


def count_claims(lines: Sequence[TextLine]) -> list[CountClaim]:
    """Counts stated as results. Targets ("Target: 20/23 passing") are not results."""
    out = []
    for line, text, section in lines:
        lower = text.lower()
        if "pass" not in lower or "target" in lower:
            continue
        claim = Claim(line, Source.COUNT, _short(text), section)
        for m in rx(COUNTS).finditer(text):
            if m.start() and text[m.start() - 1] == "/":
                continue  # "11/11 passed" is a fraction, read by the table arithmetic
            failed = int(m[2]) if m[2] else None
            skipped = int(m[3]) if m[3] else None
            out.append(CountClaim(claim, int(m[1]), failed, skipped))
        out += [CountClaim(claim, int(m[1])) for m in rx(PASSING).finditer(text)]
    return out


def judge(claims: Sequence[CountClaim], totals: Totals | None) -> list[ClaimResult]:
    out = []
    for c in claims:
        if totals is None:
            reason = "a test count; give --junit GLOB to check it against JUnit XML"
            out.append(ClaimResult(c.claim, Verdict.UNVERIFIABLE, reason))
            continue
        pairs = [("passed", c.passed, totals.passed)]
        if c.failed is not None:
            pairs.append(("failed", c.failed, totals.failed))
        if c.skipped is not None:
            pairs.append(("skipped", c.skipped, totals.skipped))
        seen = f"{totals.passed} passed, {totals.failed} failed, {totals.skipped} skipped"
        where = f"JUnit ({len(totals.files)} file(s)) reports {seen}"
        wrong = [f"{n} {name} (off by {abs(n - real)})" for name, n, real in pairs if n != real]
        nums = {name: {"claimed": n, "junit": real} for name, n, real in pairs}
        if wrong:
            reason = f"claims {', '.join(wrong)}; {where}"
            out.append(ClaimResult(c.claim, Verdict.BROKEN, reason, numbers=nums))
        else:
            out.append(ClaimResult(c.claim, Verdict.HOLDS, where, numbers=nums))
    return out


def load_totals(root: Path, patterns: Sequence[str]) -> Totals:
    """Add up the test cases of every file matching the globs (relative to `root`)."""
    files: list[str] = []
    for pattern in patterns:
        full = pattern if os.path.isabs(pattern) else os.path.join(root, pattern)
        found = sorted(p for p in globmod.glob(full, recursive=True) if os.path.isfile(p))
        if not found:
            raise UsageError(f"--junit {pattern}: no file matches under {root}")
        files += found
    files = list(dict.fromkeys(files))[:MAX_FILES]
    passed = failed = skipped = 0
    for path in files:
        p, f, s = _count(Path(path))
        passed, failed, skipped = passed + p, failed + f, skipped + s
    return Totals(tuple(files), passed, failed, skipped)


def _count(path: Path) -> tuple[int, int, int]:
    import defusedxml.ElementTree as ET
    from defusedxml import DefusedXmlException

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise UsageError(f"{path}: JUnit file larger than {MAX_FILE_BYTES:,} bytes")
        root = ET.fromstring(path.read_bytes())
    except ET.ParseError as exc:
        raise UsageError(f"{path}:{exc.position[0]}: not valid JUnit XML: {exc}") from None
    except DefusedXmlException as exc:
        raise UsageError(f"{path}: refused JUnit XML: {exc}") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read JUnit file: {exc.strerror or exc}") from None
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
        elif "skipped" in tags:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def _short(text: str) -> str:
    text = plain(text)
    return text if len(text) <= 160 else text[:159] + "…"
