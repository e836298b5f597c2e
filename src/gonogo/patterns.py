"""Regular expressions written in plans, matched by RE2: linear time in the text, so no
pattern a plan holds can make a check run past its timeout (Python's backtracking `re`
takes exponential time on `^(a+)+$`).

RE2 refuses what it cannot run in linear time (backreferences, lookaround, possessive
quantifiers); `problem` says so in words a plan author can act on, at load time.
Differences from Python's syntax: `\\d`, `\\w` and `\\b` are ASCII, and the end of the
text is `\\z` (Python's `\\Z`).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

MAX_MEM = 8 << 20  # RE2's budget per pattern; beyond it, it falls back to a slower NFA

_HINTS = (
    ("invalid escape sequence: \\Z", "write \\z for the end of the text"),
    ("invalid escape sequence: \\", "backreferences (\\1) and this escape are not supported"),
    ("invalid perl operator: (?=", "lookahead (?=…) is not supported"),
    ("invalid perl operator: (?!", "negative lookahead (?!…) is not supported"),
    ("invalid perl operator: (?<", "lookbehind (?<=…) is not supported"),
    ("bad repetition operator: ++", "possessive quantifiers (a++) are not supported"),
    ("bad repetition operator: *+", "possessive quantifiers (a*+) are not supported"),
    ("pattern too large", "the pattern is too large; split it into several checks"),
)


class PatternError(ValueError):
    pass


def _options() -> Any:
    import re2

    opts = re2.Options()
    opts.max_mem = MAX_MEM
    opts.log_errors = False  # the error is reported once, as a plan error
    return opts


@lru_cache(maxsize=512)
def compiled(pattern: str, *, multiline: bool = False) -> Any:
    """The RE2 pattern object (`search`, `finditer` as in `re`); raises PatternError."""
    import re2

    try:
        return re2.compile(f"(?m){pattern}" if multiline else pattern, _options())
    except re2.error as exc:
        raise PatternError(_explained(exc)) from None


def problem(pattern: str) -> str:
    """Why RE2 cannot run `pattern`, or ''."""
    try:
        compiled(pattern)
    except PatternError as exc:
        return str(exc)
    return ""


def untrusted(pattern: str) -> tuple[Any, str]:
    """(the RE2 pattern, "") or (None, why RE2 refuses it), for a pattern read from a file
    in the scanned tree (another tool's configuration); not cached, as such files may
    hold thousands."""
    import re2

    try:
        return re2.compile(pattern, _options()), ""
    except re2.error as exc:
        return None, _reason(exc)


def _reason(exc: Exception) -> str:
    raw = exc.args[0] if exc.args else exc
    detail = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw)
    hint = next((h for key, h in _HINTS if key in detail), "")
    return f"invalid regular expression ({detail})" + (f": {hint}" if hint else "")


def _explained(exc: Exception) -> str:
    return f"{_reason(exc)}; plan patterns use RE2 syntax, matched in linear time"
