"""The reviewed baseline: accepted findings by rule, path and a slow hash of the value.

`gonogo secrets --update-baseline` writes it; the `secrets` check ignores the findings it
lists. An entry holds no preview, no length and no line: only the rule, the path and
scrypt(value) salted with a random salt of the file, the rule and the path, so checking
one guess costs about 40 ms and 16 MB, for one entry only. The hash is computed by the
scanner, where the value is, and only for findings whose rule and path have an entry
(or for all when the baseline is rewritten).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gonogo.secrets.scan import Hit

SCHEMA = "gonogo.secrets-baseline/v2"
OLD_SCHEMAS = ("gonogo.secrets-baseline/v1",)
DEFAULT_PATH = ".gonogo-secrets.json"
SCRYPT = {"n": 1 << 14, "r": 8, "p": 1}


class BaselineError(Exception):
    """A baseline file that cannot be read; the message names the file and the problem."""


@dataclass(frozen=True, slots=True)
class Baseline:
    salt: bytes
    entries: tuple[dict[str, Any], ...] = ()
    everything: bool = False  # hash every finding (when the baseline is rewritten)
    _pairs: frozenset[tuple[str, str]] = field(default=frozenset(), repr=False)
    _hashes: frozenset[tuple[str, str, str]] = field(default=frozenset(), repr=False)

    @classmethod
    def of(
        cls, salt: bytes, entries: Iterable[dict[str, Any]], everything: bool = False
    ) -> Baseline:
        kept = tuple(entries)
        keys = {(_kind(e["rule"]), e["path"], e["hash"]) for e in kept}
        pairs = frozenset((k, p) for k, p, _ in keys)
        return cls(salt, kept, everything, pairs, frozenset(keys))

    def wants(self, kind: str, path: str) -> bool:
        """Whether the scanner should hash a finding of `kind` in `path`."""
        return self.everything or (kind, path) in self._pairs

    def digest(self, kind: str, path: str, value: bytes) -> str:
        salt = self.salt + b"\0" + kind.encode() + b"\0" + path.encode("utf-8", "surrogateescape")
        return hashlib.scrypt(value, salt=salt, maxmem=64 << 20, dklen=16, **SCRYPT).hex()

    def accepts(self, hit: Hit) -> bool:
        """A reviewed finding (never while the baseline is being rewritten)."""
        return (
            not self.everything
            and bool(hit.reviewed)
            and (hit.kind, hit.path, hit.reviewed) in self._hashes
        )

    def rewriting(self) -> Baseline:
        """This baseline, asking for the hash of every finding."""
        return Baseline.of(self.salt, self.entries, everything=True)


def empty() -> Baseline:
    return Baseline.of(os.urandom(16), ())


def _kind(rule: str) -> str:
    return rule.removeprefix("secrets.")


def load(path: Path) -> Baseline:
    """The baseline at `path`; a missing file is an empty baseline (with a fresh salt)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return empty()
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the secrets baseline: {exc}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    schema = data.get("schema") if isinstance(data, dict) else None
    if schema in OLD_SCHEMAS:
        raise BaselineError(
            f"{path}: schema {schema!r} stored a preview, the length and a fast hash of each "
            "secret; run `gonogo secrets --update-baseline` to rewrite it as "
            f"{SCHEMA!r}, then review the diff"
        )
    if schema != SCHEMA or not isinstance(data, dict):
        raise BaselineError(f"{path}: not a gonogo secrets baseline (schema {SCHEMA!r} expected)")
    return Baseline.of(_salt(path, data), _entries(path, data))


def _salt(path: Path, data: dict[str, Any]) -> bytes:
    salt = data.get("salt")
    try:
        if isinstance(salt, str) and len(salt) >= 32:
            return bytes.fromhex(salt)
    except ValueError:
        pass
    raise BaselineError(f"{path}: salt: 32 or more hex digits expected, got {salt!r}")


def _entries(path: Path, data: dict[str, Any]) -> list[dict[str, Any]]:
    entries = data.get("entries")
    if not isinstance(entries, list):
        raise BaselineError(f"{path}: entries: a list expected")
    for i, e in enumerate(entries):
        if not isinstance(e, dict) or not all(
            isinstance(e.get(k), str) for k in ("rule", "path", "hash")
        ):
            raise BaselineError(
                f"{path}: entries[{i}]: an object with rule, path and hash expected"
            )
    return entries


def render(hits: Iterable[Hit], previous: Baseline) -> str:
    """Baseline text for `hits` (hashed by a scan asked for `previous.rewriting()`); the
    review notes of entries still found are kept."""
    notes = {(e["rule"], e["path"], e["hash"]): e["note"] for e in previous.entries if "note" in e}
    entries: dict[tuple[str, str, str], dict[str, Any]] = {}
    for hit in sorted(hits, key=lambda h: (h.path, h.kind, h.line)):
        key = (f"secrets.{hit.kind}", hit.path, hit.reviewed)
        entry: dict[str, Any] = {"rule": key[0], "path": hit.path, "hash": hit.reviewed}
        if key in notes:
            entry["note"] = notes[key]
        entries.setdefault(key, entry)
    body = {
        "schema": SCHEMA,
        "kdf": {"name": "scrypt", **SCRYPT, "dklen": 16},
        "salt": previous.salt.hex(),
        "entries": list(entries.values()),
    }
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"
