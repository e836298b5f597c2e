"""Variables the way docker compose reads them: `${…}` interpolation and `.env` files.

Interpolation (compose specification, "Interpolation"): `$$` is a literal `$`; `$VAR`
and `${VAR}` are the variable's value, empty when it is unset; `${VAR:-default}` uses
the default when VAR is unset or empty, `${VAR-default}` only when unset;
`${VAR:?message}` refuses to start when VAR is unset or empty, `${VAR?message}` only when
unset; `${VAR:+alt}` is `alt` when VAR is set and non-empty, `${VAR+alt}` when set. A
default, message or alternative may itself hold `${…}`.

Environment files (`.env` for interpolation, `env_file:` for containers): one
`KEY=VALUE` a line, `#` comments, an optional `export `, values in single quotes taken
as written, in double quotes with `\\n`-style escapes, unquoted values cut at ` #`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_OPS = (":-", ":?", ":+", "-", "?", "+")


@dataclass(frozen=True, slots=True)
class Ref:
    """One `${NAME<op><arg>}` or `$NAME`."""

    name: str
    op: str = ""  # one of _OPS, or "" for a plain reference
    arg: tuple[Part, ...] = ()

    @property
    def required(self) -> bool:
        return self.op in (":?", "?")


Part = str | Ref


def parse(text: str) -> tuple[Part, ...]:
    """A value split into literal text and references; malformed `${` stays literal."""
    parts: list[Part] = []
    buf: list[str] = []
    i = 0
    while i < len(text):
        if text.startswith("$$", i):
            buf.append("$")
            i += 2
            continue
        ref, end = _ref_at(text, i) if text[i] == "$" else (None, i + 1)
        if ref is None:
            buf.append(text[i : max(end, i + 1)])
            i = max(end, i + 1)
            continue
        if buf:
            parts.append("".join(buf))
            buf = []
        parts.append(ref)
        i = end
    if buf:
        parts.append("".join(buf))
    return tuple(parts)


def _ref_at(text: str, i: int) -> tuple[Ref | None, int]:
    if text.startswith("${", i):
        close = _closing(text, i + 2)
        if close < 0:
            return None, i + 1
        return _braced(text[i + 2 : close]), close + 1
    match = _NAME.match(text, i + 1)
    return (Ref(match.group()), match.end()) if match else (None, i + 1)


def _closing(text: str, start: int) -> int:
    depth = 1
    i = start
    while i < len(text):
        if text.startswith("${", i):
            depth += 1
            i += 2
            continue
        if text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _braced(body: str) -> Ref | None:
    match = _NAME.match(body)
    if match is None:
        return None
    rest = body[match.end() :]
    if not rest:
        return Ref(match.group())
    op = next((o for o in _OPS if rest.startswith(o)), None)
    if op is None:
        return None
    return Ref(match.group(), op, parse(rest[len(op) :]))


def literal(parts: tuple[Part, ...]) -> str:
    """The literal text of a parsed value (references left out)."""
    return "".join(p for p in parts if isinstance(p, str))


def refs(parts: tuple[Part, ...]) -> list[Ref]:
    return [p for p in parts if isinstance(p, Ref)]


def evaluate(parts: tuple[Part, ...], env: Mapping[str, str]) -> str | None:
    """The value compose would use with only `env` set; None when it depends on a
    variable that is unset and has no default (it is given at deploy time)."""
    out: list[str] = []
    for part in parts:
        if isinstance(part, str):
            out.append(part)
            continue
        value = _evaluate_ref(part, env)
        if value is None:
            return None
        out.append(value)
    return "".join(out)


def _evaluate_ref(ref: Ref, env: Mapping[str, str]) -> str | None:
    value = env.get(ref.name)
    if ref.op in (":-", "-"):
        unset = value is None or (ref.op == ":-" and value == "")
        return evaluate(ref.arg, env) if unset else value
    if ref.op in (":+", "+"):
        present = value is not None and (ref.op == "+" or value != "")
        return evaluate(ref.arg, env) if present else ""
    return value


@dataclass(frozen=True, slots=True)
class EnvLine:
    key: str
    value: str
    line: int


def read_env_file(text: str) -> list[EnvLine]:
    """The assignments of a `.env` / `env_file` file, with their line numbers."""
    out: list[EnvLine] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, sep, value = line.partition("=")
        key = key.strip()
        if sep and _NAME.fullmatch(key):
            out.append(EnvLine(key, _env_value(value.strip()), number))
    return out


def _env_value(value: str) -> str:
    if value[:1] in ("'", '"') and value.find(value[0], 1) > 0:
        quote = value[0]
        inner = value[1 : value.find(quote, 1)]
        if quote == '"':
            inner = inner.replace("\\n", "\n").replace('\\"', '"').replace("\\\\", "\\")
        return inner
    cut = value.find(" #")
    return (value[:cut] if cut >= 0 else value).strip()
