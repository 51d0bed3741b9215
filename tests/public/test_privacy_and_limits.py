"""Privacy notice (/privacy/), submit rate limit, photo GPS endpoint."""

import json

import pytest
from PIL import ExifTags, Image, TiffImagePlugin

from cases.models import Case
from cms.models import StandardPage
from tests import factories as f
from tests.public.conftest import jpeg, report_data, upload

pytestmark = pytest.mark.django_db


def test_built_in_privacy_notice_when_no_cms_page_exists(client, db, settings):
    settings.PORTAL_CONTACT_RETENTION_DAYS = 180
    page = client.get("/en/privacy/").content.decode()
    assert "What we collect" in page and "Who sees it" in page and "How long it is kept" in page
    assert "deleted 180 days after your case is finished" in page


def test_the_cms_privacy_page_wins_when_editors_made_one(client, db):
    home = f.site_home()
    home.add_child(instance=StandardPage(title="隐私声明（编辑版）", slug="privacy", body="<p>编辑撰写的隐私声明</p>"))
    page = client.get("/privacy/").content.decode()
    assert "编辑撰写的隐私声明" in page and "What we collect" not in page


def test_report_form_links_to_the_privacy_notice(client, city):
    assert 'href="/privacy/"' in client.get("/report/").content.decode()


def test_submissions_are_rate_limited_with_a_friendly_page(client, city, settings):
    settings.PORTAL_RATELIMIT_SUBMIT = "2/h"
    tokens = ["6f1c2f7e-8d1a-4c4e-9a57-2f6b0f1e9a0" + str(i) for i in range(3)]
    codes = [client.post("/en/report/", report_data(city, idempotency_key=t)).status_code for t in tokens]
    assert codes == [302, 302, 429]
    response = client.post("/en/report/", report_data(city, idempotency_key=tokens[2]))
    assert response.status_code == 429 and "Please wait a moment" in response.content.decode()
    assert response["Retry-After"] and Case.objects.count() == 2


def _gps_exif(lat=(36, 33, 0), lng=(117, 3, 0)) -> Image.Exif:
    exif = Image.Exif()
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = tuple(TiffImagePlugin.IFDRational(v, 1) for v in lat)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = tuple(TiffImagePlugin.IFDRational(v, 1) for v in lng)
    return exif


def test_photo_gps_is_offered_and_nothing_is_stored(client, city, settings, tmp_path):
    response = client.post("/en/report/photo-gps", {"photo": upload("gps.jpg", jpeg(exif=_gps_exif()))})
    body = json.loads(response.content)
    assert body == {"ok": True, "found": True, "lat": 36.55, "lng": 117.05}
    assert Case.objects.count() == 0 and not any((tmp_path / "private").rglob("*.*"))


def test_photo_without_gps_or_outside_the_city_offers_nothing(client, city):
    assert json.loads(client.post("/en/report/photo-gps", {"photo": upload()}).content)["found"] is False
    far = upload("far.jpg", jpeg(exif=_gps_exif(lat=(31, 14, 0), lng=(121, 28, 0))))
    assert json.loads(client.post("/en/report/photo-gps", {"photo": far}).content) == {
        "ok": True, "found": False, "outside": True}


def test_photo_gps_refuses_missing_or_oversized_files(client, city, settings):
    assert client.post("/en/report/photo-gps", {}).status_code == 400
    settings.PORTAL_PHOTO_MAX_BYTES = 100
    assert client.post("/en/report/photo-gps", {"photo": upload()}).status_code == 400


def test_photo_gps_of_a_non_image_is_simply_not_found(client, city):
    body = json.loads(client.post("/en/report/photo-gps", {"photo": upload("x.jpg", b"<svg/>")}).content)
    assert body["found"] is False
