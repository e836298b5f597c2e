"""The HTML report: self-contained, trend charts from the history, rendered in real
headless Chromium (Debian's package) through Playwright, with a screenshot kept."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import services
import store_helpers
from gonogo.models import Status
from gonogo.report import RenderOptions, render
from gonogo.report.html import BOTTOM, TOP, chart
from gonogo.store import Store, open_store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
P, F = Status.PASS, Status.FAIL


def test_chart_geometry() -> None:
    c = chart([("a", "GO", 100.0), ("b", "NO-GO", None), ("c", "NO-GO", 0.0)], 80.0)
    assert [(p.y, p.go) for p in c.points] == [(TOP, True), (BOTTOM, False)]
    assert c.line == f"{c.points[0].x},{float(TOP)} {c.points[1].x},{float(BOTTOM)}"
    assert c.threshold_y == pytest.approx(BOTTOM - (BOTTOM - TOP) * 0.8, abs=0.1)
    single = chart([("a", "GO", 50.0)], 100.0)
    assert single.line == ""
    assert len(single.points) == 1


@pytest.fixture
def history(tmp_path: Path) -> Iterator[Store]:
    store = open_store(f"sqlite:///{tmp_path}/history.db")
    for n, st in enumerate([F, F, P, F, P, P]):
        store.record(store_helpers.make_report({"a": P, "b": st}, n=n))
    yield store
    store.close()


def _latest_page(history: Store) -> str:
    report = history.get(history.latest_ids(1)[0])
    trends = history.trends([g.gate_id for g in report.gates], 30)
    return render(report, "html", RenderOptions(trends=trends))


def test_the_page_is_self_contained(history: Store) -> None:
    html = _latest_page(history)
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)
    assert "<script" not in html
    assert "@import" not in html
    assert html.count('<polyline class="rate-line"') == 1
    assert html.count("<circle") == 6  # one dot per recorded run


def test_markup_in_results_is_escaped(history: Store) -> None:
    report = store_helpers.make_report({"<script>alert(1)</script>": F})
    html = render(report, "html")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)" in html


def test_check_writes_html_with_the_history_trend(
    cli: Callable[..., Any], make_repo: Callable[..., Path]
) -> None:
    check = "{id: readme, kind: file.exists, path: README.md}"
    plan = f"gates:\n  - id: infra\n    checks:\n      - {check}\n"
    repo = make_repo({"gonogo.yaml": plan, "README.md": "x\n"})
    assert cli("check", str(repo)).code == 0
    out = repo / "report.html"
    assert cli("check", str(repo), "--format", "html", "-o", str(out)).code == 0
    html = out.read_text()
    assert 'id="verdict">GO<' in html
    assert html.count("<circle") == 2  # the earlier run and this one


@pytest.mark.browser
def test_chromium_renders_the_verdict_and_a_chart(history: Store, tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        services.unavailable(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    page_file = tmp_path / "report.html"
    page_file.write_text(_latest_page(history))
    requests: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900}, offline=True)
            page = context.new_page()
            page.on("request", lambda r: requests.append(r.url))
            page.goto(page_file.as_uri())
            assert page.locator("#verdict").inner_text() == "GO"
            line = page.locator("#gate-infra svg.trend polyline.rate-line")
            box = line.bounding_box()
            assert box is not None
            assert box["width"] > 200
            assert page.locator("#gate-infra svg.trend circle").count() == 6
            ARTIFACTS.mkdir(exist_ok=True)
            worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
            shot = ARTIFACTS / f"html-report-{worker}.png"
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert shot.stat().st_size > 10_000
    assert requests == [page_file.as_uri()]  # nothing but the file itself was fetched
