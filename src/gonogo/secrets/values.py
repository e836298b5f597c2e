"""What a value is when it is not a secret: a reference to one, a placeholder, a hash, a
digest, a public or test-mode key of a vendor, an identifier. Pure functions of bytes.

A detector finds a candidate; these decide. They are shared by the generic assignment
rules and the vendor formats, so a value rejected by one (`sk_test_…`, a GitHub token
whose checksum is wrong) is not flagged by another.
"""

from __future__ import annotations

import base64
import binascii
import itertools
import math
import re
import unicodedata
from collections import Counter

_B62 = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def entropy(value: bytes) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    n = len(value)
    return -sum(c / n * math.log2(c / n) for c in Counter(value).values())


def crc32_token_ok(token: bytes) -> bool:
    """GitHub's and npm's tokens: 30 random base62 characters after the prefix, then the
    CRC32 of those 30 in 6 base62 digits."""
    body, check = token[-36:-6], token[-6:]
    n = 0
    for c in check:
        i = _B62.find(bytes([c]))
        if i < 0:
            return False
        n = n * 62 + i
    return n == binascii.crc32(body)


# References to a secret kept elsewhere: interpolation of every template language seen in
# config files, secret managers' URIs, encrypted values.
_REFERENCE = re.compile(
    rb"\$\{|\$\(|\{\{|\{%|<%|%\(|#\{|@\{|\$[A-Za-z_]|^\$\$|^%[A-Za-z_]+%$|^%[A-Za-z_]|"
    rb"^ENC\[|^ENC\(|^\{cipher\}|^vault:|^ref\+|^op://|^akv://|^sm://|^gcp:|^awssm:|"
    rb"^arn:aws|^!|^@Microsoft\.KeyVault|^secret(?:s)?manager:|^/run/secrets/|^/var/run/secrets|"
    rb"^AAABA|^\$ANSIBLE_VAULT|^sops:|^file:|^env:|^base64:\$|^\[REDACTED\]|"
    # a credential helper's sources: `ext:/scripts/auth.sh`, `pullsecret:ns/name`
    rb"^ext:/|^pullsecret:|^secret:[\w.-]+/"
)
_PLACEHOLDER_WORDS = (
    b"example",
    b"changeme",
    b"change_me",
    b"change-me",
    b"changeit",
    b"change-it",
    b"changethis",
    b"change_this",
    b"placeholder",
    b"dummy",
    b"sample",
    b"your",
    b"replace",
    b"redacted",
    b"xxxx",
    b"****",
    b"....",
    b"<",
    b">",
    b"fake",
    b"notreal",
    b"not-a-real",
    b"not_a_real",
    b"insert",
    b"todo",
    b"fixme",
    b"password",
    b"passwd",
    b"passphrase",
    b"secret_here",
    b"_here",
    b"-here",
    b"goes-here",
    b"unique phrase",
    b"generate",
)
_TEST_PARTS = frozenset(
    b"test tests testing dev local demo foo bar baz foobar qux none null".split()
)
_NOT_VALUES = frozenset(
    b"true false yes no on off none null nil undefined required optional string str bytes "
    b"self secret token password passwd pass key value empty default random auto disabled "
    b"enabled bearer basic base64 base64url hex utf8 utf-8 ascii latin1 binary".split()
)
# Weak defaults that documentation and examples set: a word of this list, digits after.
_DEFAULT_WORDS = frozenset(
    b"admin root minio postgres postgresql mysql mariadb mongo mongodb redis rabbit rabbitmq "
    b"guest user test demo dev secret password pass passwd changeit changeme default example "
    b"sample letmein qwerty welcome keycloak grafana elastic kibana jenkins sonar oracle "
    b"sa airflow superset".split()
)
_DEFAULT = re.compile(rb"^([a-z]+)[-_.!@#]?[0-9!@#]{0,8}$")
_HASH = re.compile(
    rb"^(?:\$2[abxy]?\$\d\d\$|\$argon2(?:id|i|d)\$|\$scrypt\$|\$7\$|\$[156]\$|\$5\$rounds|"
    rb"\$6\$rounds|\$apr1\$|\$y\$|\$gy\$|\$pbkdf2|pbkdf2_sha\d+\$|pbkdf2:sha\d+|scrypt:|"
    rb"argon2\$|bcrypt\$|\{(?:SSHA|SHA|SMD5|MD5|CRYPT|SSHA256|SSHA512|PBKDF2[^}]*)\}|"
    rb"md5[0-9a-f]{32}$|sha(?:1|256|384|512)[:$-])",
    re.IGNORECASE,
)
_UUID = re.compile(
    rb"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_IDENT = re.compile(rb"^[A-Z]?[a-z]+(?:[-_.][a-z]+)*$|^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")
_CODE = re.compile(
    rb"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$|^[A-Za-z_][\w.:]*[(\[]|"
    rb"^(?:process|os|ENV|env|settings|config|import|self|this|args|params|props|request|"
    rb"Config)\b"
)
_PATH = re.compile(
    rb"^(?:~?/|\.\.?/|[A-Za-z]:\\)[\w./\\-]*$|^[\w-]+\.(?:pem|key|crt|json|txt|p12)$|"
    rb"^[\w.-]+(?:/[\w.-]+)+\.[A-Za-z][A-Za-z0-9]{0,4}$"  # relay/credentials.json
)
_EMAIL = re.compile(rb"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_NUMBER = re.compile(rb"^[-+]?\d+(?:\.\d+)?[smhdkKMG]?[bB]?$")
# names, not secrets: `custom-CA`, `etcd-cluster-k8s`, `ConfigMap`, versions, timestamps
_NAME_LIKE = re.compile(
    rb"^[A-Za-z]+(?:-[A-Za-z]+)+$|^(?:\d+_)?[a-z][a-z0-9]*(?:[-_][a-z][a-z0-9]*){2,}$|"
    rb"^(?:[A-Z][a-z]+){2,}$|^v?\d+(?:\.\d+)+(?:[-+][\w.-]*)?$|^\d{4}-\d\d-\d\dT[\d:.]+Z?$"
)
_SECRET_WORD = re.compile(rb"secret|password|passwd|passphrase|token|apikey|api_key|api-key")
# the name of a value in camel case: `jiraToken`, `base64Token`, `userInfoPW`
_CAMEL_NAME = re.compile(rb"^[a-z]{2,}\d*(?:[A-Z][a-z]{2,}\d*)+[A-Z]{0,3}$")
# a secret manager's `secret-name:field` (a workflow's `GPG_PASSPHRASE=signing-key:passphrase`)
_NAMED_FIELD = re.compile(rb"^[a-z][a-z0-9]*(?:[-_./][a-z0-9]+)*:[a-z][a-z0-9_]*$")
# a regular expression's unmistakable parts: a range class or an escape class with a
# quantifier, a group with `?` (`[a-z]{24}`, `[A-Z]+_RESUME`, `\s*`, `(?:hmac)?`)
_PATTERN = re.compile(rb"\[[^\]]*\w-\w[^\]]*\][+*?{]|\\[sdwSDW][+*?{]|\(\?(?:[:=!]|<?[=!]|P<)")
_MY = re.compile(rb"^my[-_]?(?:pass|password|passwd|pwd|secret|token|key|pw)\d*$")
# vendors' keys that are public or test-mode by design, and their documentation examples
_NOT_LIVE = re.compile(
    rb"^(?:sk_test_|rk_test_|pk_test_|pk_live_|whsec_test|pk\.eyJ|shippo_test_|EZTK|sq0idp-|"
    rb"AC[0-9a-f]{32}$|xoxe\.|FLWPUBK|pub[a-f0-9]{32}$)|EXAMPLE|"
    # MinIO's public playground (play.min.io), in its documentation and clients' defaults
    rb"^Q3AM3UQ867SPQQA43P2F$|^zuf\+tfteSlswRu7BJ86wekitnifILbZam1KYY3TG$"
)
_JWT_EXAMPLE = b"eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
_CRC_PREFIXES = (b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_", b"npm_")


def is_reference(value: bytes) -> bool:
    """A pointer to a secret kept elsewhere: `${VAR:?msg}`, `{{ .Values.x }}`, `ENC[…]`,
    `vault:…`, `/run/secrets/…` and the like."""
    return bool(_REFERENCE.search(value))


def is_sequence(value: bytes) -> bool:
    """Repeated characters or mostly ascending runs (`aaaa`, `12345678`, `abcdef…`)."""
    low = value.lower()
    if len(set(low)) <= 3:
        return True
    steps = sum(1 for a, b in itertools.pairwise(low) if b - a in (0, 1))
    return steps >= 0.7 * (len(low) - 1)


# An instruction in words: `changeRunnerAuthToken`, `setYourApiKey`, `replace-with-key`.
_INSTRUCTION = re.compile(
    rb"^(?:change|replace|set|enter|insert|update|fill|put|add)"
    rb"(?:(?:[A-Z][a-z]+)+|(?:[-_.][A-Za-z]+)+)$"
)


def asks_to_be_replaced(value: bytes) -> bool:
    """A value that is an instruction to replace it, written as words in camel case or
    with separators: no random token is made of words only."""
    return bool(_INSTRUCTION.match(value.strip(b"\"'` ")))


def is_placeholder(value: bytes) -> bool:
    """Values that stand for a secret without being one."""
    low = value.lower().strip(b"\"'` ")
    if not low or low in _NOT_VALUES or is_reference(value) or asks_to_be_replaced(value):
        return True
    if _CAMEL_NAME.match(value) or _NAMED_FIELD.match(value):
        return True
    if low.startswith((b"$", b"%", b"{", b"<", b"[", b"@", b"/", b"./")):
        return True
    if any(w in low for w in _PLACEHOLDER_WORDS):
        return True
    rest = _SECRET_WORD.sub(b"", low)
    if rest != low and (len(rest) <= 3 or is_sequence(rest)):  # `abc123secret`, `mytoken`
        return True
    if any(part in _TEST_PARTS for part in re.split(rb"[^a-z0-9]+", low)):
        return True
    words = re.findall(rb"[a-z]+", low)  # `test123TEST`, `admin2024admin`: words and digits
    if words and all(w in _TEST_PARTS or w in _DEFAULT_WORDS for w in words):
        return True
    m = _DEFAULT.match(low)
    if (m and m.group(1) in _DEFAULT_WORDS) or _MY.match(low):
        return True
    return is_sequence(value)


def is_hash(value: bytes) -> bool:
    """A password hash or a digest in a scheme's notation: not a usable credential."""
    return bool(_HASH.match(value))


def is_not_live(value: bytes) -> bool:
    """A vendor's public or test-mode key, a documented example, or a GitHub/npm token
    whose checksum is wrong (typed by hand, not issued)."""
    if _NOT_LIVE.search(value) or _JWT_EXAMPLE in value:
        return True
    if value.startswith(_CRC_PREFIXES) and len(value) == 40:
        return not crc32_token_ok(value)
    return False


def char_classes(value: bytes) -> int:
    text = value.decode("latin-1")
    return sum(
        (
            any(c.islower() for c in text),
            any(c.isupper() for c in text),
            any(c.isdigit() for c in text),
            any(not c.isalnum() for c in text),
        )
    )


def is_uuid(value: bytes) -> bool:
    return bool(_UUID.match(value))


def decoded_basic(value: bytes) -> tuple[bytes, bytes] | None:
    """`user:password` from a base64 `auth` value, if it is one."""
    try:
        raw = base64.b64decode(value + b"=" * (-len(value) % 4), validate=True)
    except (binascii.Error, ValueError):
        return None
    user, sep, password = raw.partition(b":")
    if not sep or not raw.isascii() or not all(32 < c < 127 for c in raw):
        return None
    return user, password


def decoded_text(value: bytes) -> bytes | None:
    """The printable text a base64 value encodes (a Kubernetes Secret's `data:`), if any."""
    if len(value) % 4 or not re.fullmatch(rb"[A-Za-z0-9+/]+={0,2}", value):
        return None
    try:
        raw = base64.b64decode(value, validate=True).rstrip(b"\r\n")
    except (binascii.Error, ValueError):
        return None
    return raw if raw and all(32 <= c < 127 for c in raw) else None


def is_words(value: bytes) -> bool:
    """Text of a human language written beyond ASCII (`Contraseña`, `Пароль`,
    `ユーザー名またはパスワードが間違っています。`): letters and marks of any script, with
    that script's own punctuation and invisible joiners, what translation files give a
    `password` key. No digit, and no ASCII symbol but `-` and `'`, except sentence marks
    in a text mostly beyond ASCII (a Thai sentence ending in `.`): `Contraseña42!` and
    `Contraseña.` are passwords. An all-letter ASCII word is judged by the other tests."""
    if value.isascii():
        return False
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        return False
    kinds = [(c, unicodedata.category(c)) for c in text]
    letters = sum(k[0] in "LM" for _, k in kinds)
    foreign = sum(k[0] in "LM" and not c.isascii() for c, k in kinds)
    marks = "-'.,!?:;" if 2 * foreign >= letters else "-'"
    return all(k[0] in "LM" or _joiner(c, k, marks) for c, k in kinds)


def _joiner(c: str, kind: str, ascii_marks: str) -> bool:
    if c.isascii():
        return c in ascii_marks
    return kind[0] == "P" or kind in ("Cf", "Zs")  # 。、 ’, a zero-width space


def _hash_after_user(value: bytes) -> bool:
    """`user:$2y$10$…`: an htpasswd line, a hash after the name."""
    _, sep, rest = value.partition(b":")
    return bool(sep) and is_hash(rest)


def is_pattern(value: bytes) -> bool:
    """A regular expression (a detector's, a benchmark's): `([a-f0-9]{48})`,
    `(?:secret[-_]?key)`, `sed 's/^secret-key:.*$/…/'`, or alternatives that are all names
    (`ERR_SYS|LINK_REQ_RST`)."""
    if _PATTERN.search(value) or b".*" in value:
        return True
    parts = value.split(b"|")
    return len(parts) > 1 and all(_IDENT.match(p) for p in parts)


def _all_placeholders(value: bytes) -> bool:
    """`pass01;pass02`: a list whose every item is a placeholder."""
    parts = [p for p in re.split(rb"[;,]", value) if p]
    return len(parts) > 1 and all(is_placeholder(p) for p in parts)


def is_code(value: bytes) -> bool:
    """An expression of code: `os.getenv(…)`, `self.settings.x`, `ENV["X"]`."""
    return bool(_CODE.search(value))


def looks_secret(value: bytes) -> bool:
    """A literal that could be a password or key: not a reference, placeholder, hash,
    identifier, path, number, address or code, and random enough."""
    if len(value) < 6 or is_placeholder(value) or is_hash(value) or is_not_live(value):
        return False
    if b"://" in value or _NUMBER.match(value) or _EMAIL.match(value) or _PATH.match(value):
        return False
    if _IDENT.match(value) or _NAME_LIKE.match(value) or is_code(value) or value.startswith(b"--"):
        return False
    if _hash_after_user(value) or _all_placeholders(value) or is_words(value):
        return False
    if is_pattern(value):
        return False
    text = decoded_text(value)
    if text is not None and len(text) >= 4 and (is_placeholder(text) or text.isalpha()):
        return False
    return char_classes(value) >= 2 and entropy(value) >= 2.5
