"""Which variable names hold a secret, and which values are not one: shared by the
compose and Dockerfile probes, so `POSTGRES_PASSWORD` means the same in both.

A name holds a secret when it says so (`…PASSWORD`, `…_TOKEN`, `…API_KEY`, `SECRET…`) and
is not about one: `*_FILE` names the file a secret is read from (`/run/secrets/db`),
`*_USER`, `*_HOST`, `*_PORT`, `*_LENGTH` and the like describe it. A value is not a
secret when it is empty, a flag or a number (`MYSQL_ALLOW_EMPTY_PASSWORD: "yes"`), a
path, a reference to a secret kept elsewhere, or a placeholder that asks to be replaced
(`changeme`, `<your token>`). A placeholder may also be written as words that describe
the secret wanted instead of being one (`MySecureDatabasePassword`,
`ChooseStrongSecretKeyHere`, `very-secure-database-password`), or repeat the variable's
own name (`OIDC_CLIENT_SECRET=ClientSecret`, `ACCESS_TOKEN_SECRET=access_token_secret`)
in words that name a kind of secret, not an account (`astronomy_password` is one):
the examples of a compose collection are full of them, and no generated secret is made
of such words.

A weak value is still a secret here. The repository-wide scanner treats `postgres`,
`grafana` or `mysecretpassword` as documentation's stand-ins, but set for a secret-named
variable of a deployed configuration they are the password the service runs with, the
same in every install: the default credential an attacker tries first.
"""

from __future__ import annotations

import re

from gonogo.secrets.assign import key_words
from gonogo.secrets.rule import words
from gonogo.secrets.values import asks_to_be_replaced, is_reference

_SECRET = re.compile(
    r"(?i)(passw(or)?d|passwd|(^|_)pass$|(^|_)pwd?$|secret|token|api_?key|access_?key|"
    r"private_?key|credential|auth_?key|encryption_?key|signing_?key|client_?secret)"
)
_ABOUT = re.compile(
    r"(?i)(_file|_files|_path|_dir|_url|_uri|_host|_hostname|_port|_user|_username|_name|"
    r"_id|_env|_type|_mode|_length|_len|_min|_max|_size|_ttl|_timeout|_expire|_expires|"
    r"_expiry|_expiration|_lifetime|_minutes|_seconds|_hours|_days|_algorithm|_alg|_policy|"
    r"_enabled|_enable|_disabled|_required|_header|_prefix|_field|_rotation|_count|"
    r"_version|_format|_location|_provider|_issuer|_audience)$"
)
_FLAGS = re.compile(r"(?i)^(allow_empty|random|skip|disable|enable|use|no)_|_(allow_empty)_")
_NOT_A_VALUE = re.compile(
    r"(?i)^(|true|false|yes|no|on|off|none|null|nil|\d+(\.\d+)?[smhd]?|[-+]?\d+)$"
)
_ASKS_TO_BE_REPLACED = re.compile(
    r"(?i)^(change[-_ ]?(me|it|this)|your[-_ a-z0-9]*|my[-_]?(password|secret|token)|"
    r"replace[-_ a-z]*|set[-_ ]?me|todo|tbd|secret|password|token|pass|x+|\*+|\.+)$"
)
# words that mark a value as a stand-in wherever they appear in it
_STAND_IN = re.compile(
    r"(?i)example|change[-_ ]?(me|it|this)|placeholder|dummy|sample|your|replace|redacted|"
    r"xxxx|\*\*\*\*|\.\.\.\.|[<>]|fake|not[-_]?a[-_]?real|notreal|insert|todo|fixme|"
    r"[-_]here\b|!!!"
)


# the nouns a described secret ends up naming, and the words that describe one
_NOUNS = frozenset(
    words("password passwd pass pw pwd passphrase secret token key apikey string phrase")
)
_DESCRIBING = frozenset(
    words(
        """my your our the this is a an should be must very super duper strong stronger
        strongest secure securely safe long random unique complex good choose pick here new"""
    )
)
# words that name a kind of secret, not whose it is (`astronomy_password` names an account)
_KINDS = frozenset(
    words("client access refresh api auth session jwt oidc oauth app bearer signing encryption")
)
_WORDS_ONLY = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[-_. ][A-Za-z0-9]+)*")


def _value_words(text: str) -> list[str] | None:
    """The words of a value written as words (camel case or separated, a short number
    among them allowed), or None when it is not."""
    if not _WORDS_ONLY.fullmatch(text):
        return None
    parts = key_words(text)
    if any(p.isdigit() and len(p) > 2 for p in parts) or sum(p.isalpha() for p in parts) < 2:
        return None
    return parts


def stands_in(value: str, name: str = "") -> bool:
    """Whether `value` is words standing for the secret of `name`: a description of
    it (`MyStrongLoginPassword`, `ThisIsAVerySecretString`) or the name said again
    (`ClientSecret` for `OIDC_CLIENT_SECRET`) in words that name a kind of secret. A
    product's name (`postgres`) or a passphrase of unrelated words
    (`unplug6-coherent-outlast`) names no secret noun, and an account's password named
    after it (`POSTGRES_ASTRONOMY_PASSWORD=astronomy_password`) is that account's."""
    parts = _value_words(value)
    if parts is None or not _NOUNS & set(parts):
        return False
    if _DESCRIBING & set(parts):
        return True
    kinds = set(parts) - _NOUNS
    return bool(name) and kinds <= _KINDS and set(parts) <= set(key_words(name)) | _NOUNS


def is_secret_name(name: str) -> bool:
    """Whether a variable called `name` holds a secret (and not something about one)."""
    name = name.strip()
    if not _SECRET.search(name) or _ABOUT.search(name) or _FLAGS.search(name):
        return False
    return not name.lower().endswith(("_secret_name", "_token_url", "_key_id"))


def is_real_value(value: str, name: str = "") -> bool:
    """Whether `value`, set inline for the secret-named variable `name`, would be a
    secret: not empty, a flag, a number, a path, a reference or a stand-in that asks to
    be replaced. Weak and product-name values (`postgres`, `admin`) are secrets."""
    text = value.strip().strip("\"'")
    if _NOT_A_VALUE.match(text) or _ASKS_TO_BE_REPLACED.match(text) or _STAND_IN.search(text):
        return False
    if stands_in(text, name):
        return False
    if text.startswith(("/", "./", "../", "~/")) or is_reference(text.encode()):
        return False
    if asks_to_be_replaced(text.encode()):
        return False
    return len(set(text.lower())) > 2
