"""The report form (cases/views/public.py, cases/forms.py): field errors, photos,
location checks, submission, idempotency, confirmation page."""

import re
import uuid

import prcoords
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cases.intake import IntakeError, ReportInput, validate
from cases.models import Case, Category, Notification, Photo, ReporterIdentity
from portal.csp import tile_sources
from tests import factories as f
from tests.public.conftest import jpeg, report_data, upload

pytestmark = pytest.mark.django_db


def post(client, city, files=(), url="/en/report/", **overrides):
    """Posts to the English form: the assertions read English messages (Django's own
    messages are translated to Chinese on the default, unprefixed URL)."""
    data = report_data(city, **overrides)
    if files:
        data["photos"] = list(files)
    return client.post(url, data)


def errors_of(response) -> dict:
    assert response.status_code == 200, response.status_code
    return {k: " ".join(v) for k, v in response.context["form"].errors.items()}


def test_form_renders_every_part_with_labels(client, city):
    html = client.get("/report/").content.decode()
    for name in ("category", "description", "observed_at", "polluter_name", "address", "photos", "name",
                 "phone", "email", "anonymity", "consent", "idempotency_key", "latitude", "crs"):
        assert f'name="{name}"' in html, name
    assert 'for="id_description"' in html and 'for="id_consent"' in html
    assert 'multiple' in html and 'accept="image/*"' in html
    assert 'href="/privacy/"' in html
    assert f'name="subtype_{city.air.pk}"' in html  # air has the sub-type "odour"
    assert 'id="map"' in html and "vendor/leaflet/leaflet.js" in html


def test_english_version_is_served_under_the_language_prefix(client, city):
    html = client.get("/en/report/").content.decode()
    assert '<html lang="en">' in html and 'action="/en/report/"' in html
    assert '<html lang="zh-hans">' in client.get("/report/").content.decode()


def test_each_missing_field_gets_its_own_message_and_nothing_is_stored(client, city):
    response = post(client, city, category="", description="  ", consent=None, latitude="", longitude="",
                    address="")
    errors = errors_of(response)
    assert "kind of problem" in errors["category"]
    assert "describe what is happening" in errors["description"]
    assert "privacy notice" in errors["consent"]
    assert "Please give a location" in errors["address"]
    html = response.content.decode()
    assert 'id="id_description_error"' in html and 'aria-invalid="true"' in html
    assert Case.objects.count() == 0 and ReporterIdentity.objects.count() == 0


@pytest.mark.parametrize("field, value, message", [
    ("email", "not-an-email", "valid email"),
    ("phone", "call me", "digits only"),
    ("observed_at", "2999-01-01T10:00", "in the future"),
    ("description", "x" * 1_000_000, "at most 5000"),
    ("name", "n" * 61, "at most 60"),
    ("polluter_name", "p" * 201, "at most 200"),
])
def test_bad_values_are_refused_next_to_their_field(client, city, field, value, message):
    errors = errors_of(post(client, city, **{field: value}))
    assert message in errors[field]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("lat, lng", [("NaN", "117.05"), ("inf", "117.05"), ("36.55", "-inf"), ("91", "117.05"),
                                      ("36.55", "181"), ("abc", "117"), ("36.55", "")])
def test_impossible_coordinates_are_refused(client, city, lat, lng):
    errors = errors_of(post(client, city, latitude=lat, longitude=lng))
    assert "not a valid coordinate" in errors["latitude"]
    assert Case.objects.count() == 0


def test_a_point_outside_the_city_is_refused_with_a_clear_message(client, city):
    response = post(client, city, latitude="31.23", longitude="121.47")  # Shanghai
    assert "outside" in errors_of(response)["latitude"]
    assert 'href="#location"' in response.content.decode()
    assert Case.objects.count() == 0


def test_inside_the_city_box_but_outside_every_township_goes_to_the_dispatch_desk(client, city):
    response = post(client, city, latitude="36.62", longitude="117.05")  # north of both squares, in the margin
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.township is None and case.state == "submitted"


def test_successful_report_with_two_photos(client, city, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as after_commit:
        response = post(client, city, files=[upload("a.jpg"), upload("b.jpg", jpeg(color=(0, 90, 200)))],
                        subtype=None, **{f"subtype_{city.air.pk}": city.odour.pk})
    assert response.status_code == 302 and response["Location"] == "/en/report/done/"
    case = Case.objects.get()
    assert (case.category, case.subcategory, case.township) == (city.air, city.odour, city.east)
    assert case.polluter_name == "某化工厂" and case.location_source == "pin" and case.source == "web"
    assert (float(case.latitude), float(case.longitude)) == (36.55, 117.05)
    # Committed by the request: the case, its originals and the job; the worker does the rest.
    assert case.state == "submitted" and case.intake_job == "route"
    assert set(Photo.objects.filter(case=case).values_list("state", flat=True)) == {"pending"}
    for callback in after_commit:  # the worker's task (tasks run inline in tests)
        callback()
    case.refresh_from_db()
    assert case.observed_at is not None and case.state == "assigned"  # routed by the engine
    assert case.intake_job == ""
    assert list(Photo.objects.filter(case=case, kind="citizen").values_list("state", flat=True)) == ["ready"] * 2
    reporter = ReporterIdentity.objects.get(case=case)
    assert (reporter.name, reporter.phone, reporter.email, reporter.ip_address) == (
        "李四", "13800138000", "ls@example.org", "127.0.0.1")
    assert reporter.consented_at is not None
    assert Notification.objects.filter(case=case, audience="reporter", template="case_received").count() == 2

    page = client.get("/en/report/done/").content.decode()
    assert case.reference in page and 'id="access-code"' in page
    code = page.split('id="access-code">')[1].split("<")[0]
    assert len(code) == 10
    assert "sending the reference number and the access code" in page
    assert "shown only on this page" not in page  # one true statement, not two contradicting ones
    again = client.get("/en/report/done/").content.decode()  # a reload loses nothing in this session
    assert case.reference in again and code in again


def test_anonymous_report_keeps_no_name(client, city):
    post(client, city, anonymity="anonymous", email="", phone="")
    reporter = ReporterIdentity.objects.get()
    assert reporter.is_anonymous and reporter.name == ""
    page = client.get("/en/report/done/").content.decode()
    assert "keep the receipt before you close this browser" in page


def test_an_anonymous_reporter_keeps_reference_and_code_for_the_browser_session(client, city):
    post(client, city, anonymity="anonymous", email="", phone="")
    case = Case.objects.get()
    first = client.get("/en/report/done/").content.decode()
    code = first.split('id="access-code">')[1].split("<")[0]
    for _ in range(3):  # reloads
        page = client.get("/en/report/done/").content.decode()
        assert case.reference in page and code in page
    assert client.session.get_expire_at_browser_close()  # kept until the browser session ends
    receipt = client.get("/en/report/done/receipt.txt")
    assert receipt["Content-Disposition"] == f'attachment; filename="receipt-{case.reference}.txt"'
    assert receipt["Cache-Control"] == "no-store"
    text = receipt.content.decode()
    assert case.reference in text and code in text and "/en/track/" in text
    follow = client.get(f"/en/track/{case.reference}/")  # "follow my report" opens the case, not a form
    assert follow.status_code == 200 and case.reference in follow.content.decode()
    assert code not in str(client.session.items())  # the session store holds it encrypted only
    client.post(f"/en/track/{case.reference}/forget")
    assert client.get("/en/report/done/")["Location"] == "/en/report/"  # forgotten when the citizen says so


def test_double_submit_with_the_same_token_files_one_case(client, city):
    first = post(client, city, files=[upload()])
    second = post(client, city, files=[upload()])
    assert first.status_code == second.status_code == 302
    assert second["Location"] == "/en/report/done/"
    assert Case.objects.count() == 1 and Photo.objects.count() == 1
    page = client.get("/en/report/done/").content.decode()
    assert Case.objects.get().reference in page and 'id="access-code"' in page


def test_a_later_resubmit_shows_the_reference_but_never_the_code_again(client, city):
    post(client, city)
    assert 'id="access-code"' in client.get("/report/done/").content.decode()
    other = Client()
    response = other.post("/report/", report_data(city))
    assert response.status_code == 302 and Case.objects.count() == 1
    page = other.get("/report/done/").content.decode()
    assert Case.objects.get().reference in page and 'id="access-code"' not in page


def test_gcj02_input_is_stored_as_wgs84(client, city):
    post(client, city, latitude="36.552", longitude="117.056", crs="gcj02")
    case = Case.objects.get()
    expected = prcoords.gcj_wgs_bored(prcoords.Coords(36.552, 117.056))
    assert float(case.latitude) == pytest.approx(expected.lat, abs=1e-6)
    assert float(case.longitude) == pytest.approx(expected.lon, abs=1e-6)
    assert abs(float(case.longitude) - 117.056) > 0.003  # the offset is hundreds of metres
    assert case.extra["input_coordinates"] == {"crs": "gcj02", "latitude": "36.552", "longitude": "117.056"}


def test_bd09_input_is_converted_too(client, city):
    post(client, city, latitude="36.558", longitude="117.062", crs="bd09")
    expected = prcoords.bd_wgs_bored(prcoords.Coords(36.558, 117.062))
    assert float(Case.objects.get().latitude) == pytest.approx(expected.lat, abs=1e-6)


def test_address_only_report_without_javascript(client, city):
    response = post(client, city, latitude="", longitude="", address="河西街道工业园3号")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.latitude is None and case.location_source == "address" and case.address == "河西街道工业园3号"


def test_location_source_comes_from_the_form(client, city):
    post(client, city, location_source="photo")
    assert Case.objects.get().location_source == "photo"


@pytest.mark.parametrize("name, data, message", [
    ("empty.jpg", b"", "empty"),
    ("drawing.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "not a supported"),
    ("page.jpg", b"<html><body>hello</body></html>", "not a supported"),
    ("cut.jpg", jpeg(size=(400, 300))[:300], "damaged"),
])
def test_bad_photos_are_refused_next_to_the_photo_field_and_nothing_is_stored(client, city, name, data, message):
    errors = errors_of(post(client, city, files=[upload("ok.jpg"), upload(name, data)]))
    assert message in errors["photos"]
    assert Case.objects.count() == 0 and Photo.objects.count() == 0 and ReporterIdentity.objects.count() == 0


def test_seven_photos_are_refused(client, city):
    errors = errors_of(post(client, city, files=[upload(f"{i}.jpg") for i in range(7)]))
    assert "at most 6 photos" in errors["photos"]
    assert Case.objects.count() == 0


def test_a_photo_over_the_size_limit_is_refused(client, city, settings):
    settings.PORTAL_PHOTO_MAX_BYTES = 2000
    errors = errors_of(post(client, city, files=[upload("big.jpg", jpeg(size=(800, 600)) + b"\0" * 3000)]))
    assert "big.jpg is too large" in errors["photos"]


def test_a_body_larger_than_all_photos_together_is_refused_before_reading(client, city, settings):
    settings.PORTAL_PHOTO_MAX_BYTES = 1000
    settings.PORTAL_PHOTO_MAX_COUNT = 1
    response = client.post("/en/report/", report_data(city), CONTENT_LENGTH=str(5 * 1024 * 1024))
    assert response.status_code == 413 and b"too large" in response.content
    assert Case.objects.count() == 0


def test_polyglot_jpeg_is_stored_only_as_the_reencoded_image(client, city, django_capture_on_commit_callbacks):
    payload = b"<script>alert('x')</script>"
    with django_capture_on_commit_callbacks(execute=True):
        post(client, city, files=[upload("poly.jpg", jpeg() + payload)])
    photo = Photo.objects.get()
    assert payload not in photo.image.read() and payload not in photo.thumbnail.read()


def test_text_fields_are_escaped_when_the_form_comes_back(client, city):
    xss = '<script>alert("x")</script>'
    response = post(client, city, description=xss, polluter_name=xss, address=xss, name=xss, email="bad")
    html = response.content.decode()
    assert xss not in html and "&lt;script&gt;" in html


def test_a_sub_type_of_another_category_is_ignored(client, city):
    f.category("扬尘", parent=city.noise, code="dust-noise")
    other = city.noise.subtypes.get()
    post(client, city, **{f"subtype_{city.noise.pk}": other.pk})
    assert Case.objects.get().subcategory is None  # the air category was chosen


def test_missing_csrf_token_is_refused(city):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/report/", report_data(city))
    assert response.status_code == 403 and Case.objects.count() == 0


def test_the_report_page_allows_the_configured_tile_host(client, city, settings):
    settings.PORTAL_MAP_TILE_URL = "https://t{s}.tianditu.example.cn/DataServer?T=vec_w&x={x}&y={y}&l={z}&tk={tk}"
    csp = client.get("/report/")["Content-Security-Policy"]
    assert "https://*.tianditu.example.cn" in csp and "unsafe-inline" not in csp


def test_tile_sources_in_the_settings_follow_the_tile_url():
    assert tile_sources("https://t{s}.tianditu.gov.cn/x?tk={tk}") == ["https://*.tianditu.gov.cn"]
    assert tile_sources("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == ["https://tile.openstreetmap.org"]
    assert tile_sources("") == []


def test_done_page_without_a_report_goes_back_to_the_form(client, db):
    assert client.get("/report/done/")["Location"] == "/report/"


def test_chinese_form_files_a_report_too(client, city):
    response = client.post("/report/", report_data(city))
    assert response["Location"] == "/report/done/"
    assert Case.objects.get().reporters.count() == 1


def test_the_language_switch_moves_between_the_chinese_and_english_forms(client, city):
    switch = re.compile(r'<p class="lang-switch">\s*<a href="([^"]*)"')
    chinese = client.get("/report/?category=3").content.decode()
    assert switch.search(chinese).group(1) == "/en/report/?category=3"
    english = client.get("/en/report/?category=3").content.decode()
    assert switch.search(english).group(1) == "/report/?category=3"


def test_an_intake_refusal_lands_next_to_its_field_by_field_and_code(client, city, monkeypatch):
    """The view places the service's error by the field it names, whatever the message says."""
    def refuse(*args, **kwargs):
        raise IntakeError("某条从未出现过的提示", field="address", code="location_required")

    monkeypatch.setattr("cases.reportform.service.submit_case", refuse)
    form = post(client, city).context["form"]
    assert form.errors.as_data()["address"][0].code == "location_required"
    assert form.errors["address"] == ["某条从未出现过的提示"]
    assert Case.objects.count() == 0


@pytest.mark.parametrize("overrides, field, code", [
    ({"description": "  "}, "description", "required"),
    ({"latitude": 36.5, "longitude": None}, "latitude", "half_coordinate"),
    ({"latitude": 91.0, "longitude": 117.0}, "latitude", "coordinate_range"),
    ({"latitude": None, "longitude": None, "address": ""}, "address", "location_required"),
])
def test_intake_validation_names_the_field_and_a_code(city, overrides, field, code):
    report = ReportInput(**{"category": city.air, "description": "夜间有刺鼻气味", "latitude": 36.55,
                            "longitude": 117.05, **overrides})
    with pytest.raises(IntakeError) as refused:
        validate(report)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_report_request_reads_no_category_and_writes_no_session_row(client, city):
    """The form's categories come from the cached catalogue (cases.forms.category_tree) and a
    citizen's session from its signed cookie (portal/sessions.py), and a double submit is
    found by the unique key's INSERT: the request's statements are the report's transaction."""
    client.get("/en/report/")  # warm the catalogue, the township index and the calendar
    with CaptureQueriesContext(connection) as ctx:
        assert post(client, city, **{f"subtype_{city.air.pk}": city.odour.pk}).status_code == 302
    sql = [q["sql"] for q in ctx.captured_queries]
    assert not [q for q in sql if '"cases_category"' in q or '"django_session"' in q], "\n".join(sql)
    assert not [q for q in sql if q.startswith("SELECT")], "\n".join(sql)  # a valid POST reads nothing
    # The report's transaction only (8), plus the year's first reference row here (3).
    assert len(sql) <= 11, "\n".join(s[:120] for s in sql)
    assert (Case.objects.get().category, Case.objects.get().subcategory) == (city.air, city.odour)


def test_a_renamed_added_or_retired_category_shows_on_the_next_form(client, city):
    assert "异味" in client.get("/report/").content.decode()  # cached from here on
    city.odour.name = "恶臭"
    city.odour.save()
    soil = Category.objects.create(name="土壤污染", code="soil", sort_order=99)
    city.noise.is_active = False
    city.noise.save()
    html = client.get("/report/").content.decode()
    assert "恶臭" in html and "异味" not in html
    assert f'value="{soil.pk}"' in html and "土壤污染" in html
    assert "噪声" not in html
    assert post(client, city, category=soil.pk).status_code == 302  # and it is accepted at once
    assert Case.objects.get().category == soil
    errors = errors_of(post(client, city, category=city.noise.pk, idempotency_key=str(uuid.uuid4())))
    assert "valid choice" in errors["category"]  # a retired one is not
