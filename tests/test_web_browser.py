"""The web UI in a real browser: Playwright driving Debian's ``chromium`` (found on PATH,
headless, nothing downloaded) against ``rasid serve``'s app under uvicorn on a free port.
Screenshots go to artifacts/screenshots/ (kept by CI as test artifacts)."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-dev-shm-usage"]

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install playwright; never `playwright install`)")
pytest.importorskip("uvicorn", reason="uvicorn is not installed")
if CHROMIUM is None:
    pytest.skip("no chromium on PATH (apt-get install -y chromium)", allow_module_level=True)

from tests.test_web import fill_store  # noqa: E402 - after the skips: needs playwright and uvicorn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import uvicorn

    from rasid.web.app import create_app

    db = str(tmp_path_factory.mktemp("browser") / "web.db")
    fill_store(db)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ar")
    pg = ctx.new_page()
    pg.set_default_timeout(15000)
    pg.errors = []  # type: ignore[attr-defined]
    pg.dialogs = []  # type: ignore[attr-defined]
    pg.foreign = []  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))
    pg.on("console", lambda m: pg.errors.append(m.text)
          if m.type == "error" and not m.text.startswith("Failed to load resource") else None)
    pg.on("response", lambda r: pg.errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
    # the UI is offline: every request stays on this server
    pg.on("request", lambda r: pg.foreign.append(r.url) if not r.url.startswith(base_url) else None)
    yield pg
    ctx.close()


def _shot(pg: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    pg.screenshot(path=str(SHOTS / name), full_page=True)


def _clean(pg: Any) -> None:
    assert pg.errors == [], pg.errors
    assert pg.dialogs == [], pg.dialogs
    assert pg.foreign == [], pg.foreign


def test_search_page(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/search?q=لافروف")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    results = page.locator("ol.results li.result")
    assert results.count() >= 2
    assert page.locator("ol.results mark").count() >= 2
    marked = page.locator("ol.results .snippet mark").all_inner_texts()
    assert any("لافروف" in m for m in marked)
    # filter by source through the form
    page.select_option("select[name=source]", "وكالة الاختبار")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**source=**")
    assert page.locator("ol.results li.result").count() == 1
    page.goto(f"{base_url}/search?q=لافروف")
    _shot(page, "search.png")
    _clean(page)


def test_article_page(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/search?q=الحل السياسي")
    page.locator("ol.results h3 a", has_text="الحل السياسي").first.click()
    page.wait_for_url("**/articles/fixture-talks?q=*")
    assert page.locator("#body .hit").count() >= 2
    assert page.locator("article.article").get_attribute("dir") == "rtl"
    body = page.locator("#body")
    assert body.locator(".quote").count() == 3
    speaker = body.locator("a.speaker").first
    assert speaker.inner_text() == "سيرغي لافروف"
    date = body.locator(".date", has_text="12 آذار 2018")
    assert "2018-03-12" in (date.get_attribute("title") or "")
    date.hover()
    assert page.locator("#quotes blockquote").count() == 3
    page.wait_for_selector("#map[data-state=ready]")
    assert page.locator("#map circle.pt").count() == 2
    _shot(page, "article.png")
    speaker.click()
    page.wait_for_url("**/entities/test:lavrov")
    assert page.locator("#quotes blockquote").count() == 2
    _shot(page, "entity.png")
    _clean(page)


def test_seed_article_page(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/search?q=لافروف&sort=date")
    links = page.locator("ol.results h3 a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    seeds = [h for h in hrefs if h and not h.startswith("/articles/fixture")]
    assert seeds, hrefs
    page.goto(base_url + seeds[0])
    assert page.locator("#body").inner_text().strip()
    _shot(page, "seed-article.png")
    _clean(page)


def test_map_page(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/map?q=جنيف")
    page.wait_for_selector("#map[data-state=ready]")
    assert page.locator("#map path.land").count() > 100  # Natural Earth countries, drawn offline
    assert page.locator("#map circle.pt").count() >= 1
    names = page.locator("#map circle.pt").evaluate_all("cs => cs.map(c => c.dataset.name)")
    assert "Geneva" in names
    _shot(page, "map.png")
    _clean(page)


def test_map_events_layer(page: Any, base_url: str) -> None:
    import json
    import urllib.request

    with urllib.request.urlopen(f"{base_url}/map.json") as r:
        events = json.load(r)["events"]
    if not events:
        pytest.skip("no stored event has a geocoded place (the events stage did not run on the fixtures)")
    page.goto(f"{base_url}/map")
    page.wait_for_selector("#map[data-state=ready]")
    diamonds = page.locator("#map g.events path.ev")
    assert diamonds.count() >= 1 and page.locator("#map").get_attribute("data-events") == str(diamonds.count())
    # the layer toggles
    page.uncheck("#map-layers input[data-layer=events]")
    assert page.locator("#map g.events").evaluate("g => getComputedStyle(g).display") == "none"
    page.check("#map-layers input[data-layer=events]")
    assert diamonds.first.is_visible()
    _shot(page, "map-events.png")
    # a place's diamond opens the events page filtered to that place
    href = page.locator("#map g.events a").first.get_attribute("href")
    assert href and href.startswith("/events?place=")
    page.goto(base_url + href)
    assert page.locator("table.events-table tbody.event").count() >= 1
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    _shot(page, "events.png")
    _clean(page)


def test_hostile_article_is_inert(page: Any, base_url: str) -> None:
    page.goto(f"{base_url}/articles/fixture-xss")
    assert page.locator("h1#title").inner_text() == "<script>alert(1)</script>"
    assert page.locator("#body img").count() == 0 and page.locator("#body b").count() == 0
    assert "<img src=x onerror=alert(2)>" in page.locator("#body").inner_text()
    page.wait_for_timeout(300)
    _shot(page, "hostile.png")
    _clean(page)


@pytest.mark.parametrize("path", ["/static/../../app.py", "/static/../../../../etc/passwd",
                                  "/static/%2e%2e/%2e%2e/app.py", "/articles/../../etc/passwd",
                                  "/static//etc/passwd", "/articles/..%2F..%2Fpyproject.toml/raw"])
def test_raw_paths_over_http(base_url: str, path: str) -> None:
    # sent byte for byte (no client-side normalization of ..), to the real server
    import http.client

    host, port = base_url.removeprefix("http://").split(":")
    con = http.client.HTTPConnection(host, int(port), timeout=10)
    con.request("GET", path)
    r = con.getresponse()
    body = r.read()
    con.close()
    assert r.status == 404, (path, r.status)
    assert b"root:" not in body and b"import " not in body
