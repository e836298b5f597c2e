"""Allowlists of the scanners a team already runs, applied to gonogo's findings.

A team that runs gitleaks or detect-secrets has reviewed what their allowlists name
(`.gitleaks.toml`, `.gitleaksignore`, `.secrets.baseline`, read by `gonogo.secrets.tools`).
Each list is a `Source`: it tests one finding, as `Seen` by the scanner (the value is
there, in memory only), and answers with the `Verdict` of the part that allows it, whose
label the totals count ("412 allowed by .gitleaks.toml [allowlist] paths").

Two rules hold whatever the lists say:
- a value detect-secrets' baseline marks a real secret (`is_secret: true`) is reported;
- a private key is allowed only by what names it, its line or its value: a list that
  allows its whole file (a path pattern) leaves it a warning, never a silent pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

PRIVATE_KEYS = frozenset(["private-key"])  # kinds a path pattern alone never allows
KEY_BLOCKS = PRIVATE_KEYS | {"encrypted-private-key"}
PATTERN_SHOWN = 80  # characters of a refused pattern quoted in a warning
MAX_PATTERNS = 10_000  # patterns read from one list (a hostile file cannot stall the scan)
JOINED = 256  # patterns searched in one RE2 alternation


@dataclass(frozen=True, slots=True)
class Seen:
    """One finding as the allowlists test it: inside the scanner only, never stored."""

    kind: str
    path: str
    value: bytes  # the secret
    key: bytes  # the key or header the detector names (b"" when none)
    match: bytes  # the detector's whole match
    lines: tuple[bytes, ...]  # each line the match spans
    first: int  # number of the match's first line
    line: int  # the line the finding reports
    block: bytes = b""  # a private key's whole block, `-----BEGIN` to `-----END …-----`

    @property
    def numbers(self) -> range:
        return range(self.first, self.first + len(self.lines))

    @property
    def secret(self) -> bytes:
        """What gitleaks calls the secret: the value, or a key's whole block (its rule
        matches the block)."""
        return self.block or self.value


@dataclass(frozen=True, slots=True)
class Verdict:
    label: str  # which file, which list, which part: `.gitleaks.toml [allowlist] paths`
    by_path: bool = False  # the path alone decided


class Source(Protocol):
    def judge(self, seen: Seen) -> Verdict | None: ...


@dataclass(frozen=True, slots=True)
class Problem:
    """A part of another tool's file gonogo cannot use: skipped, and said so."""

    path: str
    line: int | None
    message: str

    def text(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Loaded:
    """What one tool's files give: lists to apply, tests that veto, what `-v` says of
    them, and what could not be used."""

    sources: tuple[Source, ...] = ()
    confirms: tuple[Callable[[Seen], bool], ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    files: tuple[str, ...] = ()  # the tool's own files that were read: not scanned


@dataclass(frozen=True)
class Allowlists:
    """Every tool allowlist in effect for one scan, in the order they are asked."""

    sources: tuple[Source, ...] = ()
    confirms: tuple[Callable[[Seen], bool], ...] = ()
    notes: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()
    worker_args: tuple[str, ...] = field(default=(), compare=False)  # how a worker loads it
    files: tuple[str, ...] = ()  # the tools' own files: not scanned, as the tools skip them

    @classmethod
    def of(cls, parts: Iterable[Loaded], worker_args: Sequence[str] = ()) -> Allowlists:
        done = list(parts)
        return cls(
            tuple(s for p in done for s in p.sources),
            tuple(c for p in done for c in p.confirms),
            tuple(n for p in done for n in p.notes),
            tuple(x for p in done for x in p.problems),
            tuple(worker_args),
            tuple(dict.fromkeys(f for p in done for f in p.files)),
        )

    @property
    def active(self) -> bool:
        return bool(self.sources)

    def judge(self, seen: Seen) -> tuple[str, str]:
        """(label of what allows it, "") or ("", a note when only its path is allowed)."""
        if any(confirm(seen) for confirm in self.confirms):
            return "", ""
        weak: Verdict | None = None
        for source in self.sources:
            verdict = source.judge(seen)
            if verdict is None:
                continue
            if verdict.by_path and seen.kind in PRIVATE_KEYS:
                weak = weak or verdict
                continue
            return verdict.label, ""
        if weak is None:
            return "", ""
        return "", (
            f"(its path is allowed by {weak.label}, but a private key is allowed only by "
            "its line or its value: a warning)"
        )


class Patterns:
    """The usable patterns of one list, searched as a few alternations (each one a
    single RE2 pass); an empty list matches nothing."""

    __slots__ = ("_groups",)

    def __init__(self, compiled: Sequence[tuple[str, Any]]) -> None:
        from gonogo.patterns import untrusted

        self._groups: list[Any] = []
        for at in range(0, len(compiled), JOINED):
            part = compiled[at : at + JOINED]
            joined = untrusted("|".join(f"(?:{text})" for text, _ in part))[0]
            self._groups += [joined] if joined is not None else [rx for _, rx in part]

    def search(self, text: str) -> bool:
        return any(rx.search(text) is not None for rx in self._groups)


def patterns(
    values: Sequence[str], where: str, key: str, locate: Callable[[str], int | None]
) -> tuple[Patterns, list[Problem]]:
    """`values` compiled by RE2; each one it refuses is a problem naming `where`, `key`
    and the pattern (at its line, when `locate` finds it), and is left out, as are those
    past the first MAX_PATTERNS."""
    from gonogo.patterns import untrusted

    kept: list[tuple[str, Any]] = []
    problems = []
    for i, text in enumerate(values[:MAX_PATTERNS]):
        rx, why = untrusted(text)
        if rx is None:
            shown = text if len(text) <= PATTERN_SHOWN else text[:PATTERN_SHOWN] + "…"
            problems.append(Problem(where, locate(text), f"{key}[{i}] {shown!r}: {why}; skipped"))
        else:
            kept.append((text, rx))
    if len(values) > MAX_PATTERNS:
        why = f"{key}: {len(values)} patterns, more than the {MAX_PATTERNS} read; the rest skipped"
        problems.append(Problem(where, None, why))
    return Patterns(kept), problems


def text_of(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def locator(source: str) -> Callable[[str], int | None]:
    """The number of the first line of `source` holding a given text (a pattern as
    written, which TOML and JSON parsers do not tell)."""

    def locate(needle: str) -> int | None:
        at = source.find(needle) if needle else -1
        return source.count("\n", 0, at) + 1 if at >= 0 else None

    return locate


def summary(allowed: dict[str, int]) -> str:
    """`412 allowed by A, 3 by B`, the biggest first; '' when nothing was allowed."""
    ranked = sorted(allowed.items(), key=lambda kv: (-kv[1], kv[0]))
    parts = [f"{n} by {label}" for label, n in ranked if n]
    if not parts:
        return ""
    head, *rest = parts
    return ", ".join([head.replace(" by ", " allowed by ", 1), *rest])


def read_text(root: Path, rel: str, cap: int) -> tuple[str | None, Problem | None]:
    """The UTF-8 text of `root/rel`, read without leaving the tree and at most `cap`
    bytes: (None, None) when there is no such file, (None, problem) when it cannot be
    used."""
    from gonogo.fs.reader import TreeReader

    try:
        raw = TreeReader(str(root)).read(rel, cap + 1)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, Problem(rel, None, f"cannot be read ({exc.strerror or exc}); not used")
    if raw is None:
        return None, Problem(rel, None, "not a regular file; not used")
    if len(raw) > cap:
        return None, Problem(rel, None, f"larger than {cap >> 20} MiB; not used")
    try:
        return raw.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        return None, Problem(rel, line, "not UTF-8 text; not used")
