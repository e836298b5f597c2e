"""Signed webhooks: what gonogo's escalation sender adds, and what a receiver checks.

The sender POSTs a JSON body with three headers:

    X-Gonogo-Timestamp: 1767225600
    X-Gonogo-Event: 4f0c…                 (the escalation's id: the same on every retry)
    X-Gonogo-Signature: sha256=<hex of HMAC-SHA256(secret, "<timestamp>.<event>.<body>")>

A receiver calls `verify(body, headers, secret, now=time.time(), seen=…)`: it parses the
timestamp strictly (ASCII digits only), recomputes the signature, compares in constant
time, refuses a timestamp outside the replay window, and with `seen` (a set the receiver
keeps for at least the window) refuses an event it accepted before, however freshly it
was signed: a retried delivery of an escalation is the same event. An empty secret is
refused on both sides: an HMAC keyed with nothing proves nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping, MutableSet

from gonogo.strictnum import ascii_int

TIMESTAMP_HEADER = "X-Gonogo-Timestamp"
EVENT_HEADER = "X-Gonogo-Event"
SIGNATURE_HEADER = "X-Gonogo-Signature"
SCHEME = "sha256="
DEFAULT_WINDOW_S = 300.0
MAX_EVENT_CHARS = 128


class VerificationError(ValueError):
    """The request is not a genuine, fresh gonogo webhook; `reason` says why."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


def _key(secret: str | bytes) -> bytes:
    key = secret.encode("utf-8") if isinstance(secret, str) else secret
    if not key:
        raise ValueError("refusing an empty webhook secret: it would sign nothing")
    return key


def signature(body: bytes, secret: str | bytes, timestamp: int, event: str) -> str:
    """The header value: `sha256=` and the hex HMAC-SHA256 of `<timestamp>.<event>.<body>`."""
    mac = hmac.new(_key(secret), f"{timestamp}.{event}.".encode() + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def sign(body: bytes, secret: str | bytes, timestamp: int, event: str) -> dict[str, str]:
    """Headers to send with `body` at `timestamp` (seconds since the epoch) for `event`."""
    return {
        TIMESTAMP_HEADER: str(int(timestamp)),
        EVENT_HEADER: event,
        SIGNATURE_HEADER: signature(body, secret, int(timestamp), event),
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
    With `seen`, an event id accepted before is refused as a replay, and an accepted one
    is added to it.
    """
    try:
        key = _key(secret)
    except ValueError as exc:
        raise VerificationError(str(exc)) from None
    lower = _lower(headers)
    raw_ts, event, raw_sig = (
        lower.get(h.lower()) for h in (TIMESTAMP_HEADER, EVENT_HEADER, SIGNATURE_HEADER)
    )
    if raw_ts is None or event is None or raw_sig is None:
        raise VerificationError(
            f"missing {TIMESTAMP_HEADER}, {EVENT_HEADER} or {SIGNATURE_HEADER} header"
        )
    timestamp = ascii_int(raw_ts.strip(" \t"))
    if timestamp is None:
        raise VerificationError(f"{TIMESTAMP_HEADER} is not an integer of ASCII digits")
    event = event.strip(" \t")
    if not event or len(event) > MAX_EVENT_CHARS or not event.isascii():
        raise VerificationError(f"{EVENT_HEADER} is not an event id")
    expected = signature(body, key, timestamp, event)
    if not hmac.compare_digest(expected.encode(), raw_sig.strip(" \t").encode("utf-8", "replace")):
        raise VerificationError("signature does not match the body, timestamp and event")
    age = now - timestamp
    if abs(age) > window_s:
        raise VerificationError(
            f"timestamp is {age:+.0f}s from now, outside the {window_s:g}s replay window"
        )
    if seen is not None:
        if event in seen:
            raise VerificationError(f"event {event} was already accepted (replay)")
        seen.add(event)
    return timestamp


def _lower(headers: Mapping[str, str] | Iterable[tuple[str, str]]) -> dict[str, str]:
    # email.message.Message (http.server's headers) has items() but is no Mapping
    items = headers.items() if hasattr(headers, "items") else headers
    return {str(k).lower(): str(v) for k, v in items}
