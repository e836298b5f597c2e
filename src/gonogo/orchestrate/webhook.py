"""Signed webhooks: what gonogo's escalation sender adds, and what a receiver checks.

The sender POSTs a JSON body with two headers:

    X-Gonogo-Timestamp: 1767225600
    X-Gonogo-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<body>")>

A receiver calls `verify(body, headers, secret, now=time.time())`: it recomputes the
signature, compares in constant time, and refuses a timestamp outside the replay
window. Passing a `seen` set also refuses an exact re-delivery inside the window.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, MutableSet

TIMESTAMP_HEADER = "X-Gonogo-Timestamp"
SIGNATURE_HEADER = "X-Gonogo-Signature"
SCHEME = "sha256="
DEFAULT_WINDOW_S = 300.0


class VerificationError(ValueError):
    """The request is not a genuine, fresh gonogo webhook; `reason` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _key(secret: str | bytes) -> bytes:
    return secret.encode("utf-8") if isinstance(secret, str) else secret


def signature(body: bytes, secret: str | bytes, timestamp: int) -> str:
    """The header value: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<body>`."""
    mac = hmac.new(_key(secret), f"{timestamp}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def sign(body: bytes, secret: str | bytes, timestamp: int) -> dict[str, str]:
    """Headers to send with `body` at `timestamp` (seconds since the epoch)."""
    return {
        TIMESTAMP_HEADER: str(int(timestamp)),
        SIGNATURE_HEADER: signature(body, secret, int(timestamp)),
    }


def verify(
    body: bytes,
    headers: Mapping[str, str] | Iterable[tuple[str, str]],
    secret: str | bytes,
    *,
    now: float,
    window_s: float = DEFAULT_WINDOW_S,
    seen: MutableSet[str] | None = None,
) -> int:
    """Check a received webhook; return its timestamp or raise `VerificationError`.

    `headers` may be any mapping or (name, value) pairs (names are case-insensitive).
    With `seen`, a signature accepted before is refused as a replay, and an accepted one
    is added to it.
    """
    lower = _lower(headers)
    raw_ts = lower.get(TIMESTAMP_HEADER.lower())
    raw_sig = lower.get(SIGNATURE_HEADER.lower())
    if raw_ts is None or raw_sig is None:
        raise VerificationError(f"missing {TIMESTAMP_HEADER} or {SIGNATURE_HEADER} header")
    try:
        timestamp = int(raw_ts.strip())
    except ValueError:
        raise VerificationError(f"{TIMESTAMP_HEADER} is not an integer") from None
    expected = signature(body, secret, timestamp)
    if not hmac.compare_digest(expected.encode(), raw_sig.strip().encode()):
        raise VerificationError("signature does not match the body and timestamp")
    age = now - timestamp
    if abs(age) > window_s:
        raise VerificationError(
            f"timestamp is {age:+.0f}s from now, outside the {window_s:g}s replay window"
        )
    if seen is not None:
        if expected in seen:
            raise VerificationError("this delivery was already accepted (replay)")
        seen.add(expected)
    return timestamp


def _lower(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    # email.message.Message (http.server's headers) has items() but is no Mapping
    items = headers.items() if hasattr(headers, "items") else headers
    return {str(k).lower(): str(v) for k, v in items}
