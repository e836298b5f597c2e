"""A finding's identity in reports and SARIF: rule, path and an HMAC of the value under a
key kept outside the repository, so a report cannot be used to test guesses offline.

The key is `GONOGO_SECRETS_KEY` when set (give CI the same one to keep SARIF alerts
stable across runs), else 32 random bytes created once in
`$XDG_CONFIG_HOME/gonogo/secrets.key` (`~/.config/…`, mode 0600); where that cannot be
written, a key for this process only.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from functools import cache
from pathlib import Path

ENV = "GONOGO_SECRETS_KEY"


def key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "gonogo" / "secrets.key"


@cache
def fingerprint_key() -> bytes:
    configured = os.environ.get(ENV)
    if configured:
        return hashlib.sha256(configured.encode()).digest()
    path = key_file()
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    except OSError:
        return os.urandom(32)
    key = os.urandom(32)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
    except FileExistsError:  # another process made it first
        return path.read_bytes()
    except OSError:
        pass
    return key


def fingerprint(kind: str, path: str, value: bytes) -> str:
    """Stable across edits that move the line; never the line, never guessable offline."""
    msg = kind.encode() + b"\0" + path.encode("utf-8", "surrogateescape") + b"\0" + value
    return hmac.new(fingerprint_key(), msg, hashlib.sha256).hexdigest()[:32]
