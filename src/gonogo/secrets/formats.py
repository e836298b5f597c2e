"""Credentials known by where they sit rather than by a vendor's prefix: private key
blocks, JSON Web Tokens, passwords in connection strings and URLs, the AWS and Azure
keys of their SDKs' settings, and the files package managers and servers keep logins in
(Docker's `config.json`, `.npmrc`, `.netrc`, `.htpasswd`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import time
import urllib.parse

from gonogo.secrets.providers import END, vendor_token
from gonogo.secrets.rule import Candidate, Detector, NameTest, ci
from gonogo.secrets.values import (
    decoded_basic,
    entropy,
    is_code,
    is_hash,
    is_placeholder,
    is_reference,
    is_uuid,
    is_words,
    looks_secret,
)

# the value is the body's first line (what the fingerprint hashes); the line reported is
# the header's
_NL = rb"(?:\\[rn]|\s)+"  # line ends, real or written out (`\\n` in JSON strings)
_PEM = (
    rb"-----BEGIN (?P<k>(?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP |SSH2 ENCRYPTED )?"
    rb"PRIVATE KEY(?: BLOCK)?)-----" + _NL + rb"(?:[A-Za-z-]+: [^\r\n\\]*" + _NL + rb")*"
    rb"(?P<v>[A-Za-z0-9+/=]{40,})"
)
_PUTTY = (
    rb"(?P<k>PuTTY-User-Key-File-\d): [^\n]*\r?\nEncryption: none\r?\n[\s\S]*?"
    rb"Private-Lines: \d+\r?\n(?P<v>[A-Za-z0-9+/=]{40,})"
)


def _encrypted(c: Candidate) -> bool:
    """PKCS#8 `ENCRYPTED`, a `Proc-Type: 4,ENCRYPTED` header, or an OpenSSH key whose
    cipher is not `none`."""
    if c.key.startswith(b"ENCRYPTED") or b"ENCRYPTED" in c.data[c.match_start : c.start]:
        return True
    if c.key.startswith(b"OPENSSH"):
        try:
            raw = base64.b64decode(c.value[: len(c.value) // 4 * 4])
        except (binascii.Error, ValueError):
            return False
        return raw.startswith(b"openssh-key-v1\0") and raw[19:23] != b"none"
    return False


def _key_block(c: Candidate) -> bool:
    """A header followed by a random base64 body (not a string constant in code, not a
    run of `x` or a body cut short with `...` in documentation)."""
    return (
        entropy(c.value) >= 4.0
        and b"..." not in c.after[:300]
        and "…".encode() not in c.after[:300]
    )


def _plain_key(c: Candidate) -> bool:
    return _key_block(c) and not _encrypted(c)


def _encrypted_key(c: Candidate) -> bool:
    return _key_block(c) and _encrypted(c)


def _jwt(c: Candidate) -> bool:
    head, payload = c.value.split(b".")[:2]
    try:
        header = json.loads(base64.urlsafe_b64decode(head + b"=" * (-len(head) % 4)))
        claims = json.loads(base64.urlsafe_b64decode(payload + b"=" * (-len(payload) % 4)))
    except (ValueError, TypeError):
        return False
    if not isinstance(header, dict) or "alg" not in header or header.get("alg") == "none":
        return False
    if not isinstance(claims, dict):
        return True
    expiry = claims.get("exp")
    if isinstance(expiry, int | float) and not isinstance(expiry, bool) and expiry < time.time():
        return False  # expired: no server accepts it any more (a Postman collection's old token)
    return claims.get("sub") != "1234567890"  # the example token of the JWT specification sites


_URL_USERS = frozenset(b"user username usr login name".split())


def url_password(c: Candidate) -> bool:
    if b"%" in c.value:  # `a%20secret`: judged as what it encodes
        decoded = urllib.parse.unquote_to_bytes(c.value)
        if (b" " in decoded and is_words(decoded)) or is_placeholder(decoded):
            return False
    low = c.value.lower()
    if low in (b"pass", b"pwd", b"pw", b"password", b"passwd", b"secret") or is_reference(c.value):
        return False
    if c.key.lower() in _URL_USERS and len(set(low)) < 8:  # user:password-like pairs in docs
        return False
    if is_code(c.value) or re.fullmatch(rb"[A-Z][A-Z0-9_]*", c.value):
        return False
    return not is_placeholder(c.value)


def _aws_secret(c: Candidate) -> bool:
    return vendor_token(c) and entropy(c.value) >= 3.5


def _docker_auth(c: Candidate) -> bool:
    pair = decoded_basic(c.value)
    return pair is not None and len(pair[1]) >= 4 and not is_placeholder(pair[1])


def _npm_auth(c: Candidate) -> bool:
    v = c.value
    if is_reference(v) or is_placeholder(v):
        return False
    if c.key == b"_authToken":
        return is_uuid(v) or looks_secret(v)
    pair = decoded_basic(v)
    if pair is not None:
        return not is_placeholder(pair[1])
    return looks_secret(v)


def _netrc_password(c: Candidate) -> bool:
    v = c.value
    return not (is_reference(v) or is_placeholder(v) or (b"@" in v and b"." in v)) and len(v) >= 6


def _htpasswd(c: Candidate) -> bool:
    """An entry whose password is stored as itself (no hash scheme; 13-character DES
    crypt is a hash)."""
    v = c.value
    if is_hash(v) or re.fullmatch(rb"[./0-9A-Za-z]{13}", v) or is_placeholder(v):
        return False
    return not v.startswith((b"$", b"{"))


_IS_NETRC = NameTest(("netrc",))
_IS_HTPASSWD = NameTest(("htpasswd", "htdigest"))

FORMATS: tuple[Detector, ...] = (
    Detector(
        "private-key",
        "private key block",
        _PEM,
        rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY",
        _plain_key,
        line_group=b"k",
    ),
    Detector(
        "encrypted-private-key",
        "encrypted private key block",
        _PEM,
        rb"-----BEGIN [A-Z0-9 ]*PRIVATE KEY",
        _encrypted_key,
        severity="warning",
        line_group=b"k",
    ),
    Detector(
        "private-key",
        "PuTTY private key",
        _PUTTY,
        rb"PuTTY-User-Key-File-",
        _key_block,
        line_group=b"k",
    ),
    Detector(
        "jwt",
        "JSON Web Token",
        rb"(?P<v>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})",
        rb"eyJ[A-Za-z0-9_-]{8,}\.eyJ",
        _jwt,
    ),
    Detector(
        "aws-secret-access-key",
        "AWS secret access key",
        rb"(?i:aws_?secret_?(?:access_?)?key|secret_?access_?key)[\"']?[ \t]*(?::|=>|=)"
        rb"[ \t]*[\"']?(?P<v>[A-Za-z0-9/+]{40})" + END,
        ci("secret") + rb"_?(?:" + ci("access") + b"|" + ci("key") + b")",
        _aws_secret,
    ),
    Detector(
        "azure-storage-key",
        "Azure storage account key",
        rb"AccountKey=(?P<v>[A-Za-z0-9+/]{86}==)",
        rb"AccountKey=",
        vendor_token,
    ),
    Detector(
        "azure-storage-key",
        "Azure shared access key",
        rb"SharedAccessKey=(?P<v>[A-Za-z0-9+/]{42,43}=)",
        rb"SharedAccessKey=",
        vendor_token,
    ),
    Detector(
        "url-password",
        "password in a URL",
        rb"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://(?P<k>[^\s:/@\"'<>]{0,100}):"
        rb"(?P<v>[^\s:/@\"'<>]{3,100})@[A-Za-z0-9.-]+",
        rb"://[^\s:/@\"'<>]*:[^\s:/@\"'<>]+@",
        url_password,
    ),
    Detector(
        "connection-string-password",
        "password in a connection string",
        rb"(?i:[;?&\s\"']|^)(?i:password|pwd)=(?P<v>[^;&\"'\s<>]{3,200})",
        rb"(?:" + ci("password") + b"|" + ci("pwd") + rb")=",
        url_password,
    ),
    Detector(
        "docker-auth",
        "Docker registry login",
        rb"\"auth\"[ \t]*:[ \t]*\"(?P<v>[A-Za-z0-9+/=]{12,})\"",
        rb"\"auth\"[ \t]*:",
        _docker_auth,
    ),
    Detector(
        "npm-auth",
        "npm registry login",
        rb":(?P<k>_authToken|_auth|_password)[ \t]*=[ \t]*(?P<v>[^\s\"']{8,})",
        rb":_(?:authToken|auth|password)",
        _npm_auth,
    ),
    Detector(
        "netrc-password",
        ".netrc password",
        rb"\bpassword[ \t]+(?P<v>\S{3,200})",
        b"",
        _netrc_password,
        files=_IS_NETRC,
    ),
    Detector(
        "htpasswd-password",
        "plain-text password in an htpasswd file",
        rb"(?m:^)(?P<k>[^:\s#]+):(?P<v>\S{4,200})(?m:$)",
        b"",
        _htpasswd,
        files=_IS_HTPASSWD,
    ),
)
