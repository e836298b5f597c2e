"""The scanner: one pass of an RE2 set of cheap hints per file, detectors only where a
hint matched, plain `read()` through the tree reader (worker processes for big trees are
in `gonogo.secrets.parallel`).

`scan_data` is a pure function of (bytes, path); `scan_files` reads files itself and is
what the worker processes run. Neither ever returns, logs or raises the secret value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from gonogo.fs.reader import TreeReader
from gonogo.secrets import prefilter
from gonogo.secrets.detectors import DETECTORS, context_of, in_rust_test, is_lock_file
from gonogo.secrets.fingerprint import fingerprint
from gonogo.secrets.listed import in_scanner_allowlist
from gonogo.secrets.prefilter import Prefilter
from gonogo.secrets.rule import Candidate, Detector, NameTest, any_name
from gonogo.secrets.values import entropy

if TYPE_CHECKING:
    from gonogo.secrets.allow import Allowlists

# Comments that mark a reviewed line, ours and those other scanners' users already have.
ALLOW_MARKS = (
    b"gonogo: allow",
    b"gitleaks:allow",
    b"pragma: allowlist secret",
    b"trufflehog:ignore",
    b"nosec",
)
NEXT_LINE_MARK = b"pragma: allowlist nextline secret"
_LOCK_SKIPS = frozenset(("generic-secret", "jwt", "url-password", "connection-string-password"))
# Kinds whose value is a setting's: on a commented-out line it is not in effect (a chart's
# `#  password: some_pass`), so a warning; a vendor's token or a key block stays an error.
_SETTINGS = frozenset(("generic-secret", "url-password", "connection-string-password"))
_COMMENT_MARKS = (b"#", b"//", b";", b"--", b"<!--", b"/*", b"* ")
READ_CAP = 16 * 1024 * 1024
MAX_HITS = 1000  # findings kept per scan (`max_findings`); the count of the rest is kept
BINARY_SNIFF = 8192


@dataclass(frozen=True, slots=True)
class Hit:
    """A located secret: never the value, only its preview and a salted fingerprint."""

    kind: str
    path: str
    line: int
    preview: str  # first four characters
    length: int
    fingerprint: str
    severity: str = "error"
    context: str = ""  # test | example | docs (what the path says) | comment | ""
    reviewed: str = ""  # the baseline's slow hash of the value, when the scan was asked
    allowed: str = ""  # the tool allowlist that allows it (`.gitleaks.toml [allowlist] paths`)
    note: str = ""  # what an allowlist says of a finding it leaves reported


class Review(Protocol):
    """What a baseline asks of the scanner: which findings to hash, and how."""

    def wants(self, kind: str, path: str) -> bool: ...

    def digest(self, kind: str, path: str, value: bytes) -> str: ...

    def accepts(self, hit: Hit) -> bool: ...


@dataclass
class Totals:
    files: int = 0
    bytes: int = 0
    skipped_binary: int = 0
    truncated: list[str] = field(default_factory=list)  # the first few named
    unreadable: list[str] = field(default_factory=list)
    n_truncated: int = 0  # and counted, every one
    n_unreadable: int = 0
    dropped_hits: int = 0  # found, not kept: past the limit of findings
    baselined: int = 0  # found, accepted by the baseline
    allowed: dict[str, int] = field(default_factory=dict)  # found, allowed: by which list

    def add(self, other: Totals) -> None:
        self.dropped_hits += other.dropped_hits
        self.baselined += other.baselined
        for label, n in other.allowed.items():
            self.allowed[label] = self.allowed.get(label, 0) + n
        self.files += other.files
        self.bytes += other.bytes
        self.skipped_binary += other.skipped_binary
        self.truncated += other.truncated
        self.unreadable += other.unreadable
        self.n_truncated += other.n_truncated
        self.n_unreadable += other.n_unreadable


@dataclass(frozen=True)
class _Patterns:
    """Every distinct hint in one prefilter (`gonogo.secrets.prefilter`): a single pass
    over a file names the detectors worth running on it (for almost every file: none).
    Detectors without a hint run on every file their `files` test accepts (`.netrc`,
    `.htpasswd`). An answer that is not complete (the engine gave up) runs every detector.
    """

    hints: Prefilter
    groups: tuple[tuple[int, ...], ...]  # per hint: the matchers it stands for
    unhinted: tuple[int, ...]
    matchers: tuple[_Matcher, ...]
    always: int = field(init=False)  # the index that marks a complete answer
    # (test, matcher) of the detectors without a hint: what most files are asked
    path_only: tuple[tuple[Callable[[str], bool], _Matcher], ...] = field(init=False)
    # all their tests in one when each tests the name: most files fail it at once
    any_path_only: NameTest | None = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "always", len(self.groups))
        path_only = []
        for i in self.unhinted:
            m = self.matchers[i]
            path_only.append((m.det.files or (lambda rel: True), m))
        object.__setattr__(self, "path_only", tuple(path_only))
        names = tuple(t for t, _ in path_only if isinstance(t, NameTest))
        either = any_name(names) if len(names) == len(path_only) else None
        object.__setattr__(self, "any_path_only", either)

    def candidates(self, data: bytes, path: str) -> tuple[_Matcher, ...]:
        found = self.hints.found(data)
        if len(found) == 1 and found[0] == self.always:  # no hint: what most files get
            if self.any_path_only is not None and not self.any_path_only(path):
                return ()
            return tuple(m for test, m in self.path_only if test(path))
        chosen: Iterable[int]
        if self.always in found:
            chosen = sorted(
                {i for h in found if h != self.always for i in self.groups[h]}.union(self.unhinted)
            )  # in detector order
        else:
            chosen = range(len(self.matchers))
        matchers = self.matchers
        return tuple(
            m for m in map(matchers.__getitem__, chosen) if m.det.files is None or m.det.files(path)
        )


class _Matcher:
    """A detector's pattern, compiled when a file first needs it: most detectors never
    run in a scan (their hint is in no file), and a worker starts without compiling them.
    """

    __slots__ = ("_options", "_regex", "det", "k", "line", "v")

    def __init__(self, det: Detector, options: Any) -> None:
        self.det = det
        self._options = options
        self._regex: Any = None
        self.v = self.line = 0  # group indexes of the value and of the line reported
        self.k: int | None = None  # of the key, if the pattern names one

    @property
    def regex(self) -> Any:
        if self._regex is None:
            import re2

            regex = re2.compile(self.det.pattern, self._options)
            groups = regex.groupindex
            self.v, self.k = groups[b"v"], groups.get(b"k")
            self.line = groups[self.det.line_group]
            self._regex = regex  # last: another thread sees it only with its groups
        return self._regex


@cache
def compiled() -> _Patterns:
    """Patterns compiled once per process (the prefilter comes from the cache)."""
    import re2

    options = re2.Options()
    options.encoding = re2.Options.Encoding.LATIN1
    options.max_mem = 64 << 20
    by_hint: dict[bytes, list[int]] = {}
    for i, det in enumerate(DETECTORS):
        by_hint.setdefault(det.hint, []).append(i)
    unhinted = tuple(by_hint.pop(b"", ()))
    hints = prefilter.build(list(by_hint), options)

    groups = tuple(tuple(ix) for ix in by_hint.values())
    return _Patterns(hints, groups, unhinted, tuple(_Matcher(d, options) for d in DETECTORS))


def hint_patterns() -> list[bytes]:
    """The distinct hints the prefilter runs (what the benchmark gives ripgrep)."""
    return list(dict.fromkeys(d.hint for d in DETECTORS if d.hint))


def scan_data(
    data: bytes, path: str, review: Review | None = None, allow: Allowlists | None = None
) -> list[Hit]:
    """Secrets in one file's content (already known not to be binary): one hit per value,
    the first detector to claim a stretch of the file names it. A hit the tool allowlists
    `allow` is marked with what allows it (and left unhashed)."""
    matchers = compiled().candidates(data, path)
    return _detect(matchers, data, path, review, allow) if matchers else []


def _detect(
    matchers: tuple[_Matcher, ...],
    data: bytes,
    path: str,
    review: Review | None,
    allow: Allowlists | None = None,
) -> list[Hit]:
    hits: list[Hit] = []
    claimed: list[tuple[int, int]] = []
    lock = is_lock_file(path)
    context = context_of(path)
    for matcher in matchers:
        if lock and matcher.det.kind in _LOCK_SKIPS:
            continue
        for m in matcher.regex.finditer(data):
            span = (m.start(matcher.v), m.end(matcher.v))
            if any(a < span[1] and span[0] < b for a, b in claimed):
                continue
            hit = _judge(matcher, m, data, path, context)
            if hit is not None and allow is not None:
                hit = _allowed(hit, allow, matcher, m, data)
            if (
                hit is not None
                and review is not None
                and not hit.allowed
                and review.wants(hit.kind, path)
            ):
                hit = replace(hit, reviewed=review.digest(hit.kind, path, m.group(matcher.v)))
            if hit is not None:
                hits.append(hit)
                claimed.append(span)
    return sorted(hits, key=lambda h: (h.line, h.kind))


def _judge(matcher: _Matcher, m: Any, data: bytes, path: str, context: str) -> Hit | None:
    det = matcher.det
    start = m.start(matcher.v)
    value: bytes = m.group(matcher.v)
    key: bytes = m.group(matcher.k) or b"" if matcher.k is not None else b""
    if det.min_entropy and entropy(value) < det.min_entropy:
        return None
    if det.check is not None and not det.check(
        Candidate(value, key, data, start, m.end(), path, m.start())
    ):
        return None
    at = m.start(matcher.line)
    if allowed(data, at, start) or in_scanner_allowlist(data, start, path):
        return None
    if not context and det.kind in _SETTINGS and _commented(data, at):
        context = "comment"
    elif not context and path.endswith(".rs") and in_rust_test(data, at):
        context = "test"
    severity = det.severity if not context else "warning"
    return Hit(
        kind=det.kind,
        path=path,
        line=data.count(b"\n", 0, at) + 1,
        preview=value[:4].decode("utf-8", "replace"),
        length=len(value),
        fingerprint=fingerprint(det.kind, path, value),
        severity=severity,
        context=context,
    )


def _commented(data: bytes, at: int) -> bool:
    """Whether the line of offset `at` is a comment up to there."""
    line = data[data.rfind(b"\n", 0, at) + 1 : at].lstrip(b" \t")
    return line.startswith(_COMMENT_MARKS)


def _allowed(hit: Hit, allow: Allowlists, matcher: _Matcher, m: Any, data: bytes) -> Hit:
    """The hit marked with the tool allowlist that allows it, or with what one says."""
    from gonogo.secrets.allow import KEY_BLOCKS, Seen

    start, end = m.start(), max(m.start(), m.end() - 1)
    first = data.rfind(b"\n", 0, start) + 1
    last = data.find(b"\n", end)
    key = m.group(matcher.k) or b"" if matcher.k is not None else b""
    seen = Seen(
        hit.kind,
        hit.path,
        m.group(matcher.v),
        key,
        m.group(0),
        tuple(data[first : last if last != -1 else len(data)].split(b"\n")),
        data.count(b"\n", 0, start) + 1,
        hit.line,
        _block(data, start, m.end()) if hit.kind in KEY_BLOCKS else b"",
    )
    label, note = allow.judge(seen)
    if label:
        return replace(hit, allowed=label)
    return replace(hit, severity="warning", note=note) if note else hit


def _block(data: bytes, start: int, end: int) -> bytes:
    """A PEM block from its header to the end of its `-----END …-----` line (b"" when it
    has none, as PuTTY's format)."""
    close = data.find(b"-----END ", end)
    stop = data.find(b"-----", close + 9) if close != -1 else -1
    return data[start : stop + 5] if stop != -1 else b""


def allowed(data: bytes, first: int, last: int) -> bool:
    """Whether an allow marker is on the lines from offset `first` to `last`, or a
    next-line marker on the line before."""
    line_start = data.rfind(b"\n", 0, first) + 1
    line_end = data.find(b"\n", last)
    text = data[line_start : line_end if line_end != -1 else len(data)]
    if any(mark in text for mark in ALLOW_MARKS):
        return True
    previous = data[data.rfind(b"\n", 0, max(0, line_start - 1)) + 1 : line_start]
    return NEXT_LINE_MARK in previous


def is_binary(data: bytes) -> bool:
    return data.find(b"\0", 0, BINARY_SNIFF) != -1


def tree_read(root: str) -> Callable[[str], bytes | None]:
    """The scanner's read under `root`: at most READ_CAP + 1 bytes (the extra byte tells a
    file that was cut), through one reader, so each directory is checked once."""
    reader = TreeReader(root)

    def read(rel: str) -> bytes | None:
        return reader.read(rel, READ_CAP + 1)

    return read


def scan_files(
    root: str,
    rels: list[str],
    read: Callable[[str], bytes | None] | None = None,
    review: Review | None = None,
    allow: Allowlists | None = None,
) -> tuple[list[Hit], Totals]:
    """Read and scan `rels`; unreadable files are named in the totals, never raised.

    `read(rel)` returns at most READ_CAP + 1 bytes, or None for what is not a regular file.
    The loop runs once per file of the tree, so it keeps its counts in locals.
    """
    read = read or tree_read(root)
    candidates = compiled().candidates
    hits: list[Hit] = []
    totals = Totals()
    files = size = binary = 0
    for rel in rels:
        try:
            data = read(rel)
        except FileNotFoundError:
            continue  # deleted since it was listed (or a tracked file deleted): nothing to scan
        except OSError:
            totals.unreadable.append(rel)
            totals.n_unreadable += 1
            continue
        if data is None:
            continue
        if len(data) > READ_CAP:
            data = data[:READ_CAP]
            totals.truncated.append(rel)
            totals.n_truncated += 1
        files += 1
        size += len(data)
        if data.find(b"\0", 0, BINARY_SNIFF) != -1:
            binary += 1
            continue
        matchers = candidates(data, rel)
        if not matchers:
            continue
        found = _detect(matchers, data, rel, review, allow)
        if allow is not None:
            for hit in found:
                if hit.allowed:
                    totals.allowed[hit.allowed] = totals.allowed.get(hit.allowed, 0) + 1
            found = [h for h in found if not h.allowed]
        if review is not None:
            fresh = [h for h in found if not review.accepts(h)]
            totals.baselined += len(found) - len(fresh)
            found = fresh
        hits.extend(found)
    totals.files, totals.bytes, totals.skipped_binary = files, size, binary
    return hits, totals


def to_json(hits: list[Hit], totals: Totals) -> str:
    """The worker's output: one JSON line per hit, then a totals line."""
    import json
    from dataclasses import asdict

    lines = [json.dumps({"hit": asdict(h)}) for h in hits]
    lines.append(json.dumps({"totals": asdict(totals)}))
    return "\n".join(lines) + "\n"


def from_json(text: str) -> tuple[list[Hit], Totals]:
    import json

    hits: list[Hit] = []
    totals = Totals()
    for line in text.splitlines():
        item = json.loads(line)
        if "hit" in item:
            hits.append(Hit(**item["hit"]))
        else:
            totals.add(Totals(**item["totals"]))
    return hits, totals
