"""The `http` probe against a real local HTTP(S) server."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gonogo.fs.index import FileIndex
from gonogo.models import Outcome, Status
from gonogo.probes import http
from gonogo.probes.base import Context
from httpserver import Blackhole, Served, closed_port, serve


@pytest.fixture(scope="module")
def server() -> Iterator[Served]:
    with serve() as s:
        yield s


def run(
    tmp_path: Path,
    params: dict[str, Any],
    *,
    timeout: float = 5.0,
    environ: dict[str, str] | None = None,
) -> tuple[Outcome, Context]:
    ctx = Context(tmp_path, FileIndex(tmp_path), environ or {}, timeout, "c1")
    p = http.HttpParams.model_validate(params)
    return asyncio.run(http.PROBE.run(p, ctx)), ctx


@pytest.mark.parametrize(
    ("path", "expect", "status", "says"),
    [
        ("/ok", {}, Status.PASS, "returned 200"),
        ("/ok", {"status": 200, "body": "^ok$"}, Status.PASS, "returned 200"),
        ("/500", {}, Status.FAIL, "returned 500; expected 2xx"),
        ("/500", {"status": [500, 503]}, Status.PASS, "returned 500"),
        ("/ok", {"status": 204}, Status.FAIL, "returned 200; expected 204"),
        ("/ok", {"body": "healthy"}, Status.FAIL, "body does not match /healthy/"),
        ("/json", {"json": {"status": "ok", "db.ok": True, "items.1.name": "b"}}, Status.PASS, ""),
        ("/json", {"json": {"db.ok": False}}, Status.FAIL, "JSON db.ok is True; expected False"),
        ("/json", {"json": {"db.missing": 1}}, Status.FAIL, "JSON has no db.missing"),
        ("/ok", {"json": {"a": 1}}, Status.FAIL, "body is not JSON"),
        ("/slow?ms=300", {"max_ms": 100}, Status.FAIL, "expected at most 100 ms"),
        ("/redirect", {"status": 200}, Status.PASS, "returned 200"),
    ],
)
def test_expectations(
    server: Served, tmp_path: Path, path: str, expect: dict[str, Any], status: Status, says: str
) -> None:
    out, _ = run(tmp_path, {"url": server.url(path), "expect": expect})
    assert out.status is status, out.message
    assert says in out.message
    assert out.evidence["status"] in (200, 500)
    assert "latency_ms" in out.evidence


def test_redirect_evidence_names_final_url(server: Served, tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": server.url("/redirect")})
    assert out.evidence["final_url"] == server.url("/ok")
    assert out.evidence["redirects"] == 1


def test_redirect_not_followed_when_disabled(server: Served, tmp_path: Path) -> None:
    out, _ = run(
        tmp_path,
        {"url": server.url("/redirect"), "follow_redirects": False, "expect": {"status": 302}},
    )
    assert out.status is Status.PASS


def test_redirect_loop_is_a_failure(server: Served, tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": server.url("/loop"), "max_redirects": 3})
    assert out.status is Status.FAIL
    assert "redirected more than 3 times" in out.message


def test_large_body_is_capped(server: Served, tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": server.url("/large?mb=8"), "expect": {"body": "^x+"}})
    assert out.status is Status.PASS
    assert out.evidence["bytes"] == http.BODY_CAP
    assert "truncated" in out.evidence


def test_method_headers_and_body_are_sent(server: Served, tmp_path: Path) -> None:
    out, _ = run(
        tmp_path,
        {
            "url": server.url("/echo"),
            "method": "POST",
            "headers": {"Authorization": "Bearer ${API_TOKEN}"},
            "body": {"ping": 1},
            "expect": {
                "json": {
                    "method": "POST",
                    "headers.Authorization": "Bearer s3cr3t-token",
                    "body": '{"ping": 1}',
                }
            },
        },
        environ={"API_TOKEN": "s3cr3t-token"},
    )
    assert out.status is Status.PASS, out.message


def test_flaky_endpoint_recovers(server: Served, tmp_path: Path) -> None:
    params = {"url": server.url("/flaky?key=http-test&fail=1")}
    first, _ = run(tmp_path, params)
    second, _ = run(tmp_path, params)
    assert (first.status, second.status) == (Status.FAIL, Status.PASS)


def test_connection_refused_is_named(tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": f"http://127.0.0.1:{closed_port()}/health"})
    assert out.status is Status.ERROR
    assert "connection refused" in out.message
    assert out.evidence["failure"] == "refused"


def test_dns_failure_is_named(tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": "http://no-such-host.invalid/health"})
    assert out.status is Status.ERROR
    assert "'no-such-host.invalid' does not resolve (DNS)" in out.message


def test_timeout_is_named(tmp_path: Path) -> None:
    with Blackhole() as hole:
        out, _ = run(tmp_path, {"url": f"http://127.0.0.1:{hole.port}/"}, timeout=0.6)
    assert out.status is Status.ERROR
    assert "no answer within 600ms (timeout)" in out.message


def test_tls_error_is_named_and_verify_false_accepts(tmp_path: Path) -> None:
    with serve(tls_dir=tmp_path) as tls:
        bad, _ = run(tmp_path, {"url": tls.url("/ok")})
        ok, _ = run(tmp_path, {"url": tls.url("/ok"), "verify": False})
        trusted, _ = run(tmp_path, {"url": tls.url("/ok"), "ca_file": "cert.pem"})
    assert bad.status is Status.ERROR
    assert "TLS failed (self-signed certificate" in bad.message
    assert ok.status is Status.PASS
    assert trusted.status is Status.PASS, trusted.message


def test_each_failure_kind_has_its_own_message(tmp_path: Path) -> None:
    with Blackhole() as hole, serve(tls_dir=tmp_path) as tls:
        urls = [
            f"http://127.0.0.1:{closed_port()}/",
            "http://no-such-host.invalid/",
            f"http://127.0.0.1:{hole.port}/",
            tls.url("/ok"),
        ]
        messages = [run(tmp_path, {"url": u}, timeout=0.5)[0].message for u in urls]
    stems = {m.split(": ", 1)[1].split(";")[0].split("(")[0] for m in messages}
    assert len(stems) == 4, messages


def test_password_in_url_never_shown(server: Served, tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": server.base.replace("//", "//admin:hunter22@") + "/500"})
    assert out.status is Status.FAIL
    assert "hunter22" not in json.dumps(out.evidence) + out.message
    assert "admin:***@" in out.message


def test_unset_variable_is_an_error(tmp_path: Path) -> None:
    out, _ = run(tmp_path, {"url": "${HEALTH_URL}"})
    assert out.status is Status.ERROR
    assert "HEALTH_URL is not set" in out.message


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"url": "ftp://example.com/"}, "url"),
        ({"url": "http://x/", "method": "FETCH"}, "method"),
        ({"url": "http://x/", "expect": {"body": "("}}, "body"),
        ({"url": "http://x/", "timout": 3}, "timout"),
    ],
)
def test_bad_params_are_rejected(params: dict[str, Any], field: str) -> None:
    with pytest.raises(ValueError, match=field):
        http.HttpParams.model_validate(params)


def test_target_is_scheme_host_port(tmp_path: Path) -> None:
    ctx = Context(tmp_path, FileIndex(tmp_path), {"U": "https://user:pw@Example.COM/x?q=1"})
    p = http.HttpParams.model_validate({"url": "${U}"})
    assert http.PROBE.target is not None
    assert http.PROBE.target(p, ctx) == "https://example.com:443"


def test_json_lookup_paths() -> None:
    doc = {"a": [{"b": 1}, {"b": 2}], "c": None}
    assert http.lookup(doc, "a.1.b") == (True, 2)
    assert http.lookup(doc, "$.a.-1.b") == (True, 2)
    assert http.lookup(doc, "c") == (True, None)
    assert http.lookup(doc, "a.5.b") == (False, None)
