"""What the compose probe looks for in one parsed compose file.

Secrets: a secret-named variable (`gonogo.probes.secretnames`) set inline, given an
inline `${VAR:-default}`, or read through `${VAR}` from a committed `.env`; a password
inline in a URL (`postgres://app:pw@db/app`) in any variable; a password passed on the
command line of `command`, `entrypoint` or `healthcheck` (`--requirepass pw`,
`mysqladmin -ppw`, `PGPASSWORD=pw`). `${VAR}` and `${VAR:-}` for a secret are a warning:
compose starts with a blank value when VAR is unset. Images: untagged, `:latest` and
floating tags (`gonogo.probes.images`), unless the service builds the image itself.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from gonogo.models import Finding
from gonogo.probes import composevars as cv
from gonogo.probes.images import unpinned
from gonogo.probes.secretnames import is_real_value, is_secret_name
from gonogo.yamlread import Located

YamlPath = tuple[str | int, ...]
_URL_CREDENTIALS = re.compile(r"\b[a-z][a-z0-9+.-]*://([^:/@\s]+):([^@/\s]+)@", re.I)
_PASSWORD_FLAGS = frozenset(
    [
        "--password",
        "--passwd",
        "--pass",
        "--requirepass",
        "--masterauth",
        "--token",
        "--secret",
        "--api-key",
        "--apikey",
        "--auth-token",
        "--access-key",
        "--secret-key",
        "--client-secret",
        "--root-password",
        "--admin-password",
    ]
)
_MYSQL = frozenset(
    [
        "mysql",
        "mysqladmin",
        "mysqldump",
        "mysqlcheck",
        "mariadb",
        "mariadb-admin",
    ]
)


@dataclass
class ComposeFile:
    """One compose file and what compose would read beside it."""

    rel: str
    doc: Located
    dotenv_rel: str = ""
    dotenv: Mapping[str, cv.EnvLine] = field(default_factory=dict)
    project: str | None = None  # the folder compose resolves paths from, if not its own

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.rel) if self.project is None else self.project

    @property
    def is_compose(self) -> bool:
        return isinstance(self.doc.data, dict) and isinstance(self.doc.data.get("services"), dict)

    def at(self, path: YamlPath) -> int | None:
        return self.doc.where(path)[0]


@dataclass(frozen=True, slots=True)
class Hit:
    rule: str
    message: str
    severity: str = "error"
    path: str | None = None  # None: the compose file, at the value's line
    line: int | None = None


def services(cf: ComposeFile) -> Iterator[tuple[str, dict[str, Any]]]:
    found = cf.doc.data.get("services") if isinstance(cf.doc.data, dict) else None
    for name, body in (found or {}).items():
        if isinstance(body, dict):
            yield str(name), body


def environment(env: Any) -> Iterator[tuple[str, str, YamlPath]]:
    """(name, value, path inside the section) of every variable given a value: the
    mapping form and the `KEY=value` list form; `KEY` alone passes the shell's through."""
    if isinstance(env, dict):
        for key, value in env.items():
            if value is not None:
                yield str(key), _text(value), (key,)
    elif isinstance(env, list):
        for i, item in enumerate(env):
            name, sep, value = str(item).partition("=")
            if sep:
                yield name.strip(), value, (i,)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def judge_variable(cf: ComposeFile, name: str, value: str) -> Hit | None:
    """The problem with `name=value` in a service's environment, if any."""
    url = url_password(value)
    if url is not None:
        return url
    if not is_secret_name(name):
        return None
    return judge_secret(cf, name, cv.parse(value))


def url_password(value: str) -> Hit | None:
    for match in _URL_CREDENTIALS.finditer(value):
        secret = cv.literal(cv.parse(match.group(2)))
        if secret == match.group(2) and is_real_value(secret):
            return Hit(
                "compose.hardcoded-secret",
                f"a URL carries the password of {match.group(1)!r} inline ({len(secret)} chars)",
            )
    return None


def judge_secret(cf: ComposeFile, name: str, parts: tuple[cv.Part, ...]) -> Hit | None:
    refs = cv.refs(parts)
    if not refs:
        text = cv.literal(parts)
        if not is_real_value(text, name):
            return None
        return Hit(
            "compose.hardcoded-secret",
            f"{name} is set inline ({len(text)} chars): anyone who can read the repository has it",
        )
    warning = None
    for ref in refs:
        hit = _judge_ref(cf, name, ref)
        if hit is not None and hit.severity == "error":
            return hit
        warning = warning or hit
    return warning


def _judge_ref(cf: ComposeFile, name: str, ref: cv.Ref) -> Hit | None:
    committed = cf.dotenv.get(ref.name)
    if committed is not None:
        if not is_real_value(committed.value, ref.name):
            return None
        return Hit(
            "compose.hardcoded-secret",
            f"{ref.name} is set in the committed {cf.dotenv_rel} ({len(committed.value)} "
            f"chars), and {cf.rel} reads it for {name}",
            path=cf.dotenv_rel,
            line=committed.line,
        )
    if ref.required or ref.op in (":+", "+"):
        return None
    if ref.op in (":-", "-"):
        default = cv.literal(ref.arg)
        if default and is_real_value(default, name):
            return Hit(
                "compose.secret-default",
                f"{name} falls back to an inline default when ${{{ref.name}}} is unset: the "
                f"default is a committed secret; use ${{{ref.name}:?{ref.name} must be set}}",
            )
        if cv.refs(ref.arg):
            return judge_secret(cf, name, ref.arg)
    return Hit(
        "compose.optional-secret",
        f"{name} is blank when ${{{ref.name}}} is unset (compose starts anyway); "
        f"${{{ref.name}:?message}} makes it required",
        severity="warning",
    )


def command_tokens(value: Any) -> list[str]:
    """The words of a `command`, `entrypoint` or healthcheck `test`, shell strings split."""
    if isinstance(value, list):
        words = [_text(v) for v in value]
        out: list[str] = []
        for i, word in enumerate(words):
            shell = i > 0 and words[i - 1] in ("-c", "CMD-SHELL")
            out += _split(word) if shell else [word]
        return [w for w in out if w not in ("CMD", "CMD-SHELL")]
    return _split(_text(value)) if value is not None else []


def _split(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def judge_command(cf: ComposeFile, words: list[str]) -> Hit | None:
    """A secret given on a command line: `--password pw`, `-ppw` to a MySQL client,
    `-a pw` to redis-cli, `NAME=pw` for a secret-named NAME, or a URL with a password."""
    programs: set[str] = set()
    for i, word in enumerate(words):
        programs.add(posixpath.basename(word))
        following = words[i + 1] if i + 1 < len(words) else ""
        given = _flag_value(word, following, programs)
        if given is not None:
            hit = judge_secret(cf, given[0], cv.parse(given[1]))
            if hit is not None and hit.severity == "error":
                return hit
        hit = url_password(word)
        if hit is not None:
            return hit
    return None


def _flag_value(word: str, following: str, programs: set[str]) -> tuple[str, str] | None:
    """(what names the secret, its value) when `word` passes one; the name never holds
    any of the value, so a message can show it."""
    flag, sep, value = word.partition("=")
    if flag in _PASSWORD_FLAGS:
        if sep:
            return flag, value
        return (flag, following) if following and not following.startswith("-") else None
    if sep and is_secret_name(flag) and re.fullmatch(r"[A-Za-z_]\w*", flag):
        return flag, value
    if programs & _MYSQL and word.startswith("-p") and len(word) > 2:
        return "-p", word[2:]
    if "redis-cli" in programs and word == "-a" and following:
        return "-a", following
    return None


def judge_image(cf: ComposeFile, image: str) -> Hit | None:
    value = cv.evaluate(cv.parse(image), {k: v.value for k, v in cf.dotenv.items()})
    if value is None:
        return None  # depends on a variable set at deploy time
    why = unpinned(value)
    if why is None:
        return None
    return Hit("compose.unpinned-image", f"image {value} {why}: deploys are not reproducible")


def env_file_paths(cf: ComposeFile, body: dict[str, Any]) -> list[str]:
    """The `env_file:` entries of a service, as paths from the project root."""
    entries = body.get("env_file")
    items = entries if isinstance(entries, list) else [entries] if entries else []
    out = []
    for item in items:
        path = item.get("path") if isinstance(item, dict) else item
        if isinstance(path, str) and path:
            out.append(posixpath.normpath(posixpath.join(cf.folder, path)))
    return out


def to_finding(cf: ComposeFile, hit: Hit, where: YamlPath, prefix: str, key: str) -> Finding:
    path = hit.path or cf.rel
    line = hit.line if hit.path else cf.at(where)
    message = f"{prefix}{hit.message}"
    return Finding(hit.rule, message, path=path, line=line, severity=hit.severity, key=key)
