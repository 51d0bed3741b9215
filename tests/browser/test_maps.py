"""Every map of the portal through the shared module (static/js/portal_map.js):

- without a tile server, the township boundaries from the database are the base layer
  (public case map, report form, workbench case page) and no tile is requested;
- the WGS-84 <-> GCJ-02 / BD-09 formulas in the browser give the numbers of the
  server's converter (prcoords) at reference points;
- with GCJ-02 tiles, a stored WGS-84 point is drawn at its GCJ-02 position and a point
  picked on the map (click) is stored as WGS-84; WGS-84 points from the device and from
  a photo's GPS are stored as they are and drawn at their GCJ-02 position.
"""

import re

import prcoords
import pytest
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from cases.intake import ReporterInput, ReportInput, submit_case
from cases.models import Case
from cms.models import PublicCaseIndexPage
from tests import factories as f
from tests.browser.conftest import TILE_HOST
from tests.browser.test_citizen_journey import photo
from tests.cases.conftest import city  # noqa: F401
from tests.workbench.otp import browser_login

pytestmark = pytest.mark.django_db(transaction=True)

WGS_POINT = (36.55, 117.05)  # in 东湖街道 (tests/cases/conftest.py)
REFERENCE_POINTS = [(36.55, 117.05), (39.908823, 116.397470), (31.230416, 121.473701), (22.543099, 114.057868),
                    (45.803775, 126.534967), (29.652491, 91.172110)]


@pytest.fixture(autouse=True)
def no_captcha(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = False


@pytest.fixture
def no_tiles(settings):
    settings.PORTAL_MAP_TILE_URL = ""
    settings.PORTAL_MAP_CRS = "gcj02"  # ignored without tiles: the townships are in WGS-84


@pytest.fixture
def gcj_tiles(settings):
    settings.PORTAL_MAP_CRS = "gcj02"  # tiles.test from the browser conftest


def watch_requests(page) -> dict:
    seen = {"failed": [], "tiles": []}
    page.on("requestfailed", lambda r: seen["failed"].append(r.url))
    page.on("request", lambda r: seen["tiles"].append(r.url) if TILE_HOST in r.url else None)
    return seen


def township_paths(page, count=2):
    expect(page.locator("path.township--base")).to_have_count(count)
    expect(page.locator(".leaflet-tooltip.township-label", has_text="东湖街道")).to_be_visible()
    assert page.locator("img.leaflet-tile").count() == 0


def public_page():
    home = f.site_home()
    page = PublicCaseIndexPage(title="公开案件", slug="cases")
    home.add_child(instance=page)
    page.save_revision().publish()
    return PublicCaseIndexPage.objects.get(pk=page.pk)


def staff_case(city):  # noqa: F811
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    return submit_case(ReportInput(category=city.air, description="夜间有刺鼻气味，疑似化工厂偷排",
                                   latitude=WGS_POINT[0], longitude=WGS_POINT[1], location_source="pin"),
                       ReporterInput(name="张三", phone="13800138000"), route=False)


def open_tracking(page, base, filed):
    page.goto(f"{base}/track/")
    page.fill("#id_reference", filed.case.reference)
    page.fill("#id_access_code", filed.access_code)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def marker_latlng(page) -> list[float]:
    return page.evaluate("""() => { let at = null;
        window.PortalMap.maps[0].map.eachLayer(l => { if (l instanceof L.Marker) { at = l.getLatLng(); } });
        return at && [at.lat, at.lng]; }""")


def test_without_a_tile_server_every_map_draws_the_townships(browser_page, live_server, city, no_tiles):  # noqa: F811
    page, base = browser_page, live_server.url
    seen = watch_requests(page)
    listing = public_page()
    page.goto(base + listing.url)
    township_paths(page)

    page.goto(f"{base}/report/")
    township_paths(page)
    expect(page.locator("#map-notice")).to_contain_text("乡镇")

    filed = staff_case(city)
    open_tracking(page, base, filed)
    township_paths(page)
    expect(page.locator("#track-map .leaflet-marker-icon")).to_have_count(1)

    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/{filed.case.pk}/")
    township_paths(page)
    expect(page.locator("#case-map .leaflet-marker-icon")).to_have_count(1)
    assert marker_latlng(page) == pytest.approx(list(WGS_POINT), abs=1e-9)  # no tiles: no datum shift
    assert seen["tiles"] == [] and seen["failed"] == []


def test_the_browser_converts_like_the_server(browser_page, live_server, city):  # noqa: F811
    page = browser_page
    page.goto(f"{live_server.url}/report/")
    page.wait_for_function("() => window.PortalMap && window.PortalMap.maps.length === 1")
    got = page.evaluate("""(points) => points.map(([lat, lng]) => {
        const c = window.PortalMap.convert;
        const g = c.wgsToGcj(lat, lng), b = c.wgsToBd(lat, lng);
        return {gcj: g, bd: b, gcjBack: c.gcjToWgs(g[0], g[1]), bdBack: c.bdToWgs(b[0], b[1]),
                fromGcj: c.gcjToWgs(lat, lng), fromBd: c.bdToWgs(lat, lng)}; })""", REFERENCE_POINTS)
    for (lat, lng), js in zip(REFERENCE_POINTS, got, strict=True):
        gcj, bd = prcoords.wgs_gcj((lat, lng)), prcoords.wgs_bd((lat, lng))
        assert js["gcj"] == pytest.approx(list(gcj), abs=1e-9)
        assert js["bd"] == pytest.approx(list(bd), abs=1e-9)
        assert js["fromGcj"] == pytest.approx(list(prcoords.gcj_wgs_bored((lat, lng))), abs=1e-9)
        assert js["fromBd"] == pytest.approx(list(prcoords.bd_wgs_bored((lat, lng))), abs=1e-9)
        assert js["gcjBack"] == pytest.approx([lat, lng], abs=1e-6)  # round trip: under 0.1 m
        assert js["bdBack"] == pytest.approx([lat, lng], abs=1e-6)
        # The offsets the conversion exists for: hundreds of metres.
        assert 100 < prcoords.Coords(lat, lng).distance(prcoords.Coords(*gcj)) < 1000
        assert 100 < prcoords.Coords(lat, lng).distance(prcoords.Coords(*bd)) < 2000


def test_with_gcj02_tiles_points_are_shifted_for_display_and_stored_as_wgs84(
        browser_page, live_server, city, gcj_tiles, tmp_path):  # noqa: F811
    page, base = browser_page, live_server.url
    device = (36.56, 117.07)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": device[0], "longitude": device[1]})
    page.goto(f"{base}/report/")
    page.wait_for_function("() => window.PortalMap && window.PortalMap.maps.length === 1")
    expect(page.locator("img.leaflet-tile").first).to_be_attached()

    # The photo's GPS (WGS-84, 36°33'N 117°3'E) goes to the form; the pin to the GCJ-02 spot.
    page.set_input_files("#id_photos", [photo(tmp_path / "gps.jpg", (180, 60, 40), gps=True)])
    page.locator("#photo-gps-offer .notice button.button--secondary").click()
    expect(page.locator("#id_latitude")).to_have_value("36.550000")
    assert page.input_value("#id_longitude") == "117.050000" and page.input_value("#id_crs") == "wgs84"
    assert marker_latlng(page) == pytest.approx(list(prcoords.wgs_gcj(WGS_POINT)), abs=1e-9)

    # "Use my location": the device's WGS-84 goes to the form, the pin to the GCJ-02 spot.
    page.click("#locate-me")
    expect(page.locator("#id_latitude")).to_have_value("36.560000")
    assert page.input_value("#id_longitude") == "117.070000" and page.input_value("#id_crs") == "wgs84"
    assert marker_latlng(page) == pytest.approx(list(prcoords.wgs_gcj(device)), abs=1e-9)

    # A click on the map: Leaflet's position is GCJ-02, the form carries its WGS-84.
    page.locator("label[for=id_category_0]").click()
    page.fill("#id_description", "工厂夜间排放刺鼻气味，持续一周")
    the_map = page.locator("#map")
    box = the_map.bounding_box()
    the_map.click(position={"x": box["width"] * 0.4, "y": box["height"] * 0.45})
    clicked = marker_latlng(page)
    expected = prcoords.gcj_wgs_bored(clicked)
    expect(page.locator("#id_latitude")).to_have_value(f"{expected.lat:.6f}")
    assert page.input_value("#id_longitude") == f"{expected.lon:.6f}"
    assert abs(expected.lat - clicked[0]) + abs(expected.lon - clicked[1]) > 0.001  # really shifted

    page.fill("#id_phone", "13800138000")
    page.check("#id_consent")
    page.click("#submit-report")
    page.wait_for_url(re.compile(r".*/report/done/$"))
    case = Case.objects.get()
    assert float(case.latitude) == pytest.approx(expected.lat, abs=2e-6)
    assert float(case.longitude) == pytest.approx(expected.lon, abs=2e-6)

    # The same case in the workbench: stored WGS-84, drawn at GCJ-02.
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    for group in Group.objects.all():
        group.permissions.add(access)
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_login(page, base, city.intake)
    page.goto(f"{base}/admin/cases/{case.pk}/")
    expect(page.locator("#case-map .leaflet-marker-icon")).to_have_count(1)
    wgs = (float(case.latitude), float(case.longitude))
    assert marker_latlng(page) == pytest.approx(list(prcoords.wgs_gcj(wgs)), abs=1e-9)


def test_public_map_draws_the_outlines_in_the_tiles_datum(browser_page, live_server, city, gcj_tiles):  # noqa: F811
    page = browser_page
    listing = public_page()
    page.goto(live_server.url + listing.url)
    expect(page.locator("path.township")).to_have_count(2)
    assert page.locator("path.township--base").count() == 0  # over the tiles, outlines only
    south_west = page.evaluate("""() => { const b = window.PortalMap.maps[0].townshipLayer.getBounds();
        return [b.getSouth(), b.getWest()]; }""")
    # The south-west corner of the two townships' corners, each moved by the GCJ-02 offset.
    corners = [prcoords.wgs_gcj((lat, lng)) for lat in (36.5, 36.6) for lng in (117.0, 117.1, 117.2)]
    assert south_west == pytest.approx([min(c.lat for c in corners), min(c.lon for c in corners)], abs=1e-6)
