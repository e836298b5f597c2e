"""Webhook verification refuses what a loose parser would let through, and gonogo does
not send unsigned webhooks unless the plan says so."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from gonogo.orchestrate.escalation import UNSIGNED_REFUSED, UNSIGNED_WARNING, webhook_from
from gonogo.orchestrate.webhook import VerificationError, sign, signature, verify
from gonogo.plan.schema import EscalationSpec

BODY = b'{"task_id":"rotate"}'
NOW = 1_767_225_600
KEY = "whsec-strict-4c1d"


def _signed_as(raw_ts: str) -> dict[str, str]:
    """Headers whose signature is genuine for the value `raw_ts` parses to under int()."""
    return {
        "X-Gonogo-Timestamp": raw_ts,
        "X-Gonogo-Event": "ev-1",
        "X-Gonogo-Signature": signature(BODY, KEY, int(raw_ts), "ev-1"),
    }


@pytest.mark.parametrize(
    "raw_ts",
    ["1_767_225_600", "+1767225600", "١٧٦٧٢٢٥٦٠٠", "1767225600.0", "0x6955b900", ""],
    ids=["underscores", "plus", "arabic-digits", "float", "hex", "empty"],
)
def test_timestamps_are_ascii_digits_only(raw_ts: str) -> None:
    headers = {
        "X-Gonogo-Timestamp": raw_ts,
        "X-Gonogo-Event": "ev-1",
        "X-Gonogo-Signature": "sha256=" + "0" * 64,
    }
    if raw_ts in ("1_767_225_600", "+1767225600", "١٧٦٧٢٢٥٦٠٠"):
        headers = _signed_as(raw_ts)  # what int() would have accepted, correctly signed
    with pytest.raises(VerificationError) as err:
        verify(BODY, headers, KEY, now=NOW)
    assert err.value.reason == "X-Gonogo-Timestamp is not an integer of ASCII digits"


def test_huge_timestamps_are_refused_without_overflow() -> None:
    huge = "9" * 400
    with pytest.raises(VerificationError, match="not an integer of ASCII digits"):
        verify(BODY, {**sign(BODY, KEY, NOW, "ev-1"), "X-Gonogo-Timestamp": huge}, KEY, now=NOW)
    far = 10**29  # within the digits allowed: signed, but far outside the window
    with pytest.raises(VerificationError, match="outside the 300s replay window"):
        verify(BODY, sign(BODY, KEY, far, "ev-1"), KEY, now=NOW)


@pytest.mark.parametrize("key", ["", b""])
def test_an_empty_key_neither_signs_nor_verifies(key: str | bytes) -> None:
    with pytest.raises(ValueError, match="refusing an empty webhook secret"):
        sign(BODY, key, NOW, "ev-1")
    forged = {
        "X-Gonogo-Timestamp": str(NOW),
        "X-Gonogo-Event": "ev-1",
        "X-Gonogo-Signature": "sha256=" + "0" * 64,
    }
    with pytest.raises(VerificationError) as err:
        verify(BODY, forged, key, now=NOW)
    assert err.value.reason == "refusing an empty webhook secret: it would sign nothing"


def test_unsigned_webhooks_are_refused_unless_allowed() -> None:
    url = "http://127.0.0.1:9/hook"
    refused = webhook_from(EscalationSpec(webhook=url), {})
    assert refused is not None
    assert (refused.problem, refused.warning) == (UNSIGNED_REFUSED, "")
    allowed = webhook_from(EscalationSpec(webhook=url, allow_unsigned=True), {})
    assert allowed is not None
    assert (allowed.problem, allowed.warning, allowed.secret) == ("", UNSIGNED_WARNING, None)


def test_orchestrate_records_why_an_unsigned_webhook_was_not_sent(
    tmp_path: Path, cli: object
) -> None:
    (tmp_path / "gonogo.yaml").write_text(
        "version: 1\ngates: []\ntasks:\n"
        f"  - {{id: t, retries: 0, run: [{sys.executable}, -c, 'raise SystemExit(3)']}}\n"
        "escalation: {webhook: 'http://127.0.0.1:9/hook'}\n"
    )
    res = cli("orchestrate", str(tmp_path))  # type: ignore[operator]
    assert res.code == 1, res.stderr
    (esc,) = json.loads((tmp_path / ".gonogo/orchestrate.json").read_text())["escalations"]
    assert (esc["webhook"], esc["webhook_error"]) == ("failed", UNSIGNED_REFUSED)
