"""The shape of a detector: a pattern naming the value, a cheap hint for the prefilter,
and a check on the candidate that regexes cannot express (placeholders, checksums).

Every pattern is valid for both RE2 (our engine) and Rust's `regex` (ripgrep's), so the
benchmark can give ripgrep the same pattern set. A pattern names the secret `(?P<v>…)`
and, for assignments, the key `(?P<k>…)`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Candidate:
    """A match to judge: the value and key it names, where it sits in the file."""

    value: bytes
    key: bytes
    data: bytes
    start: int  # offset of the value in `data`
    end: int  # offset just past the match
    path: str
    match_start: int = 0  # offset where the match (the key, if any) begins

    @property
    def before(self) -> bytes:
        return self.data[max(0, self.start - 400) : self.start]

    @property
    def after(self) -> bytes:
        return self.data[self.end : self.end + 600]


Check = Callable[[Candidate], bool]
FileTest = Callable[[str], bool]


@dataclass(frozen=True, slots=True)
class NameTest:
    """Files whose name (not directory) contains one of `names` (lowercase), in any
    case. The scanner asks it of every file, so it is plain string work, and the scan
    asks all its name tests at once (`any_name`)."""

    names: tuple[str, ...]

    def __call__(self, rel: str) -> bool:
        name = rel[rel.rfind("/") + 1 :].lower()
        return any(n in name for n in self.names)


def any_name(tests: tuple[NameTest, ...]) -> NameTest:
    """One test for files that any of `tests` accepts."""
    return NameTest(tuple(dict.fromkeys(n for t in tests for n in t.names)))


@dataclass(frozen=True, slots=True)
class Detector:
    kind: str
    title: str
    pattern: bytes
    hint: bytes  # a cheap superset pattern for the combined prefilter; b"": none, the
    # detector runs on every file `files` accepts
    check: Check | None = None
    min_entropy: float = 0.0
    files: FileTest | None = None  # only files this accepts (None: every file)
    severity: str = "error"
    line_group: bytes = b"v"  # the group whose line is reported


def words(text: str) -> tuple[str, ...]:
    """The blank-separated words of `text` (tables of names kept readable)."""
    return tuple(text.split())


def ci(word: str) -> bytes:
    """`word` matched in any ASCII case, spelled out (`[Pp][Aa]…`): a hint stays cheap
    for RE2's DFA and for ripgrep, whose `(?i)` folds Unicode too (`k` matches `K`)."""
    out = []
    for c in word:
        out.append(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c)
    return "".join(out).encode()


def plain_pattern(det: Detector) -> bytes:
    """The detector's pattern without named groups (for prefilters and for ripgrep)."""
    return det.pattern.replace(b"(?P<v>", b"(?:").replace(b"(?P<k>", b"(?:")
