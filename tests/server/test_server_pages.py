"""Pages, badges, report.md and webhooks of the team server, in process (TestClient);
webhooks go to a real local HTTP receiver that checks their signatures."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from server_helpers import AT, Clock, app_client, bearer, body, login, run, seed, wait_for

from gonogo.models import Status
from gonogo.orchestrate.webhook import verify
from gonogo.server import webhooks
from gonogo.server.config import Settings
from gonogo.server.db import ServerDB

PASS, FAIL = Status.PASS, Status.FAIL
DAY = 86400


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/server.db"


def _push(client: Any, token: str, report: Any) -> None:
    resp = client.post(
        f"/api/v1/projects/{report.project}/runs", content=body(report), headers=bearer(token)
    )
    assert resp.status_code == 201, resp.text


def _cells(html: str, table: str) -> list[list[str]]:
    """The text of each row of the table with this id (tags stripped, entities kept)."""
    part = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", part, re.S)
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", c).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)
        ]
        for r in rows
        if "<td" in r
    ]


def test_the_overview_puts_no_go_first_filters_and_flags_stale(url: str) -> None:
    s = seed(url, ("shop", "billing", "search"))
    clock = Clock()
    with app_client(Settings(url, public_read=True, clock=clock, stale_days=7)) as client:
        _push(client, s.tokens["search"], run({"a": PASS}, project="search"))
        clock.now += 8 * DAY
        _push(client, s.tokens["shop"], run({"a": PASS}, project="shop"))
        _push(
            client,
            s.tokens["billing"],
            run({"p": FAIL}, project="billing", priorities={"p": "P0"}, owners={"p": "payments"}),
        )
        client.patch(
            "/api/v1/projects/billing",
            json={"owner": "team-pay", "tags": ["python"]},
            headers=bearer(s.user_tokens["maintainer"]),
        )
        page = client.get("/").text
        by_tag = client.get("/?tag=python").text
        by_owner = client.get("/?owner=nobody").text
        searched = client.get("/?q=sea").text
    rows = _cells(page, "matrix")
    assert [r[:3] for r in rows] == [
        ["billing python", "NO-GO", "0%"],
        ["search", "GO", "100%"],
        ["shop", "GO", "100%"],
    ]
    assert rows[1][4].endswith("stale") and not rows[2][4].endswith("stale")
    assert "NO-GO: 1" in page and "GO: 2" in page
    assert _cells(page, "p0") == [["billing", "p", "infra", "payments", "fail", "p is fail"]]
    assert [r[0] for r in _cells(by_tag, "matrix")] == ["billing python"]
    assert _cells(by_owner, "matrix") == []
    assert [r[0] for r in _cells(searched, "matrix")] == ["search"]


def test_the_matrix_has_a_cell_per_gate_column_dashed_where_a_project_lacks_it(
    url: str,
) -> None:
    s = seed(url)
    with app_client(Settings(url, public_read=True)) as client:
        _push(client, s.tokens["shop"], run({"a": PASS, "b": FAIL}, gate="infra", threshold=50))
        _push(client, s.tokens["shop"], run({"d": PASS}, gate="docs", n=1, branch="dev"))
        _push(client, s.tokens["billing"], run({"d": FAIL}, project="billing", gate="docs"))
        page = client.get("/").text
        gated = client.get("/?gate=infra").text
    header = re.findall(r"<th>(.*?)</th>", page.split('id="matrix"', 1)[1].split("</thead>")[0])
    assert header[5:] == ["docs", "infra"]  # commonest first, then by name
    assert [r[5:] for r in _cells(page, "matrix")] == [
        ["NO-GO 0%", "—"],  # billing ran docs only
        ["—", "GO 50%"],  # shop's main branch ran infra only
    ]
    assert [(r[0], r[5:]) for r in _cells(gated, "matrix")] == [("shop", ["GO 50%"])]


def test_untrusted_ids_and_messages_are_shown_as_text(url: str) -> None:
    s = seed(url)
    evil = "<script>alert(1)</script>"
    report = run({evil: FAIL}, priorities={evil: "P0"})
    with app_client(Settings(url, public_read=True)) as client:
        _push(client, s.tokens["shop"], report)
        pages = [
            client.get(p) for p in ("/", "/projects/shop", f"/projects/shop/runs/{report.run_id}")
        ]
        badge = client.get("/badge/shop/%3Cscript%3E.svg")
    for resp in pages:
        assert resp.status_code == 200
        assert evil not in resp.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in resp.text
        assert resp.headers["content-security-policy"].startswith(
            "default-src 'self'; script-src 'self'"
        )
    assert "<script>" not in badge.text and "&lt;script&gt;" in badge.text


def test_the_project_page_shows_branches_trends_blockers_waivers_and_approvals(url: str) -> None:
    s = seed(url)
    clock = Clock()
    waiver = {"check": "w", "owner": "ops", "reason": "drill next sprint", "expires": "2027-01-18"}
    with app_client(Settings(url, clock=clock)) as client:
        for i, st in enumerate((PASS, FAIL)):
            _push(client, s.tokens["shop"], run({"a": st, "b": PASS}, n=i, threshold=90))
        _push(client, s.tokens["shop"], run({"a": PASS}, n=5, branch="feature"))
        latest = run(
            {"a": FAIL, "z": FAIL, "w": Status.WAIVED},
            n=9,
            priorities={"z": "P0"},
            approvals=("devops", "qa"),
            threshold=90,
            waivers={"w": waiver},
        )
        _push(client, s.tokens["shop"], latest)
        login(client, "approver")
        html = client.get("/projects/shop").text
    assert sorted(r[:3] for r in _cells(html, "branches")) == [
        ["feature", "GO", "100%"],
        ["main", "NO-GO", "0%"],
    ]
    assert [r[:2] for r in _cells(html, "blockers")] == [["P0", "z"], ["P2", "a"]]
    # 2027-01-15 by the clock: the waiver ends in 3 days
    assert _cells(html, "waivers") == [["w", "ops", "drill next sprint", "2027-01-18", "3 days"]]
    assert html.count('class="threshold"') == 1 and 'y1="18.6"' in html  # 90% on the chart
    assert html.count("<circle") == 3  # the gate's three runs on main
    assert "approve as devops" in html and "approve as qa" in html


def test_approve_from_the_page_with_csrf(url: str) -> None:
    s = seed(url)
    report = run({"a": PASS}, approvals=("devops",))
    with app_client(Settings(url)) as client:
        _push(client, s.tokens["shop"], report)
        csrf = login(client, "approver")
        form = {
            "gate": "infra",
            "role": "devops",
            "commit": report.git.commit,
            "plan_hash": report.plan_hash,
        }
        forged = client.post(
            "/projects/shop/approve", data={**form, "csrf": "wrong"}, follow_redirects=False
        )
        done = client.post(
            "/projects/shop/approve",
            data={**form, "csrf": csrf, "note": "ok"},
            follow_redirects=False,
        )
        html = client.get("/projects/shop").text
    assert forged.status_code == 403
    assert (done.status_code, done.headers["location"]) == (303, "/projects/shop")
    assert "✔ devops by approver" in html and "— ok" in html


def test_login_form_sets_a_session_and_refuses_a_stale_form(url: str) -> None:
    seed(url)
    with app_client(Settings(url)) as client:
        stale = client.post(
            "/login", data={"name": "viewer", "password": "correct horse battery", "csrf": "x"}
        )
        form = client.get("/login?next=/projects/shop")
        token = re.search(r'name="csrf" value="([^"]+)"', form.text)
        assert token is not None
        good = client.post(
            "/login",
            data={
                "name": "viewer",
                "password": "correct horse battery",
                "csrf": token.group(1),
                "next": "//evil.example/",
            },
            follow_redirects=False,
        )
    assert stale.status_code == 403 and "the form expired; log in again" in stale.text
    assert good.status_code == 303, good.text
    assert good.headers["location"] == "/"
    assert "gonogo_session=" in good.headers["set-cookie"]


def test_badges_follow_the_verdict_with_etags(url: str) -> None:
    s = seed(url)
    with app_client(Settings(url)) as client:
        none = client.get("/badge/shop.svg")
        _push(client, s.tokens["shop"], run({"a": PASS, "b": FAIL}, n=1))
        red = client.get("/badge/shop.svg")
        again = client.get("/badge/shop.svg", headers={"If-None-Match": red.headers["etag"]})
        _push(client, s.tokens["shop"], run({"a": PASS, "b": PASS}, n=2))
        green = client.get("/badge/shop.svg")
        gate = client.get("/badge/shop/infra.svg")
        md = client.get("/projects/shop/report.md", headers=bearer(s.user_tokens["viewer"]))
    assert (none.status_code, 'aria-label="gonogo: no runs"' in none.text) == (404, True)
    assert 'aria-label="gonogo: NO-GO 50%"' in red.text and "#c62828" in red.text
    assert (again.status_code, again.text) == (304, "")
    assert (
        'aria-label="gonogo: GO 100%"' in green.text
        and green.headers["etag"] != red.headers["etag"]
    )
    assert green.headers["cache-control"] == "public, max-age=60, must-revalidate"
    assert 'aria-label="infra: GO 100%"' in gate.text
    assert md.headers["content-type"] == "text/markdown; charset=utf-8"
    assert md.text.startswith("# ") and "GO" in md.text


# -- webhooks -------------------------------------------------------------------------------


class _Receiver(BaseHTTPRequestHandler):
    server: Any

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers["Content-Length"]))
        srv = self.server
        srv.calls += 1
        code = 500 if srv.calls == 1 else 200
        if code == 200:
            verify(raw, dict(self.headers.items()), "s3cret", now=srv.clock())
            srv.got.append((dict(self.headers.items()), json.loads(raw)))
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def receiver() -> Iterator[Any]:
    import time

    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    srv.calls, srv.got, srv.clock = 0, [], time.time  # type: ignore[attr-defined]
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv
    srv.shutdown()


def test_webhooks_are_signed_retried_and_logged(url: str, receiver: Any) -> None:
    s = seed(url)
    db = ServerDB.open(url)
    with db.write() as conn:
        hook = f"http://127.0.0.1:{receiver.server_port}/hook"
        webhooks.add(conn, hook, "HOOK_SECRET", ["verdict.flip"], None, by="test", at=AT)
    db.close()
    settings = Settings(
        url, environ={"HOOK_SECRET": "s3cret"}, webhook_poll_s=0.05, webhook_backoff=(0.05, 0.1)
    )
    with app_client(settings) as client:
        _push(client, s.tokens["shop"], run({"a": PASS}, n=1))
        flip = run({"a": FAIL}, n=2)
        _push(client, s.tokens["shop"], flip)
        wait_for(lambda: len(receiver.got) == 1)
        login(client, "admin")
        admin = client.get("/admin").text
    headers, payload = receiver.got[0]
    assert payload["event"] == "verdict.flip" and payload["project"] == "shop"
    assert payload["data"] == {
        "branch": "main",
        "from": "GO",
        "to": "NO-GO",
        "run_id": flip.run_id,
        "commit": flip.git.commit,
    }
    assert (
        headers["X-Gonogo-Event"] == payload["id"]
        and headers["X-Gonogo-Event-Type"] == "verdict.flip"
    )
    assert receiver.calls == 2  # the first answer was a 500: retried
    rows = _cells(admin, "deliveries")
    assert [r[1:6] for r in rows] == [
        [f"verdict.flip {payload['id'][:12]}", "shop", hook, "delivered", "2"]
    ]


def test_a_webhook_without_its_secret_is_not_sent(url: str, receiver: Any) -> None:
    s = seed(url)
    db = ServerDB.open(url)
    with db.write() as conn:
        webhooks.add(
            conn,
            f"http://127.0.0.1:{receiver.server_port}/",
            "MISSING",
            ["blocker.p0"],
            "shop",
            by="t",
            at=AT,
        )
    db.close()
    settings = Settings(
        url, environ={}, webhook_poll_s=0.05, webhook_attempts=2, webhook_backoff=(0.01, 0.01)
    )
    with app_client(settings) as client:
        _push(client, s.tokens["shop"], run({"p": FAIL}, priorities={"p": "P0"}))
        login(client, "admin")

        def failed() -> bool:
            return "failed" in str(_cells(client.get("/admin").text, "deliveries"))

        wait_for(failed)
        rows = _cells(client.get("/admin").text, "deliveries")
    assert rows[0][4:7] == ["failed", "2", "environment variable MISSING is not set on the server"]
    assert receiver.calls == 0
