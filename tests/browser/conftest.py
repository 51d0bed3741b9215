"""A real browser (Debian chromium driven by Playwright) against live_server.

Every request that leaves the local server fails the test; map tiles are answered
from a local fixture image. Without chromium the tests skip locally, but CI sets
PORTAL_REQUIRE_BROWSER=1 so a missing browser is a failure, never a silent skip.
"""

import os
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

HERE = Path(__file__).resolve().parent
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
               "--disable-sync", "--disable-quic", "--no-first-run"]
TILE = (HERE / "tile.png").read_bytes()
AXE = (HERE / "axe.min.js").read_text()

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# Browser tests point PORTAL_MAP_TILE_URL here (see the `tile_settings` fixture).
TILE_HOST = "tiles.test"


@pytest.fixture(autouse=True)
def tile_settings(settings):
    settings.PORTAL_MAP_TILE_URL = f"https://{TILE_HOST}/{{z}}/{{x}}/{{y}}.png"
    # The settings compute img-src from the tile URL at start-up (as production does).
    policy = settings.CONTENT_SECURITY_POLICY
    directives = {**policy["DIRECTIVES"], "img-src": [*policy["DIRECTIVES"]["img-src"], f"https://{TILE_HOST}"]}
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("PORTAL_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not path:
        if os.environ.get("PORTAL_REQUIRE_BROWSER"):
            pytest.fail("chromium is required (PORTAL_REQUIRE_BROWSER is set) but was not found")
        pytest.skip("chromium not installed")
    return path


@pytest.fixture(scope="session")
def playwright_browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(playwright_browser, live_server):
    """A fresh page; fails the test if anything is requested from another host."""
    context = playwright_browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    local = urlsplit(live_server.url).netloc
    external: list[str] = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlsplit(url).netloc == local:
            return route.continue_()
        if urlsplit(url).netloc == TILE_HOST:  # the map's tile server, faked locally
            return route.fulfill(status=200, content_type="image/png", body=TILE)
        external.append(url)
        return route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15000)
    page.external_requests = external
    # Every page, public or back office, works under its Content-Security-Policy: a
    # blocked script, style or request shows as a console error (portal/admincsp.py).
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text[:120]}")
            if msg.type == "error" and "Content Security Policy" in msg.text else None)
    page.csp_violations = violations
    yield page
    context.close()
    assert not external, f"requests left the local server: {external[:5]}"
    assert not violations, f"Content-Security-Policy violations: {violations[:5]}"


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core in the page; return violations of the given impact."""
    page.evaluate(AXE)  # not add_script_tag: an inline <script> is refused by the site's CSP
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
            for v in result["violations"] if v["impact"] in impacts]
