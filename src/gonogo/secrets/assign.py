"""Secret-named assignments with a literal value, in the syntaxes config and code use:
`KEY=value`, `key: value`, `key = "value"`, `"key": "value"`, `define('KEY', 'value')`,
`PASSWORD 'value'` (SQL), XML attributes and elements, name and value on consecutive
lines (Kubernetes `- name: X` / `value: …`, ECS's JSON), Makefile `:=`/`?=`, `export`.

The regexes find a key that may name a secret; `secret_name` decides by its words
(`DB_PASSWORD` yes, `PASSWORD_FILE`, `secretKeyRef`, `token_endpoint` no) and
`looks_secret` by the value. An unquoted value counts only in configuration files, where
it cannot be a variable of code.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache

from gonogo.secrets.rule import Candidate, Detector, FileTest, ci, words
from gonogo.secrets.values import decoded_text, is_uuid, looks_secret

_SEP_HINT = rb"[\"'\] \t]*(?:[:=,>]|(?m:$))"
# One cheap hint for every assignment form: a secret word near a separator.
HINT_PARTS = (
    ci("passw"),
    ci("passphrase"),
    ci("pwd") + _SEP_HINT,
    ci("secret"),
    ci("token"),
    ci("credential"),
    ci("cookie"),
    rb"[_.-]" + ci("pass") + _SEP_HINT,
    ci("auth") + _SEP_HINT,
    ci("auth") + rb"_?" + ci("key"),
    ci("api") + rb"[_.-]?" + ci("key"),
    rb"[A-Za-z][_.-]?" + ci("key") + _SEP_HINT,
    rb"[^A-Za-z]" + ci("pat") + _SEP_HINT,
)
HINT = b"|".join(HINT_PARTS)

_SECRET_WORDS = frozenset(
    words(
        """
        password passwd passwords pwd pass passphrase passcode secret secrets token tokens
        apikey apikeys authkey authtoken accesstoken secretkey privatekey credential
        credentials cred creds requirepass masterauth auth pat salt
        """
    )
)
_KEY_PAIRS = frozenset(
    words(
        """
        api access private signing encryption master license app user admin account client
        service session shared hmac jwt aio storage subscription webhook deploy write
        consumer secret crypt integration auth fernet
        """
    )
)
# A superset of the names above (RE2 checks it; `secret_name` decides).
_WORD = (
    rb"(?i:pass|pwd|secret|token|cred|cookie|auth|api[_.-]?key|(?:"
    + "|".join(sorted(_KEY_PAIRS)).encode()
    + rb")[_.-]?key|\bpat\b)"
)
_KEY = rb"(?P<k>[A-Za-z0-9_./-]*" + _WORD + rb"[A-Za-z0-9_.-]*)"
_SEP = rb"[\"'\]\)]{0,2}[ \t]*(?::=|=>|\?=|\+=|<-|:|=|,)[ \t]*"
_QUOTED = rb"[\"'`](?P<v>[^\"'`\s\\]{6,200})[\"'`]"
# `#` opens a comment only after a blank (shell, YAML, dotenv): inside a value it is one
_BARE = rb"(?P<v>[^\"'`\s#,;{}()\[\]<>&|][^\"'`\s,;{}()\[\]<>&|]{5,199})"
_XML_NAMED = rb"(?:key|name)[ \t]*=[ \t]*[\"'](?P<k>[^\"'<>]*" + _WORD + rb"[^\"'<>]*)[\"']"
# A last word that makes the name about a secret rather than one.
_ABOUT = frozenset(
    words(
        """
        name names file files path paths dir url uri urls endpoint host hostname port user
        username login email id ids type types kind mode len length min max size ttl timeout
        expiry expires expire expiration lifetime age header headers prefix suffix field
        fields format regex pattern policy policies validator validators hasher hashers hash
        hashed digest checksum env var vars variable ref refs reference arn location
        provider source method methods template label count enabled enable disabled required
        reset rotation version algorithm alg issuer audience scope scopes store manager
        class helper helpers command cmd keyid keyref secretref secretname mask masking
        bucket chars charset strength generator callback handler backend engine mount role
        roles level status state flag hint question prompt input placeholder title
        description text message error doc docs help example sha fingerprint integrity info
        selector selectors secretkeyref mtime time date timestamp flags options opts ep
        """
    )
)
_NOT_FIRST = frozenset(
    words(
        """
        is has use enable enabled disable allow skip no require required show min max forgot
        reset change confirm validate check verify generate existing checksum sha hash
        digest
        """
    )
)
# A name that says its value is a digest of the secret (`root_password_sha2`,
# `GRAYLOG_SHA256_PASSWORD`, `password_double_sha1_hex`): a hash is no usable credential.
_HASHED = frozenset(words("sha md5 hash hashed hashes digest bcrypt scrypt argon pbkdf blake ntlm"))
# Words that name a secret only with help: `auth` in `auth.username` does not.
_WEAK_WORDS = frozenset(words("auth pat cred creds"))
_IDENTITY_WORDS = frozenset(words("user username login email id name account"))
_SECRET_SUFFIXES = ("token", "password", "passwd", "secret", "apikey", "secretkey")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_UUID_VENDORS = re.compile(rb"(?i)heroku|snyk|codecov|consul|nomad|launchdarkly|npm")


def key_words(key: str) -> list[str]:
    """`OAUTH_CLIENT_SECRET`, `oauthClientSecret`, `oauth.client-secret` -> oauth client
    secret (lowercase)."""
    return [w.lower() for part in re.split(r"[^A-Za-z0-9]+", key) for w in _CAMEL.findall(part)]


@lru_cache(maxsize=4096)
def secret_name(key: bytes) -> bool:
    """Whether a key names a secret itself (not something about one)."""
    parts = key_words(key.decode("latin-1"))
    if not parts or parts[-1] in _ABOUT or parts[0] in _NOT_FIRST:
        return False
    if "public" in parts or "publishable" in parts or _hashed(parts):
        return False
    strong = [w for w in parts if w in _SECRET_WORDS or w.endswith(_SECRET_SUFFIXES)]
    # weak words only as a qualifier: `auth.username`, `AUTH_RATELIMIT`; `BASIC_AUTH` names one
    qualifier = _IDENTITY_WORDS & set(parts) or parts[-1] not in _WEAK_WORDS
    if strong and not (set(strong) <= _WEAK_WORDS and qualifier):
        return True
    if "erlang" in parts and "cookie" in parts:
        return True
    return any(a in _KEY_PAIRS and b == "key" for a, b in itertools.pairwise(parts))


def _hashed(parts: list[str]) -> bool:
    return bool(_HASHED & set(parts)) or any(
        a == "md" and b == "5" for a, b in itertools.pairwise(parts)
    )


def _names_itself(key: bytes, value: bytes) -> bool:
    last = re.split(rb"[./:\[\]-]+", key.strip(b"[]"))[-1]
    return value.lower() == last.lower()


_TEMPLATED = (b"{{", b"${", b"{%", b"#{", b"%(", b"$(")
_SEALED = re.compile(rb"encryptedData:|kind: SealedSecret|\nsops:")


def _assigned(c: Candidate) -> bool:
    if not secret_name(c.key) or b"/" in c.key or not _is_assignment(c) or _dependency(c):
        return False
    if _names_itself(c.key, c.value):  # `[Brand.KeePassXC]: "KeePassXC"`: a label
        return False
    if c.data.startswith(_TEMPLATED, c.start + len(c.value)):  # `-token=write-{{ $t.name }}`
        return False
    if _SEALED.search(c.before):  # values a controller or sops decrypts
        return False
    text = decoded_text(c.value) or c.value
    if _product_default(c.value, c.path) or _product_default(text, c.path):
        return False
    if is_uuid(c.value):  # an identifier, unless a vendor that issues UUID tokens is named
        return bool(_UUID_VENDORS.search(c.key) or _UUID_VENDORS.search(c.before[-200:]))
    return looks_secret(c.value)


_PACKAGE_MANIFESTS = frozenset(words("package.json composer.json deno.json bower.json"))
_DEPENDENCY_SECTIONS = frozenset(
    words(
        """
        dependencies devDependencies peerDependencies optionalDependencies
        bundleDependencies bundledDependencies resolutions overrides catalog require
        require-dev imports
        """
    )
)
_SECTION_KEY = re.compile(rb'"([\w@/.-]+)"[ \t\r\n]*:[ \t\r\n]*$')


def _dependency(c: Candidate) -> bool:
    """`"better-auth": "catalog:"` among a package manifest's dependencies: a package's
    name and the version wanted, not a key and its value."""
    if c.path.rpartition("/")[2] not in _PACKAGE_MANIFESTS:
        return False
    opening = c.data.rfind(b"{", 0, c.match_start)
    if opening < 0 or c.data.find(b"}", opening, c.match_start) >= 0:
        return False
    section = _SECTION_KEY.search(c.data[max(0, opening - 200) : opening])
    return section is not None and section.group(1).decode() in _DEPENDENCY_SECTIONS


def _product_default(value: bytes, path: str) -> bool:
    """`password='Milvus'` in `charts/milvus/…`: the product's own name (digits after it
    allowed), its documented default, not a secret."""
    stem = value.lower().decode("latin-1").rstrip("0123456789!")
    return len(stem) >= 4 and stem in _path_words(path)


@lru_cache(maxsize=256)
def _path_words(path: str) -> frozenset[str]:
    return frozenset(re.split(r"[/._-]+", path.lower()))


_SPACED = (".sql", ".gradle", ".groovy", ".kts", ".conf", ".cfg", ".rb", ".ps1")


def _is_assignment(c: Candidate) -> bool:
    """Not a key read inside an interpolation or a template expression (`${KEY:?…}`,
    `{{ include … "secret" … }}`); `KEY, 'value'` only as call arguments
    (`define('KEY', 'v')`); `KEY 'value'` only where a language writes it so (SQL,
    Gradle, server configs)."""
    line = c.data[c.data.rfind(b"\n", 0, c.match_start) + 1 : c.match_start]
    if line.endswith((b"${", b"$(", b"$")) or _inside_template(line):
        return False
    between = c.data[c.match_start + len(c.key) : c.start]
    if b"," in between and not re.search(rb"[=:]", between):  # `define('KEY', 'v')`, quoted
        quoted = line.rstrip(b" \t").endswith((b"'", b'"')) and between.startswith((b"'", b'"'))
        return quoted and line.rstrip(b" \t\"'").endswith(b"(")
    if not re.search(rb"[=:,<>]", between):  # separated by blanks only
        return not re.search(rb"[\"']", between[:1]) and c.path.lower().endswith(_SPACED)
    return True


def _inside_template(line: bytes) -> bool:
    return any(
        line.rfind(a) > line.rfind(b) for a, b in ((b"{{", b"}}"), (b"{%", b"%}"), (b"<%", b"%>"))
    )


def _literal(c: Candidate) -> bool:
    return looks_secret(c.value)


def _user_password(c: Candidate) -> bool:
    """`curl -u user:password`; `chpst -u postgres:postgres:ssl-cert` names groups."""
    return b":" not in c.value and looks_secret(c.value)


def is_config(rel: str) -> bool:
    """Files whose unquoted values are literals, not code."""
    name = rel.rpartition("/")[2].lower()
    return (
        name.startswith((".env", "env.", "dockerfile", "containerfile", "makefile"))
        or name.endswith(_CONFIG_SUFFIXES)
        or ".env." in name
    )


_CONFIG_SUFFIXES = tuple(
    words(
        """
        .env .ini .cfg .conf .properties .yml .yaml .toml .npmrc .pypirc .netrc .tfvars .hcl
        .sh .bash .zsh .envrc .dockerfile .mk .service .config .gradle
        """
    )
)


def _suffixes(*ends: str) -> FileTest:
    def test(rel: str) -> bool:
        return rel.lower().endswith(ends)

    return test


_XML = _suffixes(".xml", ".config", ".props", ".targets", ".csproj", ".plist", ".jsp", ".xhtml")
_YAML = _suffixes(".yml", ".yaml", ".tpl")
_JSON = _suffixes(".json")


def _g(title: str, pattern: bytes, files: FileTest | None = None, hint: bytes = HINT) -> Detector:
    return Detector("generic-secret", title, pattern, hint, _assigned, files=files)


ASSIGNMENTS: tuple[Detector, ...] = (
    _g("hardcoded secret", _KEY + rb"(?:" + _SEP + rb"[bruf@]{0,2}|[\"']?[ \t]+)" + _QUOTED),
    _g("hardcoded secret", _KEY + rb"[\"']?[ \t]*(?::=|\?=|=|:)[ \t]*" + _BARE, files=is_config),
    _g(
        "hardcoded secret",
        rb"<(?P<k>[A-Za-z0-9_.:-]*" + _WORD + rb"[A-Za-z0-9_.-]*)(?:[ \t][^>]*)?>"
        rb"(?P<v>[^<\s]{6,200})</",
        _XML,
    ),
    _g(
        "hardcoded secret",
        _XML_NAMED + rb"[ \t]+value[ \t]*=[ \t]*[\"'](?P<v>[^\"'\s]{6,200})[\"']",
        _XML,
    ),
    _g("hardcoded secret", _XML_NAMED + rb"[^>]*>(?P<v>[^<\s]{6,200})</", _XML),
    _g(
        "hardcoded secret",
        rb"name:[ \t]*[\"']?(?P<k>[A-Za-z0-9_.-]*" + _WORD + rb"[A-Za-z0-9_.-]*)[\"']?[ \t]*"
        rb"\r?\n[ \t]*value:[ \t]*[\"']?(?P<v>[^\"'\s#]{6,200})",
        _YAML,
    ),
    _g(
        "hardcoded secret",
        rb"\"name\"[ \t]*:[ \t]*\"(?P<k>[A-Za-z0-9_.-]*" + _WORD + rb"[A-Za-z0-9_.-]*)\"[ \t]*,"
        rb"[ \t\r\n]*\"value\"[ \t]*:[ \t]*\"(?P<v>[^\"\s]{6,200})\"",
        _JSON,
    ),
    _g(
        "hardcoded default of a secret",
        _KEY + rb"[\"'\]\)]{0,2}[ \t]*(?::=|=|:)[ \t]*[\"']?\$\{[A-Za-z_][A-Za-z0-9_.]*(?::-|:|-)"
        rb"(?P<v>[^}\s\"'?:$-][^}\s\"'?:$]{5,199})\}",
        hint=rb"\$\{[A-Za-z_][A-Za-z0-9_.]*(?::-|:|-)[^}?:$\s]",
    ),
    Detector(
        "generic-secret",
        "password in SQL",
        rb"(?i:identified[ \t]+by)[ \t]+[\"'](?P<v>[^\"'\s]{4,200})[\"']",
        ci("identified") + rb"[ \t]+" + ci("by"),
        _literal,
    ),
    Detector(
        "generic-secret",
        "password in a script",
        rb"ConvertTo-SecureString[ \t]+(?:-String[ \t]+)?[\"'](?P<v>[^\"'\s]{6,200})[\"']",
        rb"SecureString",
        _literal,
    ),
    Detector(
        "generic-secret",
        "password on a command line",
        rb"(?:^|[ \t])(?:-u|--user)[ \t]+[\"']?(?P<k>[A-Za-z0-9_.@-]+):(?P<v>[^\s\"'$]{6,200})",
        rb"(?:-u|--user)[ \t]+[\"']?[A-Za-z0-9_.@-]+:",
        _user_password,
        files=is_config,
    ),
)
