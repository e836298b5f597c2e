"""The team server in a real browser (Playwright driving Debian's Chromium): log in,
read the overview, open a project, approve a gate, watch the page update when CI pushes
a run, see the badge change; a check id holding `<script>` shows as text."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from server_helpers import PASSWORD, bearer, body, run, seed, server

import services
from gonogo.models import Status

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
EVIL = "<script>alert(1)</script>"
FETCH_BADGE = "fetch('/badge/shop.svg', {cache: 'no-cache'}).then(r => r.text())"  # revalidates


@pytest.mark.browser
@pytest.mark.slow
def test_log_in_approve_and_watch_a_push_arrive(tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        services.unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    url = f"sqlite:///{tmp_path}/server.db"
    s = seed(url)
    push = lambda srv, r: httpx.post(  # noqa: E731
        f"{srv.url}/api/v1/projects/shop/runs", content=body(r), headers=bearer(s.tokens["shop"])
    )
    first = run({"docs": Status.PASS, EVIL: Status.FAIL}, n=1, approvals=("devops",))
    dialogs: list[str] = []
    with server(url, tmp_path) as srv, sync_playwright() as pw:
        assert push(srv, first).status_code == 201
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_context().new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(srv.url + "/")
            assert page.url == srv.url + "/login?next=/"
            page.fill("input[name=name]", "approver")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(srv.url + "/")
            row = page.locator("#matrix tbody tr[data-project=shop] td")
            assert row.nth(1).inner_text() == "NO-GO"
            assert page.locator("#count-nogo").inner_text() == "NO-GO: 1"

            page.click("#matrix a:text('shop')")
            page.wait_for_url(srv.url + "/projects/shop")
            assert page.locator("#blockers td.check-id").inner_text() == EVIL
            page.fill(".approvals input[name=note]", "read the diff")
            page.click("button:text('approve as devops')")
            page.wait_for_url(srv.url + "/projects/shop")
            assert (
                page.locator(".approvals li.given").inner_text().startswith("✔ devops by approver")
            )

            def badge() -> str:
                return str(page.evaluate(FETCH_BADGE))

            assert 'aria-label="gonogo: NO-GO 50%"' in badge()
            page.evaluate("window.notReloaded = true")
            fixed = run(
                {"docs": Status.PASS, EVIL: Status.PASS},
                n=2,
                approvals=("devops",),
                given=("devops",),
            )
            assert push(srv, fixed).status_code == 201
            page.wait_for_selector("#verdict.GO", timeout=10_000)  # no eval: CSP forbids it
            assert page.evaluate("window.notReloaded") is True
            assert 'aria-label="gonogo: GO 100%"' in badge()
        finally:
            browser.close()
    assert dialogs == []  # the <script> id never ran
