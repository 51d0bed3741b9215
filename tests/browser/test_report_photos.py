"""The report form in a real browser: photos shrunk before upload with the original's
hash and GPS read first, upload progress, photos kept after a server-side error, the
pin outside the city said at once, and the whole report without JavaScript
(static/js/report_photos.js, cases/reportform/)."""

import hashlib
import io
import re

import pytest
from django.core.cache import caches
from PIL import Image
from playwright.sync_api import expect

from cases.models import Case, CaseEvent, Photo
from tests.browser.conftest import TILE, TILE_HOST
from tests.browser.test_citizen_journey import gps_exif
from tests.browser.test_screen_layout import OVERLAPS, SIZES, WIDER_THAN_PAGE, shot_dir
from tests.cases.conftest import city  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)
EDGE = 600


@pytest.fixture(autouse=True)
def light_settings(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = True
    settings.PORTAL_ALTCHA_COST = 10
    settings.PORTAL_ALTCHA_MAX_COUNTER = 40
    settings.PORTAL_PHOTO_MAX_EDGE = EDGE
    caches["ratelimit"].clear()  # the no-JavaScript path's stricter limit counts across tests


def camera_jpeg(path, size=(1800, 1200), gps=True) -> bytes:
    """A noisy photo (so it is large, as a camera's is) with the GPS of the east township."""
    buf = io.BytesIO()
    Image.effect_noise(size, 60).convert("RGB").save(buf, "JPEG", quality=92, exif=gps_exif(gps))
    path.write_bytes(buf.getvalue())
    return buf.getvalue()


def fill_text(page):
    page.locator("label[for=id_category_0]").click()
    page.fill("#id_description", "工厂夜间排放刺鼻气味，持续一周")
    page.fill("#id_address", "东湖街道幸福路8号")
    page.check("#id_consent")


def log_progress(page) -> list[str]:
    """Every text the progress line shows, in order (read before the page navigates away)."""
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text[9:]) if msg.text.startswith("progress:") else None)
    page.evaluate("""() => new MutationObserver(() => console.log('progress:' +
        document.getElementById('upload-progress-status').textContent)).observe(
        document.getElementById('upload-progress-status'), {childList: true, characterData: true, subtree: true})""")
    return seen


def test_a_large_photo_is_shrunk_its_original_hashed_and_its_gps_offered(browser_page, live_server, city,  # noqa: F811
                                                                       tmp_path):
    page = browser_page
    original = camera_jpeg(tmp_path / "camera.jpg")
    gps_posts, report_posts = [], []
    page.on("request", lambda r: gps_posts.append(r.url) if "/report/photo-gps" in r.url else None)
    page.on("request", lambda r: report_posts.append(r) if r.method == "POST" and r.url.endswith("/en/report/")
            else None)
    page.goto(f"{live_server.url}/en/report/")
    fill_text(page)
    page.set_input_files("#id_photos", str(tmp_path / "camera.jpg"))
    expect(page.locator("#photo-list")).to_contain_text(f"camera.jpg ({len(original) / 1048576:.1f} MB) is sent "
                                                        f"reduced to {EDGE} pixels")
    offer = page.locator("#photo-gps-offer .notice")
    expect(offer).to_contain_text("camera.jpg contains a location")
    offer.locator("button.button--secondary").click()  # use the photo's location
    expect(page.locator("#id_latitude")).to_have_value("36.550000")
    assert page.locator("#id_location_source").input_value() == "photo"
    assert gps_posts == []  # read in the browser: the original was never uploaded to find it

    progress = log_progress(page)
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/en/report/done/$"), timeout=60000)
    assert any(re.fullmatch(r"Sending your report: 100% \(.+ of .+ MB\)", text) for text in progress), progress

    assert report_posts[-1].headers.get("x-portal-upload") == "1"
    body = report_posts[-1].post_data_buffer
    assert original not in body and len(body) < len(original) / 2  # the photo went out shrunk
    case = Case.objects.get()
    assert case.location_source == "photo" and float(case.latitude) == 36.55
    photo = Photo.objects.get(case=case)
    received = photo.original.open("rb").read()
    assert max(Image.open(io.BytesIO(received)).size) == EDGE
    assert photo.original_sha256 == hashlib.sha256(received).hexdigest()  # the server's own hash
    assert photo.client_sha256 == hashlib.sha256(original).hexdigest()  # the original's, as claimed


def test_photos_are_kept_after_a_server_side_error(browser_page, live_server, city, tmp_path):  # noqa: F811
    page = browser_page
    original = camera_jpeg(tmp_path / "camera.jpg", size=(400, 300), gps=False)  # in budget: sent as it is
    page.goto(f"{live_server.url}/en/report/")
    fill_text(page)
    page.fill("#id_description", "")  # refused by the server, not by the browser
    page.set_input_files("#id_photos", str(tmp_path / "camera.jpg"))
    expect(page.locator("#photo-list")).to_contain_text("is sent as it is")
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/en/report/\?resume=1$"), timeout=60000)
    expect(page.locator("#kept-photos")).to_contain_text("camera.jpg")
    expect(page.locator("#id_description_error")).to_contain_text("Please describe")
    assert page.locator("#id_address").input_value() == "东湖街道幸福路8号"
    page.fill("#id_description", "工厂夜间排放刺鼻气味")
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/en/report/done/$"), timeout=60000)
    photo = Photo.objects.get(case=Case.objects.get())
    assert photo.original_sha256 == photo.client_sha256 == hashlib.sha256(original).hexdigest()


def test_the_pin_outside_the_city_is_said_as_soon_as_it_is_placed(browser_page, live_server, city,  # noqa: F811
                                                                   tmp_path):
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    warning = page.locator("#pin-outside")
    the_map = page.locator("#map")
    the_map.scroll_into_view_if_needed()
    for _ in range(4):
        page.click(".leaflet-control-zoom-out")
        page.wait_for_timeout(300)  # Leaflet's zoom animation
    box = the_map.bounding_box()
    the_map.click(position={"x": 8, "y": 8})  # far to the north-west of the city
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("This place is outside")
    expect(page.locator("#map-status")).to_have_text("")  # no "the pin is set" beside the warning
    page.locator("#location").screenshot(path=str(shot_dir(tmp_path) / "report-pin-outside-phone.png"))
    the_map.click(position={"x": box["width"] / 2, "y": box["height"] / 2})  # the middle: the city
    expect(warning).to_be_hidden()


def test_a_refusal_before_the_form_shows_the_servers_page(browser_page, live_server, city, settings):  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    fill_text(page)
    settings.PORTAL_RATELIMIT_SUBMIT = "0/h"  # the next POST is over the form's limit
    page.click("#submit-report")
    expect(page.locator("main")).to_contain_text("Too many requests from your connection")
    assert not Case.objects.exists()


def nojs_context(playwright_browser, live_server, size="phone"):
    width, height = SIZES[size]
    context = playwright_browser.new_context(java_script_enabled=False, locale="zh-CN",
                                             viewport={"width": width, "height": height})
    local = live_server.url.split("//")[1]

    def guard(route):
        url = route.request.url
        if url.split("//")[1].startswith(local):
            return route.continue_()
        if TILE_HOST in url:
            return route.fulfill(status=200, content_type="image/png", body=TILE)
        return route.abort()

    context.route("**/*", guard)
    return context


def answer(page) -> str:
    a, b = re.search(r"(\d+)\D+(\d+)", page.inner_text("#simple-check label")).groups()
    return str(int(a) + int(b))


def test_without_javascript_a_report_with_a_photo_is_filed_and_held(playwright_browser, live_server, city,  # noqa: F811
                                                                    tmp_path):
    context = nojs_context(playwright_browser, live_server)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/report/")
        assert page.locator("altcha-widget").count() == 1 and page.locator("#simple-check").is_visible()
        camera_jpeg(tmp_path / "a.jpg", size=(400, 300), gps=False)
        page.locator("label[for=id_category_0]").click()
        page.fill("#id_address", "东湖街道幸福路8号")  # no description: refused by the server
        page.set_input_files("#id_photos", str(tmp_path / "a.jpg"))
        page.check("#id_consent")
        page.fill("#id_check_answer", answer(page))
        with page.expect_navigation():
            page.click("#submit-report")
        assert page.locator("#kept-photos").is_visible() and "a.jpg" in page.inner_text("#kept-photos")
        page.fill("#id_description", "夜间施工噪声扰民")
        page.fill("#id_check_answer", answer(page))  # a new question after the error
        with page.expect_navigation():
            page.click("#submit-report")
        assert re.search(r"/report/done/$", page.url), page.url
        reference = page.inner_text("#reference").strip()
    finally:
        context.close()
    case = Case.objects.get(reference=reference)
    assert case.state == "submitted" and case.photos.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="routing_needed", data__reason="simple_check").exists()


@pytest.mark.parametrize("size", SIZES)
def test_report_form_screens_with_and_without_javascript(playwright_browser, browser_page, live_server, city,  # noqa: F811
                                                        size, tmp_path):
    folder = shot_dir(tmp_path)
    width, height = SIZES[size]
    page = browser_page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_server.url}/report/")
    page.set_input_files("#id_photos", [])
    camera_jpeg(tmp_path / "camera.jpg")
    page.set_input_files("#id_photos", str(tmp_path / "camera.jpg"))
    page.locator("#photo-gps-offer .notice").wait_for()
    page.evaluate("() => { const p = document.getElementById('upload-progress'); p.hidden = false;"
                  " document.getElementById('upload-progress-bar').value = 40; }")
    page.screenshot(path=str(folder / f"report-js-{size}.png"), full_page=True)
    assert page.evaluate(OVERLAPS, "main") == [] and page.evaluate(WIDER_THAN_PAGE) <= 1

    context = nojs_context(playwright_browser, live_server, size)
    plain = context.new_page()
    try:
        plain.goto(f"{live_server.url}/report/")
        plain.locator("label[for=id_category_0]").click()
        plain.set_input_files("#id_photos", str(tmp_path / "camera.jpg"))
        with plain.expect_navigation():
            plain.click("#submit-report")  # refused: the kept photo and the errors are shown
        assert plain.locator("#kept-photos").is_visible()
        plain.screenshot(path=str(folder / f"report-nojs-{size}.png"), full_page=True)
        assert plain.evaluate(OVERLAPS, "main") == [] and plain.evaluate(WIDER_THAN_PAGE) <= 1
    finally:
        context.close()
