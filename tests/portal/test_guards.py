"""portal/guards.py: NUL and control characters, body size and rate limits before parsing,
for every public and API URL (run on PostgreSQL too: it is there that NUL crashed)."""

import pytest
from django.core.cache import caches

from cases.api.keys import create_client
from cases.models import Case
from portal.guards import body_limit
from tests.public.conftest import report_data

pytestmark = pytest.mark.django_db

NUL = "\x00"
OPEN311 = "/open311/v2"

GET_URLS = [
    ("/cases/", {"category": NUL}), ("/cases/", {"township": "a\x00b"}), ("/cases/", {"state": NUL}),
    ("/cases/", {"year": NUL}), ("/cases/", {"page": NUL}), ("/cases/geojson/", {"category": NUL}),
    ("/cases/geojson/", {"township": NUL}), ("/cases/csv/", {"category": NUL}), ("/cases/csv/", {"township": NUL}),
    ("/news/", {"tag": NUL}), ("/search/", {"q": NUL}), ("/track/HB2026-000001%00/", {}),
    ("/track/%00/", {}), ("/report/", {"x": NUL}), ("/report/nearby", {"category": NUL, "lat": "36.55"}),
    ("/report/geocode", {"q": "路\x00"}), ("/batches/central/3/", {"x": NUL}), ("/en/cases/", {"category": NUL}),
    (f"{OPEN311}/requests.json", {"service_code": NUL}), (f"{OPEN311}/requests.xml", {"status": NUL}),
    (f"{OPEN311}/requests.json", {"service_request_id": NUL}), (f"{OPEN311}/requests.json", {"start_date": NUL}),
    (f"{OPEN311}/requests/HB2026%00.json", {}), (f"{OPEN311}/services/%00.json", {}),
    (f"{OPEN311}/tokens/%00.json", {}), (f"{OPEN311}/servicerequestupdates.json", {"end_date": NUL}),
    (f"{OPEN311}/services.json", {"jurisdiction_id": NUL}), (f"{OPEN311}/discovery.json", {"api_key": NUL}),
]


@pytest.fixture(autouse=True)
def _fresh_limits(settings):
    settings.PORTAL_CAPTCHA_REQUIRED = False
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.mark.parametrize(("url", "params"), GET_URLS, ids=[f"{u}?{'&'.join(p)}" for u, p in GET_URLS])
def test_nul_in_any_url_is_bad_input_not_a_crash(client, tree, city, url, params):
    response = client.get(url, params)
    assert response.status_code == 400
    if url.startswith(OPEN311):
        assert b"<code>400</code>" in response.content or b'"code": 400' in response.content


def _api_form(key, **extra):
    return {"api_key": key, "service_code": "air", "lat": "36.55", "long": "117.05", "description": "异味", **extra}


@pytest.mark.parametrize("field", ["description", "address_string", "first_name", "email", "service_code"])
def test_nul_in_an_open311_post_field_is_a_spec_400(client, city, field):
    _client, key = create_client("hotline")
    response = client.post(f"{OPEN311}/requests.json", _api_form(key, **{field: "a\x00b"}))
    assert response.status_code == 400 and b'"code": 400' in response.content
    assert not Case.objects.exists()


@pytest.mark.parametrize(("url", "field"), [("/report/", "description"), ("/report/", "address"),
                                            ("/track/", "reference"), ("/report/follow/", "follow_token")])
def test_nul_in_a_public_form_field_is_a_400(client, city, url, field):
    data = {**report_data(city), "reference": "HB", "access_code": "x", "follow_token": "t", field: "x\x00y"}
    response = client.post(url, data)
    assert response.status_code == 400
    assert not Case.objects.exists()


CONTROL_TEXT = "排放\x0b刺鼻\x01气味\x7f\x1b[31m"


def test_control_characters_are_removed_on_the_way_in_from_the_web_form(client, city):
    response = client.post("/report/", report_data(city, description=CONTROL_TEXT, polluter_name="厂\x08"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.description == "排放\n刺鼻气味[31m" and case.polluter_name == "厂"


def test_control_characters_are_removed_on_the_way_in_from_open311(client, city):
    _client, key = create_client("hotline")
    response = client.post(f"{OPEN311}/requests.json", _api_form(key, description=CONTROL_TEXT,
                                                                 address_string="化工路\x0c8号"))
    assert response.status_code == 200, response.content
    case = Case.objects.get()
    assert case.description == "排放\n刺鼻气味[31m" and case.address == "化工路\n8号"


class Untouchable:
    """A request body that fails the test if anything reads it."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.mark.parametrize("url", ["/report/", "/en/report/follow/", "/report/photo-gps", "/track/",
                                 f"{OPEN311}/requests.json", "/admin/login/", "/cases/"])
def test_an_oversized_body_is_refused_from_its_content_length_before_anything_reads_it(client, url):
    response = client.generic("POST", url, b"", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH=str(1024 ** 3), **{"wsgi.input": Untouchable()})
    assert response.status_code == 413


def test_the_citizen_limit_is_all_photos_of_a_report_and_staff_get_the_general_limit(settings):
    settings.PORTAL_PHOTO_MAX_COUNT, settings.PORTAL_PHOTO_MAX_BYTES = 2, 1000
    settings.PORTAL_BODY_SLACK_BYTES, settings.PORTAL_MAX_REQUEST_BYTES = 100, 50_000
    assert body_limit("/report/") == body_limit("/en/report/follow/") == body_limit("/open311/v2/requests.json") \
        == 2100
    assert body_limit("/admin/documents/multiple/add/") == 50_000


@pytest.mark.parametrize(("url", "setting"), [("/report/", "PORTAL_RATELIMIT_SUBMIT"),
                                              ("/report/follow/", "PORTAL_RATELIMIT_SUBMIT"),
                                              ("/track/", "PORTAL_RATELIMIT_TRACK"),
                                              ("/report/photo-gps", "PORTAL_RATELIMIT_LOOKUP")])
def test_form_rate_limits_answer_before_the_body_is_read(client, city, settings, url, setting):
    setattr(settings, setting, "1/h")
    client.post(url, {"x": "1"})
    response = client.generic("POST", url, b"", content_type="multipart/form-data; boundary=x",
                              CONTENT_LENGTH="5000", **{"wsgi.input": Untouchable()})
    assert response.status_code == 429
