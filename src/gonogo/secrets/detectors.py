"""Credential formats, one detector per kind, written from the vendors' public formats.

Every pattern is valid for both RE2 (our engine) and Rust's `regex` (ripgrep's), so the
benchmark can give ripgrep the same pattern set. A pattern names the secret `(?P<v>…)`
and, for assignments, the key `(?P<k>…)`; checks that regexes cannot express well
(placeholders, entropy, vendor documentation examples) are Python functions on the value.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

Check = Callable[[bytes, bytes, bytes], bool]
"""(value, key, bytes after the match) -> is this a real secret?"""


@dataclass(frozen=True, slots=True)
class Detector:
    kind: str
    title: str
    pattern: bytes
    hint: bytes  # a cheap superset pattern for the combined prefilter
    check: Check | None = None
    min_entropy: float = 3.0
    config_only: bool = False  # unquoted assignments: only in config-like files


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def entropy(value: bytes) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


_END = rb"(?:[^A-Za-z0-9_+/=-]|$)"
_KEY = (
    rb"(?P<k>[A-Za-z0-9_.-]*(?i:passw(?:or)?d|passwd|pwd|secret|token|api[_-]?key|"
    rb"access[_-]?key|auth[_-]?key|private[_-]?key|credentials?)[A-Za-z0-9_.-]*)"
)
_SEP = rb"[\"']?[ \t]*(?::=|=>|:|=)[ \t]*"

# Documentation placeholders and decoys, lowercased substrings of a value.
_PLACEHOLDER_WORDS = tuple(
    b"example changeme change_me change-me placeholder dummy sample your replace "
    b"redacted xxxx **** .... < > ${ {{ %( fake notreal not-a-real not_a_real insert "
    b"todo secret_here here ".split()
)
_NON_SECRET_WORDS = frozenset(
    b"password passwd secret token none null true false undefined required optional "
    b"string str bytes self".split()
)
# Keys that name something about a secret rather than hold one.
_KEY_SUFFIXES = _words(
    "name type file path url uri id len length field env var header prefix suffix "
    "regex pattern format label kind dir endpoint hash digest checksum count policy "
    "mode ref arn location store provider source method template "
)
_UUID = re.compile(rb"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_HASHED = re.compile(rb"^(?:\$[0-9a-z]{1,2}\$|\$argon2|\$scrypt|(?:pbkdf2|sha\d+|md5|sha)[_:$-])")
_CODE_LIKE = re.compile(rb"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$|[()\[\]]")
_ENV_NAME = re.compile(rb"^[A-Z][A-Z0-9_]*$")


def is_placeholder(value: bytes) -> bool:
    """Values that stand for a secret without being one."""
    low = value.lower()
    if low in _NON_SECRET_WORDS or low.startswith((b"$", b"%", b"{", b"<", b"@", b"/", b"./")):
        return True
    if any(w in low for w in _PLACEHOLDER_WORDS):
        return True
    return len(set(low)) <= 2


def _vendor_token(value: bytes, key: bytes, after: bytes) -> bool:
    return not is_placeholder(value)


def _generic(value: bytes, key: bytes, after: bytes) -> bool:
    k = key.decode("ascii", "replace").lower().rstrip("._-")
    if k.endswith(_KEY_SUFFIXES) or k.startswith(("is_", "has_", "no_", "use_")):
        return False
    if is_placeholder(value) or b"://" in value or value.lower() in key.lower():
        return False
    if _UUID.fullmatch(value) or _HASHED.match(value.lower()) or _ENV_NAME.match(value):
        return False
    if _CODE_LIKE.search(value):
        return False
    classes = (
        any(c.islower() for c in value.decode("latin-1")),
        any(c.isupper() for c in value.decode("latin-1")),
        any(48 <= c <= 57 for c in value),
        any(not chr(c).isalnum() and c not in b"_-." for c in value),
    )
    return sum(classes) >= 2 and entropy(value) >= 2.5


def _aws_secret(value: bytes, key: bytes, after: bytes) -> bool:
    return not is_placeholder(value) and b"EXAMPLE" not in value.upper()


def _private_key(value: bytes, key: bytes, after: bytes) -> bool:
    """A PEM header followed by a base64 body (not a string constant in code)."""
    body = after[:400].replace(b"\\n", b"\n").split(b"\n")
    run = max((len(line.strip()) for line in body[1:6] if _B64.fullmatch(line.strip())), default=0)
    return run >= 40 and not is_placeholder(after[:200])


_B64 = re.compile(rb"[A-Za-z0-9+/=]+")


def _jwt(value: bytes, key: bytes, after: bytes) -> bool:
    head, payload = value.split(b".")[:2]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + b"=" * (-len(head) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return False
    if not isinstance(header, dict) or "alg" not in header:
        return False
    # the example token of the JWT specification sites
    return not (isinstance(claims, dict) and claims.get("sub") == "1234567890")


def _url_password(value: bytes, key: bytes, after: bytes) -> bool:
    low = value.lower()
    if low in _NON_SECRET_WORDS or low in (b"pass", b"pwd", b"pw", b"user", b"username"):
        return False
    return not is_placeholder(value) and not _ENV_NAME.match(value)


_GENERIC_HINT = (
    rb"(?i:passw|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|auth[_-]?key|"
    rb"private[_-]?key|credential)[A-Za-z0-9_.-]*[\"']?[ \t]*"
)

DETECTORS: tuple[Detector, ...] = (
    Detector(
        "aws-access-key-id",
        "AWS access key ID",
        rb"\b(?P<v>(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16})\b",
        rb"(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}",
        _aws_secret,
    ),
    Detector(
        "aws-secret-access-key",
        "AWS secret access key",
        rb"(?i:aws_?secret_?(?:access_?)?key)" + _SEP + rb"[\"']?(?P<v>[A-Za-z0-9/+]{40})" + _END,
        rb"(?i:aws_?secret)",
        _aws_secret,
        min_entropy=3.5,
    ),
    Detector(
        "github-token",
        "GitHub token",
        rb"\b(?P<v>gh[pousr]_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9_]{82})\b",
        rb"gh[pousr]_[A-Za-z0-9]{36}|github_pat_",
        _vendor_token,
    ),
    Detector(
        "gitlab-token", "GitLab token", rb"\b(?P<v>glpat-[A-Za-z0-9_-]{20})" + _END, rb"glpat-"
    ),
    Detector(
        "slack-token",
        "Slack token",
        rb"\b(?P<v>xox[abposr]-[0-9A-Za-z-]{10,100})",
        rb"xox[abposr]-",
        _vendor_token,
    ),
    Detector(
        "slack-webhook",
        "Slack webhook URL",
        rb"(?P<v>https://hooks\.slack\.com/services/T[A-Z0-9]{6,12}/B[A-Z0-9]{6,12}/"
        rb"[A-Za-z0-9]{20,32})",
        rb"hooks\.slack\.com/services/",
    ),
    Detector(
        "stripe-key",
        "Stripe live key",
        rb"\b(?P<v>(?:sk|rk)_live_[0-9A-Za-z]{24,99})\b",
        rb"[sr]k_live_",
        _vendor_token,
    ),
    Detector(
        "google-api-key",
        "Google API key",
        rb"\b(?P<v>AIza[0-9A-Za-z_-]{35})" + _END,
        rb"AIza[0-9A-Za-z_-]{35}",
        _vendor_token,
    ),
    Detector(
        "openai-key",
        "OpenAI API key",
        rb"\b(?P<v>sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,200}T3BlbkFJ[A-Za-z0-9_-]{20,200})",
        rb"T3BlbkFJ",
    ),
    Detector(
        "anthropic-key",
        "Anthropic API key",
        rb"\b(?P<v>sk-ant-(?:api|admin)[0-9]{2}-[A-Za-z0-9_-]{80,120})",
        rb"sk-ant-",
    ),
    Detector(
        "npm-token",
        "npm token",
        rb"\b(?P<v>npm_[A-Za-z0-9]{36})\b",
        rb"npm_[A-Za-z0-9]{36}",
        _vendor_token,
    ),
    Detector(
        "pypi-token",
        "PyPI token",
        rb"\b(?P<v>pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,300})",
        rb"pypi-AgEIcHlwaS5vcmc",
    ),
    Detector(
        "sendgrid-key",
        "SendGrid API key",
        rb"\b(?P<v>SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})",
        rb"SG\.[A-Za-z0-9_-]{22}\.",
    ),
    Detector(
        "twilio-key",
        "Twilio API key",
        rb"\b(?P<v>SK[0-9a-f]{32})\b",
        rb"SK[0-9a-f]{32}",
        _vendor_token,
    ),
    Detector(
        "telegram-bot-token",
        "Telegram bot token",
        rb"\b(?P<v>[0-9]{8,10}:AA[A-Za-z0-9_-]{33})",
        rb":AA[A-Za-z0-9_-]{33}",
    ),
    Detector(
        "azure-storage-key",
        "Azure storage account key",
        rb"AccountKey=(?P<v>[A-Za-z0-9+/]{86}==)",
        rb"AccountKey=",
    ),
    Detector(
        "private-key",
        "private key block",
        rb"(?P<v>-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?"
        rb"PRIVATE KEY(?: BLOCK)?-----)",
        rb"-----BEGIN [A-Z ]*PRIVATE KEY",
        _private_key,
        min_entropy=0.0,
    ),
    Detector(
        "jwt",
        "JSON Web Token",
        rb"\b(?P<v>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
        rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ",
        _jwt,
    ),
    Detector(
        "url-password",
        "password in a URL",
        rb"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s:/@\"'<>]{1,100}:"
        rb"(?P<v>[^\s:/@\"'<>]{3,100})@[A-Za-z0-9.-]+",
        rb"://[^\s:/@\"'<>]+:[^\s:/@\"'<>]+@",
        _url_password,
        min_entropy=0.0,
    ),
    Detector(
        "generic-secret",
        "hardcoded secret",
        _KEY + _SEP + rb"[bruf]{0,2}[\"'](?P<v>[^\"'\s\\]{8,200})[\"']",
        _GENERIC_HINT + rb"(?::=|=>|:|=)[ \t]*[bruf]{0,2}[\"'][^\"'\s\\]{8}",
        _generic,
        min_entropy=2.5,
    ),
    Detector(
        "generic-secret",
        "hardcoded secret",
        _KEY + rb"[\"']?[ \t]*[:=][ \t]*(?P<v>[^\"'\s#,;{}()\[\]]{8,200})",
        _GENERIC_HINT + rb"[:=][ \t]*[^\"'\s#,;{}()\[\]]{8}",
        _generic,
        min_entropy=2.5,
        config_only=True,
    ),
)

TITLES: dict[str, str] = {d.kind: d.title for d in DETECTORS}

CONFIG_SUFFIXES = _words(
    ".env .ini .cfg .conf .properties .yml .yaml .npmrc .pypirc .netrc dockerfile "
)
LOCK_FILES = _words(
    "package-lock.json yarn.lock pnpm-lock.yaml poetry.lock uv.lock pipfile.lock "
    "cargo.lock go.sum composer.lock gemfile.lock "
)


def is_config(rel: str) -> bool:
    name = rel.rpartition("/")[2].lower()
    return name.startswith(".env") or name.endswith(CONFIG_SUFFIXES)


def is_lock_file(rel: str) -> bool:
    name = rel.rpartition("/")[2].lower()
    return name.endswith(".lock") or name in LOCK_FILES


def plain_pattern(det: Detector) -> bytes:
    """The detector's pattern without named groups (for prefilters and for ripgrep)."""
    return det.pattern.replace(b"(?P<v>", b"(?:").replace(b"(?P<k>", b"(?:")
