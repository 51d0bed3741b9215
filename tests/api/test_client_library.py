"""Independent GeoReport v2 client libraries from PyPI against a live server.

- `three` (Code for America, 0.8.0): lists services, posts a request with an
  attribute and a photo (it sends `media` as multipart/form-data, the media
  upload extension), fetches it by id and in a filtered list; JSON format.
  It was written for Python 2: its only Python 3 problem on this path is
  `from itertools import ifilter`, shimmed below with the built-in `filter`.
- `georeport` (0.3.1, Python 3, read-only): reads the same resources as XML
  through xmltodict, unchanged.
"""

import itertools

import pytest

from cases.models import Case, Photo, ReporterIdentity
from tests.api.conftest import ODOUR_ATTRIBUTES, jpeg_bytes

if not hasattr(itertools, "ifilter"):  # the one shim `three` needs on Python 3
    itertools.ifilter = filter

import three  # noqa: E402
from georeport import GeoReport  # noqa: E402


@pytest.fixture
def live_city(city):  # noqa: F811 - `city` comes from tests/api/conftest.py
    city.odour.attributes = ODOUR_ATTRIBUTES
    city.odour.save()
    return city


@pytest.mark.django_db(transaction=True)
def test_three_lists_posts_with_attribute_and_photo_and_fetches(live_server, live_city, api_key):
    api = three.Three(f"{live_server.url}/open311/v2", api_key=api_key, format="json")
    services = api.services()
    assert {"odour", "air"} <= {s["service_code"] for s in services}
    definition = api.services("odour")
    assert definition["attributes"][0]["code"] == "odour_kind"
    assert api.discovery()["endpoints"][0]["url"] == f"{live_server.url}/open311/v2"

    posted = api.post("odour", lat="36.55", long="117.05", description="排水口有刺鼻化学品味",
                      name="Li Si", phone="13900000000", media=("photo.jpg", jpeg_bytes(), "image/jpeg"),
                      **{"attribute[odour_kind]": "chemical"})
    assert api.post_response.status_code == 200
    reference = posted[0]["service_request_id"]
    case = Case.objects.get(reference=reference)
    assert case.extra["odour_kind"] == "chemical" and case.source_detail == "12345热线"
    assert Photo.objects.filter(case=case).count() == 1
    assert ReporterIdentity.objects.get(case=case).name == "Li Si"

    (fetched,) = api.request(reference)
    assert fetched["service_request_id"] == reference and fetched["status"] == "open"
    assert fetched["service_code"] == "odour"
    listed = api.requests("odour", status="open")
    assert reference in [r["service_request_id"] for r in listed]
    by_id = api.requests(service_request_id=reference)
    assert [r["service_request_id"] for r in by_id] == [reference]
    assert api.token(reference)[0]["service_request_id"] == reference


@pytest.mark.django_db(transaction=True)
def test_georeport_reads_the_xml_format(live_server, live_city, new_case):  # noqa: F811
    case = new_case(subcategory=live_city.odour, lat=36.55, lng=117.05)
    client = GeoReport(f"{live_server.url}/open311/v2", output_format="xml")
    codes = [s["service_code"] for s in client.get_service_list()]
    assert "odour" in codes
    definition = client.get_service_definition("odour")
    assert definition["service_code"] == "odour"
    assert definition["attributes"]["attribute"][0]["code"] == "odour_kind"
    one = client.get_service_request(case.reference)
    assert one["service_request_id"] == case.reference and one["status"] == "open"
    listed = client.get_service_requests(service_code="odour", status="open",
                                         start_date=case.received_at.strftime("%Y-%m-%dT00:00:00Z"))
    listed = listed if isinstance(listed, list) else [listed]  # xmltodict: one element is not a list
    assert case.reference in [r["service_request_id"] for r in listed]
    json_client = GeoReport(f"{live_server.url}/open311/v2")
    assert json_client.get_service_request(case.reference)["service_code"] == "odour"
