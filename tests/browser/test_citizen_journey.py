"""A citizen on a 360 px phone files a report with a map pin and two photos, gets
the reference and access code, and opens the tracking page (docs/product.md §4.1).

The real ALTCHA widget solves the proof of work in the page (low cost here);
every request must stay on the local server (map tiles are faked by the fixture);
axe-core finds no serious or critical problem on the form, the confirmation and
the tracking page.
"""

import io
import re

import pytest
from PIL import ExifTags, Image, TiffImagePlugin
from playwright.sync_api import expect

from cases.models import Case, Photo
from tests.browser.conftest import axe_violations
from tests.cases.conftest import city  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def light_captcha(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = True
    settings.PORTAL_ALTCHA_COST = 10
    settings.PORTAL_ALTCHA_MAX_COUNTER = 40


def gps_exif(gps: bool = True) -> Image.Exif:
    """EXIF with the GPS position 36°33'N 117°3'E (in the east township), or none."""
    exif = Image.Exif()
    if gps:
        ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
        ifd[ExifTags.GPS.GPSLatitudeRef] = "N"
        ifd[ExifTags.GPS.GPSLatitude] = tuple(TiffImagePlugin.IFDRational(v, 1) for v in (36, 33, 0))
        ifd[ExifTags.GPS.GPSLongitudeRef] = "E"
        ifd[ExifTags.GPS.GPSLongitude] = tuple(TiffImagePlugin.IFDRational(v, 1) for v in (117, 3, 0))
    return exif


def photo(path, color, gps=False):
    buf = io.BytesIO()
    Image.new("RGB", (640, 480), color).save(buf, "JPEG", exif=gps_exif(gps))
    path.write_bytes(buf.getvalue())
    return str(path)


def assert_accessible(page, where):
    violations = axe_violations(page)
    assert violations == [], f"{where}: {violations}"


def fill_report(page, tmp_path):
    page.locator("label[for=id_category_0]").click()
    page.fill("#id_description", "工厂夜间排放刺鼻气味，持续一周")
    page.fill("#id_polluter_name", "某化工厂")
    the_map = page.locator("#map")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] * 0.3, "y": box["height"] * 0.5})
    expect(page.locator("#id_latitude")).not_to_have_value("")
    page.set_input_files("#id_photos", [photo(tmp_path / "a.jpg", (180, 60, 40), gps=True),
                                        photo(tmp_path / "b.jpg", (40, 90, 160))])
    offer = page.locator("#photo-gps-offer .notice")
    offer.wait_for()
    assert "a.jpg" in offer.inner_text()
    offer.locator("button.button--link").click()  # keep the pin the citizen put on the map
    page.fill("#id_phone", "13800138000")
    page.fill("#id_email", "resident@example.org")
    page.check("#id_consent")


def test_report_with_pin_and_two_photos_then_track_it(browser_page, live_server, city, tmp_path):  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/report/")
    assert page.locator("html").get_attribute("class") == "js"
    fill_report(page, tmp_path)
    assert_accessible(page, "report form")

    # The widget starts solving on the first focus in the form; a click on "send" before it
    # has finished waits for it and then sends (static/js/report.js).
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/report/done/$"), timeout=60000)
    reference = page.inner_text("#reference").strip()
    code = page.inner_text("#access-code").strip()
    assert re.fullmatch(r"HB\d{4}-\d{6}", reference) and len(code) == 10
    assert_accessible(page, "confirmation")

    case = Case.objects.get(reference=reference)
    assert case.location_source == "pin" and case.township == city.east
    assert Photo.objects.filter(case=case).count() == 2
    assert case.reporters.get().phone == "13800138000"

    page.reload()  # a reload keeps both visible for the rest of this browser session
    assert page.inner_text("#reference").strip() == reference and page.inner_text("#access-code").strip() == code
    page.click("#follow-report")  # this session remembers the case: no empty form
    page.wait_for_url(re.compile(rf".*/track/{reference}/$"))
    assert "138****8000" in page.content() and "市生态环境局" in page.content()
    assert_accessible(page, "tracking page")


def test_sending_before_the_proof_of_work_is_done_waits_for_it(browser_page, live_server, city, settings):  # noqa: F811
    settings.PORTAL_ALTCHA_COST = 4000  # several seconds: the click below comes first
    settings.PORTAL_ALTCHA_MAX_COUNTER = 10000
    page = browser_page
    page.goto(f"{live_server.url}/en/report/")
    page.locator("label[for=id_category_0]").click()  # the first focus starts the proof of work
    page.fill("#id_description", "噪声扰民")
    page.fill("#id_address", "东湖街道幸福路8号")
    page.check("#id_consent")
    page.click("#submit-report")
    expect(page.locator("#captcha-status")).to_contain_text("anti-robot check is finishing")
    page.wait_for_url(re.compile(r".*/en/report/done/$"), timeout=90000)
    assert Case.objects.get().address == "东湖街道幸福路8号"
