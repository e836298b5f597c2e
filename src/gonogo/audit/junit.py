"""Test-count claims ("4 passed, 16 failed, 3 skipped", "56 tests passing") and the
JUnit XML files (`--junit GLOB`) that confirm or refute them."""

from __future__ import annotations

import glob as globmod
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gonogo.audit.arith import TextLine
from gonogo.audit.markers import cited_paths, plain
from gonogo.audit.model import Claim, Source
from gonogo.audit.regex import rx
from gonogo.errors import UsageError

# up to three words may qualify the tests: "8/8 unit tests passed", "56 API tests passing"
_KIND = r"(?:(?:[a-z][\w-]*\s+){0,3}?tests?\s+)?"
COUNTS = (
    r"(?i)\b(\d{1,9})\s+" + _KIND + r"passed"
    r"(?:\s*,\s*(\d{1,9})\s+failed)?(?:\s*,\s*(?:and\s+)?(\d{1,9})\s+skipped)?"
)
PASSING = r"(?i)\b(\d{1,9})\s+(?:[a-z][\w-]*\s+){0,3}?tests?\s+pass(?:ing|ed)?\b"
FRACTION = r"(?i)\b(\d{1,9})\s*/\s*(\d{1,9})\s+" + _KIND + r"(?:passed|passing|pass|green)\b"
# "57 tests, all green": every one of 57 passed
ALL_PASSED = (
    r"(?i)\b(\d{1,9})\s+(?:[a-z][\w-]*\s+){0,3}?tests?\W{1,3}(?:all|every one)\s+"
    r"(?:green|pass(?:ing|ed)?)\b"
)
MAX_FILES = 1000
MAX_FILE_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class CountClaim:
    claim: Claim
    passed: int
    failed: int | None = None
    skipped: int | None = None
    total: int | None = None  # "23/23 passed": every one of 23 passed
    cited: str = ""  # the JUnit file the line cites, if any


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
        if ("pass" not in lower and "green" not in lower) or "target" in lower:
            continue
        xml = [p for p in cited_paths(text, bare=True) if p.lower().endswith(".xml")]
        cited = xml[0] if xml else ""
        claim = Claim(line, Source.COUNT, _short(text), section, cited=(cited,) if cited else ())
        for m in rx(FRACTION).finditer(text):
            out.append(CountClaim(claim, int(m[1]), total=int(m[2]), cited=cited))
        for m in rx(COUNTS).finditer(text):
            if m.start() and text[m.start() - 1] == "/":
                continue  # "11/11 passed" is read above
            failed = int(m[2]) if m[2] else None
            skipped = int(m[3]) if m[3] else None
            out.append(CountClaim(claim, int(m[1]), failed, skipped, cited=cited))
        out += [CountClaim(claim, int(m[1]), cited=cited) for m in rx(PASSING).finditer(text)]
        out += [
            CountClaim(claim, int(m[1]), total=int(m[1]), cited=cited)
            for m in rx(ALL_PASSED).finditer(text)
        ]
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
        try:
            t = count_file(Path(path))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        passed, failed, skipped = passed + t.passed, failed + t.failed, skipped + t.skipped
    return Totals(tuple(files), passed, failed, skipped)


def count_file(path: Path) -> Totals:
    """Passed, failed (failures and errors) and skipped test cases of one JUnit file.

    The one place the audit reads JUnit XML, through the reader the `junit` probe uses
    (gonogo.probes.junitread), so both count one file alike: reruns are one test, a
    rerun that passed is a (flaky) pass, a suite that failed to run is an error. Raises
    ValueError with a located message for a file that is too big, unreadable or not JUnit."""
    from gonogo.probes.junitread import JunitError, read_junit

    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ValueError(f"{path}: JUnit file larger than {MAX_FILE_BYTES:,} bytes")
        data = path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read JUnit file: {exc.strerror or exc}") from None
    try:
        counts = read_junit(data, str(path)).counts
    except JunitError as exc:
        raise ValueError(str(exc)) from None
    return Totals((str(path),), counts.passed, counts.failed + counts.errors, counts.skipped)


def _short(text: str) -> str:
    text = plain(text)
    return text if len(text) <= 160 else text[:159] + "…"
