"""Redaction: the one place text leaving a probe or a task loses its secrets.

Two kinds of secret are masked as `***`:

- the values of the environment variables the plan hands over (`pass_env`, `${VAR}`,
  `secret_env`), at least `MIN_CHARS` long, with the forms a program prints them in
  (URL-encoded, and base64 at any offset inside a longer base64 text, as in an HTTP
  Basic header);
- whatever the secrets scanner's detectors recognise (vendor tokens, private keys,
  passwords in URLs, assignments of secret-named keys), wherever it came from: a test's
  failure message, a file a command printed.

The engine applies it to every outcome (message, evidence, findings) before anything
else sees it, the orchestrator to every task's output, `gonogo audit` to what it prints;
so reports, history, state files and webhooks only ever hold masked text.
"""

from __future__ import annotations

import base64
import re
import urllib.parse
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

MASK = "***"
MIN_CHARS = 6
# always passed to commands, and no secret: masking them would mask every path
NOT_SECRET = frozenset(
    [
        "PATH",
        "HOME",
        "LANG",
        "LC_ALL",
        "TMPDIR",
        "USER",
        "LOGNAME",
        "TERM",
        "SYSTEMROOT",
        "PWD",
        "SHELL",
        "TZ",
    ]
)
_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)")
_NAME_KEYS = ("pass_env", "secret_env")
_B64_TAIL = r"[A-Za-z0-9+/_-]{0,2}=*"
_MIN_CORE = 8  # shorter base64 fragments would mask innocent text


class Redactor:
    """Masks a set of values and (unless `detect` is False) what the detectors find."""

    __slots__ = ("detect", "values")

    def __init__(self, values: Iterable[str] = (), *, detect: bool = True) -> None:
        self.values = frozenset(values)
        self.detect = detect

    def plus(self, values: Iterable[str]) -> Redactor:
        """This redactor with more values (already judged secret by the caller)."""
        more = self.values | frozenset(values)
        return self if more == self.values else Redactor(more, detect=self.detect)

    def text(self, text: str) -> str:
        if not text:
            return text
        if self.values:
            text = _pattern(self.values).sub(MASK, text)
        return detected(text) if self.detect else text

    def touches(self, texts: Iterable[str]) -> bool:
        """Whether masking could change any of `texts` (one pass over them all: the common
        answer, no, costs one regex search and one detector prefilter)."""
        blob = "\n".join(texts)
        if self.values and _pattern(self.values).search(blob):
            return True
        return self.detect and bool(_candidates(blob.encode("utf-8", "surrogateescape")))

    def data(self, value: Any) -> Any:
        """Strings inside dicts, lists and tuples masked; other values as they are."""
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self.data(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self.data(v) for v in value]
        return value


def for_names(names: Iterable[str], environ: Mapping[str, str]) -> Redactor:
    """A redactor for the values of `names` in `environ` (short and well-known ones left)."""
    values = (environ.get(n, "") for n in names if n not in NOT_SECRET)
    return Redactor(v for v in values if len(v) >= MIN_CHARS)


def env_names(data: Any) -> set[str]:
    """Variables a plan's plain data (or params models) hands over: `pass_env` and
    `secret_env` entries, and every `${VAR}` written in a string."""
    found: set[str] = set()
    todo = [data]
    while todo:
        item = todo.pop()
        if type(item) is str:
            if "${" in item:
                found.update(_REF.findall(item))
            continue
        if hasattr(item, "__pydantic_fields_set__"):  # a model: the fields the plan wrote
            item = {k: item.__dict__[k] for k in item.__pydantic_fields_set__}
        if isinstance(item, dict):
            for key in _NAME_KEYS:
                found.update(_strings(item.get(key)))
            todo.extend(v for v in item.values() if v is not None and type(v) not in _SCALARS)
        elif isinstance(item, list | tuple):
            todo.extend(v for v in item if v is not None and type(v) not in _SCALARS)
    return found


_SCALARS = (int, float, bool)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list | tuple) else []


def forms(value: str) -> list[str]:
    """Regex sources matching `value` as a program may print it."""
    out = {re.escape(value)}
    for quoted in (urllib.parse.quote(value, safe=""), urllib.parse.quote_plus(value)):
        out.add(re.escape(quoted))
    out.update(re.escape(core) + _B64_TAIL for core in _base64_cores(value.encode()))
    return sorted(out, key=len, reverse=True)


def _base64_cores(raw: bytes) -> set[str]:
    """`raw` in base64 at each of the three offsets it may sit at inside a longer text,
    less the characters it shares with its neighbours; both alphabets."""
    cores = set()
    for shift in range(3):
        text = base64.b64encode(b"\0" * shift + raw).decode().rstrip("=")
        core = text[(shift * 8 + 5) // 6 : len(text) - 2]
        if len(core) >= _MIN_CORE:
            cores |= {core, core.replace("+", "-").replace("/", "_")}
    return cores


@lru_cache(maxsize=256)
def _pattern(values: frozenset[str]) -> re.Pattern[str]:
    sources = sorted({s for v in values for s in forms(v)}, key=len, reverse=True)
    return re.compile("|".join(sources))


def _candidates(data: bytes) -> tuple[Any, ...]:
    """The detectors whose cheap hint matches `data` (usually none)."""
    from gonogo.secrets.scan import compiled
    from gonogo.secrets.spans import AS_CONFIG

    return tuple(compiled().candidates(data, AS_CONFIG))


def strings(value: Any) -> list[str]:
    """Every string inside `value` (dicts, lists and tuples walked), in no set order."""
    out: list[str] = []
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            out.append(item)
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif isinstance(item, list | tuple):
            todo.extend(item)
    return out


def detected(text: str) -> str:
    """`text` with every value the secrets detectors recognise masked."""
    from gonogo.secrets.spans import secret_spans

    data = text.encode("utf-8", "surrogateescape")
    spans = secret_spans(data)
    if not spans:
        return text
    out, at = [], 0
    for start, end in sorted(spans):
        if start >= at:
            out += [data[at:start], MASK.encode()]
            at = end
        else:
            at = max(at, end)
    out.append(data[at:])
    return b"".join(out).decode("utf-8", "replace")


NONE = Redactor(detect=False)
"""Masks nothing: for callers that redact elsewhere."""
