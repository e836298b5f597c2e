"""Signed escalation webhooks: `sign`/`verify` and a real local HTTP receiver that
verifies what `gonogo orchestrate` sends, and refuses tampered and replayed requests."""

from __future__ import annotations

import http.server
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gonogo.orchestrate.webhook import VerificationError, sign, signature, verify
from services import free_port

PY = sys.executable
SECRET = "whsec-test-9f2c41d7"


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda b, h: (b + b" ", h), "signature does not match"),
        (
            lambda b, h: (b, {**h, "X-Gonogo-Timestamp": str(int(h["X-Gonogo-Timestamp"]) + 1)}),
            "signature does not match",
        ),
        (
            lambda b, h: (b, {**h, "X-Gonogo-Signature": "sha256=" + "0" * 64}),
            "signature does not match",
        ),
        (lambda b, h: (b, {"X-Gonogo-Timestamp": h["X-Gonogo-Timestamp"]}), "missing"),
        (lambda b, h: (b, {**h, "X-Gonogo-Timestamp": "soon"}), "not an integer"),
        (lambda b, h: (b, {**h, "X-Gonogo-Event": "another"}), "signature does not match"),
        (lambda b, h: (b, {k: v for k, v in h.items() if k != "X-Gonogo-Event"}), "missing"),
    ],
    ids=["body", "timestamp", "signature", "no-signature", "bad-timestamp", "event", "no-event"],
)
def test_verify_rejects_tampering(
    mutate: Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]], reason: str
) -> None:
    body = b'{"task_id":"harden"}'
    headers = sign(body, SECRET, 1_700_000_000, "ev-1")
    assert verify(body, headers, SECRET, now=1_700_000_010) == 1_700_000_000
    bad_body, bad_headers = mutate(body, headers)
    with pytest.raises(VerificationError, match=reason):
        verify(bad_body, bad_headers, SECRET, now=1_700_000_010)


def test_signature_is_hmac_sha256_over_timestamp_event_and_body() -> None:
    import hashlib
    import hmac

    body = b'{"a":1}'
    want = hmac.new(SECRET.encode(), b"1700000000.ev-1." + body, hashlib.sha256).hexdigest()
    assert signature(body, SECRET, 1_700_000_000, "ev-1") == f"sha256={want}"


def test_verify_replay_window_and_seen_set() -> None:
    body = b"{}"
    headers = {k.lower(): v for k, v in sign(body, SECRET, 1000, "ev-1").items()}  # any case
    with pytest.raises(VerificationError, match="outside the 300s replay window"):
        verify(body, headers, SECRET, now=1000 + 301)
    with pytest.raises(VerificationError, match="outside"):
        verify(body, headers, SECRET, now=1000 - 301)
    seen: set[str] = set()
    verify(body, headers, SECRET, now=1100, seen=seen)
    with pytest.raises(VerificationError, match="replay"):
        verify(body, headers, SECRET, now=1101, seen=seen)
    # the same event signed again a second later (a retried delivery): still a replay
    again = sign(body, SECRET, 1101, "ev-1")
    with pytest.raises(VerificationError, match=r"^event ev-1 was already accepted \(replay\)$"):
        verify(body, again, SECRET, now=1102, seen=seen)
    with pytest.raises(VerificationError, match="signature"):
        verify(body, headers, "another-secret", now=1000)


@dataclass
class Receiver:
    url: str
    accepted: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)


class _Handler(http.server.BaseHTTPRequestHandler):
    receiver: Receiver
    seen: set[str]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        try:
            verify(body, self.headers, SECRET, now=time.time(), window_s=60, seen=self.seen)
        except VerificationError as exc:
            self.receiver.rejected.append(exc.reason)
            self.send_response(401)
        else:
            self.receiver.accepted.append((body, dict(self.headers.items())))
            self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def _serve(port: int) -> tuple[Receiver, http.server.ThreadingHTTPServer]:
    receiver = Receiver(f"http://127.0.0.1:{port}/hooks/gonogo")
    handler = type("H", (_Handler,), {"receiver": receiver, "seen": set()})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return receiver, server


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec, server = _serve(free_port())
    yield rec
    server.shutdown()
    server.server_close()


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


def _plan(root: Path, url: str) -> None:
    (root / "gonogo.yaml").write_text(
        "version: 1\ndefaults: {backoff: 10ms, backoff_max: 20ms}\ngates: []\n"
        "tasks:\n"
        f"  - {{id: rotate, title: Rotate keys, priority: P0, retries: 1,\n"
        f"     run: [{PY}, -c, 'raise SystemExit(7)']}}\n"
        f"escalation: {{webhook: '{url}', secret_env: HOOK_SECRET, timeout: 2s}}\n"
    )


def test_escalation_webhook_is_signed_and_verified(
    tmp_path: Path, receiver: Receiver, cli: Callable[..., object]
) -> None:
    _plan(tmp_path, receiver.url)
    res = cli("orchestrate", str(tmp_path), env={"HOOK_SECRET": SECRET})
    assert res.code == 1, res.stderr  # type: ignore[attr-defined]
    assert SECRET not in res.stdout + res.stderr  # type: ignore[attr-defined]
    assert receiver.rejected == []
    ((body, headers),) = receiver.accepted
    sent = json.loads(body)
    line = json.loads((tmp_path / ".gonogo" / "escalations.jsonl").read_text())
    assert sent == line
    assert sent["task_id"] == "rotate"
    assert sent["attempts"] == 2
    assert headers["X-Gonogo-Signature"].startswith("sha256=")
    assert headers["X-Gonogo-Event"] == sent["id"]  # the escalation id: one per event
    state = json.loads((tmp_path / ".gonogo" / "orchestrate.json").read_text())
    assert state["escalations"][0]["webhook"] == "sent"
    assert SECRET not in json.dumps(state)

    # the same delivery again: a replay, refused
    assert _post(receiver.url, body, headers) == 401
    assert receiver.rejected[-1] == f"event {sent['id']} was already accepted (replay)"
    # a tampered body with the genuine headers: refused
    forged = body.replace(b'"P0"', b'"P3"')
    assert _post(receiver.url, forged, headers) == 401
    assert receiver.rejected[-1] == "signature does not match the body, timestamp and event"
    # a correctly signed but old request (captured, replayed later): refused
    old = sign(body, SECRET, int(time.time()) - 3600, sent["id"])
    assert _post(receiver.url, body, {**old, "Content-Type": "application/json"}) == 401
    assert "outside the 60s replay window" in receiver.rejected[-1]
    assert len(receiver.accepted) == 1


def test_undelivered_webhook_is_retried_on_resume(
    tmp_path: Path, cli: Callable[..., object]
) -> None:
    port = free_port()  # nothing listens yet: the POSTs are refused
    url = f"http://127.0.0.1:{port}/hooks/gonogo"
    _plan(tmp_path, url)
    assert _run_in_process(tmp_path, {"HOOK_SECRET": SECRET}) == 1
    state = json.loads((tmp_path / ".gonogo" / "orchestrate.json").read_text())
    (esc,) = state["escalations"]
    assert esc["webhook"] == "failed"
    assert "ConnectError" in esc["webhook_error"]

    receiver, server = _serve(port)
    try:
        again = cli("orchestrate", str(tmp_path), "--resume", env={"HOOK_SECRET": SECRET})
    finally:
        server.shutdown()
        server.server_close()
    assert "webhook for rotate escalation delivered" in again.stderr  # type: ignore[attr-defined]
    ((body, _),) = receiver.accepted
    assert json.loads(body)["id"] == esc["record"]["id"]
    lines = (tmp_path / ".gonogo" / "escalations.jsonl").read_text().splitlines()
    assert len(lines) == 1, "the escalation is logged once, however often it is delivered"
    state = json.loads((tmp_path / ".gonogo" / "orchestrate.json").read_text())
    assert state["escalations"][0]["webhook"] == "sent"


def _run_in_process(root: Path, env: dict[str, str]) -> int:
    import io
    import os

    from gonogo.cli.common import resolve_plan
    from gonogo.orchestrate.progress import TerminalEvents
    from gonogo.orchestrate.session import Request, Session
    from gonogo.orchestrate.state import Selection
    from gonogo.probes.registry import all_probes

    req = Request(root, resolve_plan(root, None).plan, Selection())
    events = TerminalEvents(io.StringIO())
    return Session(req, all_probes(), {**os.environ, **env}, events).run().exit_code


def test_missing_secret_variable_is_reported_by_name(tmp_path: Path, receiver: Receiver) -> None:
    _plan(tmp_path, receiver.url)
    assert _run_in_process(tmp_path, {"HOOK_SECRET": ""}) == 1
    assert receiver.accepted == []
    state = json.loads((tmp_path / ".gonogo" / "orchestrate.json").read_text())
    esc = state["escalations"][0]
    assert esc["webhook"] == "failed"
    assert esc["webhook_error"] == "environment variable HOOK_SECRET (secret_env) is not set"


class _Unavailable(http.server.BaseHTTPRequestHandler):
    hits: list[str]

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.hits.append(self.path)
        self.send_response(503)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_circuit_breaker_stops_hammering_a_dead_receiver(tmp_path: Path) -> None:
    import asyncio

    from gonogo.engine.breaker import Breakers
    from gonogo.orchestrate.escalation import Escalator, Webhook
    from gonogo.orchestrate.state import RunState, Selection, StateStore

    hits: list[str] = []
    handler = type("H", (_Unavailable,), {"hits": hits})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    store = StateStore(
        tmp_path / "state.json", RunState("run", "", Selection(), "now"), lambda: "now"
    )
    escalator = Escalator(
        store,
        tmp_path / "escalations.jsonl",
        Webhook(url, SECRET, 2.0),
        backoff=(0.001, 0.002),
        breakers=Breakers(threshold=2, cooldown_s=60),
    )

    async def three() -> None:
        for i in range(3):
            await escalator.escalate({"id": f"e{i}", "task_id": f"t{i}"})

    try:
        asyncio.run(three())
    finally:
        server.shutdown()
        server.server_close()
    assert len(hits) == 2, "the circuit opens after two failures in a row"
    states = [(e.webhook, e.webhook_error) for e in store.state.escalations]
    assert states[0] == ("failed", "webhook answered HTTP 503")
    assert states[1][0] == states[2][0] == "failed"
    assert states[2][1].startswith("circuit open")
    lines = (tmp_path / "escalations.jsonl").read_text().splitlines()
    assert [json.loads(ln)["id"] for ln in lines] == ["e0", "e1", "e2"]
