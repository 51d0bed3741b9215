"""Fixtures for the Open311 API tests: the engine's `city`, a frozen clock, an
API client with its key, categories with extra questions, and spec shapes."""

import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import caches
from PIL import Image

from cases import actions, results
from cases.api.keys import create_client
from cases.intake import ReporterInput
from cases.models import Case, Photo
from cases.photos import attach_photos
from cases.workflow import add_note
from tests.cases.conftest import city, new_case  # noqa: F401

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=SH)  # a Monday
BASE = "/open311/v2"

# Element names of the specification's examples (GeoReport v2, Service Discovery).
SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
ATTRIBUTE_FIELDS = ["variable", "code", "datatype", "required", "datatype_description", "order", "description",
                    "values"]
VALUE_FIELDS = ["key", "name"]
POST_FIELDS = ["service_request_id", "service_notice", "account_id"]
TOKEN_FIELDS = ["service_request_id", "token"]
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]
DISCOVERY_FIELDS = ["changeset", "contact", "key_service", "endpoints"]
ENDPOINT_FIELDS = ["specification", "url", "changeset", "type", "formats"]
ERROR_FIELDS = ["code", "description"]
UPDATE_FIELDS = ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]

ODOUR_ATTRIBUTES = [
    {"code": "odour_kind", "datatype": "singlevaluelist", "description": "What does it smell like?",
     "required": True, "values": [{"key": "chemical", "name": "化学品味"}, {"key": "rotten", "name": "腐臭味"}]},
    {"code": "hours", "datatype": "number", "description": "For how many hours?", "required": False},
    {"code": "times", "datatype": "multivaluelist", "description": "When?", "required": False, "order": 5,
     "values": [{"key": "morning", "name": "早晨"}, {"key": "night", "name": "夜间"}]},
]


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def api_city(city, frozen):  # noqa: F811
    city.odour.attributes = ODOUR_ATTRIBUTES
    city.odour.keywords = "臭味 异味，刺鼻"
    city.odour.description = "Smells from factories, drains or waste."
    city.odour.save()
    return city


@pytest.fixture
def api_client_key(db):
    client, key = create_client("12345热线", contact="hotline@example.org")
    return client, key


@pytest.fixture
def api_key(api_client_key):
    return api_client_key[1]


def jpeg_bytes(size=(64, 48), colour=(200, 30, 30)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, colour).save(buf, "JPEG")
    return buf.getvalue()


def xml_root(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    return ET.fromstring(response.content)


def json_body(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return response.json()


def tags(element: ET.Element) -> list[str]:
    return [child.tag for child in element]


def assert_errors(response, status: int, fmt: str = "xml") -> list[str]:
    """The spec's error document with `status` as the HTTP status and each code; the descriptions."""
    assert response.status_code == status, response.content
    if fmt == "json":
        body = json_body(response)
        assert isinstance(body, list) and body
        assert all(list(item) == ERROR_FIELDS and item["code"] == status for item in body)
        return [item["description"] for item in body]
    root = xml_root(response)
    assert root.tag == "errors" and tags(root) and set(tags(root)) == {"error"}
    assert all(tags(error) == ERROR_FIELDS and error.findtext("code") == str(status) for error in root)
    return [error.findtext("description") for error in root]


REPORTER = {"name": "王秘密", "phone": "13712345678", "email": "secret.reporter@example.org"}
INTERNAL = {"findings": "内部核查：企业负责人赵某承认偷排", "note": "内部备注：举报人系该厂前员工",
            "reason": "内部退回理由"}
PUBLIC_SUMMARY = "化工厂已完成废气收集设施整改"
REPLY = "经查属实，已责令企业整改并处罚款。"


@pytest.fixture
def cases(api_city, new_case):  # noqa: F811
    """Cases in every state, filed before NOW, with reporter identity and internal notes."""
    day = timedelta(days=1)
    reporter = ReporterInput(ip_address="10.9.8.7", **REPORTER)
    closed = new_case(now=NOW - 10 * day, reporter=reporter, lat=36.551234, lng=117.051234,
                      address="东湖街道化工路8号", subcategory=api_city.odour, extra={"odour_kind": "chemical"})
    add_note(closed, api_city.intake, INTERNAL["note"], now=NOW - 10 * day)
    actions.accept(closed, api_city.env_handler, now=NOW - 9 * day)
    results.submit_result(closed, api_city.env_handler, findings=INTERNAL["findings"], reply=REPLY,
                          public_summary=PUBLIC_SUMMARY, now=NOW - 8 * day)
    results.close(closed, api_city.intake, now=NOW - 7 * day)
    attach_photos(closed, [jpeg_bytes()], kind="citizen", now=NOW - 10 * day)
    in_progress = new_case(now=NOW - 5 * day, reporter=reporter)
    actions.accept(in_progress, api_city.env_handler, now=NOW - 4 * day)
    add_note(in_progress, api_city.env_handler, INTERNAL["note"], now=NOW - 4 * day)
    assigned = new_case(now=NOW - 3 * day, category=api_city.noise, lat=36.55, lng=117.15)  # west: no rule
    submitted = new_case(now=NOW - 2 * day, reporter=reporter, route=False)
    rejected = new_case(now=NOW - 2 * day, route=False)
    actions.reject(rejected, api_city.intake, "不属于生态环境问题", "市场监管局")
    merged = new_case(now=NOW - 1 * day, reporter=reporter, route=False)
    actions.merge(merged, api_city.intake, in_progress, note=INTERNAL["note"])
    old = new_case(now=NOW - 120 * day)
    made = dict(closed=closed, in_progress=in_progress, assigned=assigned, submitted=submitted,
                rejected=rejected, merged=merged, old=old)
    return SimpleNamespace(**{name: Case.objects.get(pk=case.pk) for name, case in made.items()})


def make_public(case, sensitive=False, photo_public=True):
    Case.objects.filter(pk=case.pk).update(is_public=True, is_sensitive=sensitive)
    Photo.objects.filter(case=case).update(is_public=photo_public)
    case.refresh_from_db()
    return case


@pytest.fixture(autouse=True)
def _english(settings):
    """The assertions read the English messages: an API client without an
    Accept-Language header gets the site's language, set to English here."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
