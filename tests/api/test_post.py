"""POST Service Request: form-encoded and multipart (media upload extension)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cases.models import Case, CaseSource, Photo, ReporterIdentity
from tests.api.conftest import BASE, POST_FIELDS, assert_errors, jpeg_bytes, json_body, tags, xml_root

pytestmark = pytest.mark.django_db


def form(api_key, **extra):
    data = {"api_key": api_key, "jurisdiction_id": "city.example", "service_code": "odour",
            "lat": "36.55", "long": "117.05", "description": "夜间化工厂排放刺鼻气味",
            "attribute[odour_kind]": "chemical"}
    data.update(extra)
    return {k: v for k, v in data.items() if v is not None}


def test_post_xml_returns_the_spec_response_and_files_an_api_case(client, api_city, api_key,
                                                                 django_capture_on_commit_callbacks):
    data = form(api_key, **{"attribute[hours]": "3", "attribute[times][]": ["morning", "night"],
                            "address_string": "化工路8号", "email": "li@example.org", "first_name": "四",
                            "last_name": "李", "phone": "13900000000", "device_id": "dev-1", "account_id": "a-9",
                            "media_url": "https://img.example.org/x.jpg"})
    with django_capture_on_commit_callbacks(execute=True):  # and the worker's task, inline in tests
        response = client.post(f"{BASE}/requests.xml", data)
    assert response.status_code == 200, response.content
    root = xml_root(response)
    assert root.tag == "service_requests" and tags(root) == ["request"]
    request = root.find("request")
    assert tags(request) == POST_FIELDS
    reference = request.findtext("service_request_id")
    assert request.find("account_id").text is None  # <account_id/> as in the spec example
    assert reference in request.findtext("service_notice")
    case = Case.objects.get(reference=reference)
    assert case.source == CaseSource.API and case.source_detail == "12345热线"
    assert case.category == api_city.air and case.subcategory == api_city.odour
    assert case.township == api_city.east and case.lead_department == api_city.env  # routed by the pin
    assert case.address == "化工路8号"
    assert case.extra == {"odour_kind": "chemical", "hours": "3", "times": ["morning", "night"],
                          "media_url": "https://img.example.org/x.jpg"}
    identity = ReporterIdentity.objects.get(case=case)
    assert (identity.name, identity.phone, identity.email) == ("李四", "13900000000", "li@example.org")
    assert not identity.is_anonymous
    for secret in ("李四", "13900000000", "li@example.org", "dev-1", "a-9"):  # only in the identity row
        assert secret not in str(Case.objects.filter(pk=case.pk).values().get())


def test_post_json_response_is_an_array(client, api_city, api_key):
    response = client.post(f"{BASE}/requests.json", form(api_key))
    body = json_body(response)
    assert isinstance(body, list) and len(body) == 1
    assert list(body[0]) == POST_FIELDS
    assert body[0]["service_request_id"].startswith("HB2026-")
    assert body[0]["account_id"] is None
    assert ReporterIdentity.objects.get(case__reference=body[0]["service_request_id"]).is_anonymous


def test_api_key_may_come_in_the_query_string(client, api_city, api_key):
    data = form(api_key)
    data.pop("api_key")
    response = client.post(f"{BASE}/requests.json?api_key={api_key}", data)
    assert response.status_code == 200


def test_address_only_goes_to_the_dispatch_desk(client, api_city, api_key):
    body = json_body(client.post(f"{BASE}/requests.json",
                                 form(api_key, lat=None, long=None, address_string="河西街道滨河路")))
    case = Case.objects.get(reference=body[0]["service_request_id"])
    assert case.latitude is None and case.township is None
    assert case.state == "submitted" and case.lead_department is None
    assert case.location_source == "address"


def test_media_upload_creates_a_photo_through_the_pipeline(client, api_city, api_key,
                                                          django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("photo.jpg", jpeg_bytes(), content_type="image/jpeg")
    with django_capture_on_commit_callbacks(execute=True):  # the copies are made by the worker's task
        response = client.post(f"{BASE}/requests.json", {**form(api_key), "media": upload})
    assert response.status_code == 200, response.content
    case = Case.objects.get(reference=response.json()[0]["service_request_id"])
    photo = Photo.objects.get(case=case)
    assert photo.kind == "citizen" and not photo.is_public
    assert (photo.width, photo.height) == (64, 48) and len(photo.original_sha256) == 64
    assert photo.image.read(3) == b"\xff\xd8\xff"


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_saved(client, api_city, api_key):
    upload = SimpleUploadedFile("photo.jpg", b"<html>not an image</html>", content_type="image/jpeg")
    (text,) = assert_errors(client.post(f"{BASE}/requests.xml", {**form(api_key), "media": upload}), 400)
    assert text.startswith("media:")
    assert not Case.objects.exists() and not Photo.objects.exists()


def test_media_url_is_recorded_and_never_fetched(client, api_city, api_key, monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the server must not fetch media_url")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    body = json_body(client.post(f"{BASE}/requests.json", form(api_key, media_url="http://10.0.0.1/a.jpg")))
    assert Case.objects.get(reference=body[0]["service_request_id"]).extra["media_url"] == "http://10.0.0.1/a.jpg"


def test_idempotency_key_header_files_one_case(client, api_city, api_key):
    first = client.post(f"{BASE}/requests.json", form(api_key), HTTP_IDEMPOTENCY_KEY="abc-1").json()
    second = client.post(f"{BASE}/requests.json", form(api_key), HTTP_IDEMPOTENCY_KEY="abc-1").json()
    assert first[0]["service_request_id"] == second[0]["service_request_id"]
    assert Case.objects.count() == 1


def test_sub_type_and_category_codes_both_work(client, api_city, api_key):
    body = json_body(client.post(f"{BASE}/requests.json", form(api_key, service_code="water")))
    case = Case.objects.get(reference=body[0]["service_request_id"])
    assert case.category == api_city.water_cat and case.subcategory is None


@pytest.mark.parametrize(("lat", "lng"), [("39.9042", "116.4074"), ("31.23", "121.47")])  # Beijing, Shanghai
def test_a_point_outside_the_city_is_refused_as_on_the_web_form(client, api_city, api_key, lat, lng):
    response = client.post(f"{BASE}/requests.json", form(api_key, lat=lat, long=lng))
    assert_errors(response, 400, "json")
    assert "outside" in response.content.decode()
    assert not Case.objects.exists()


def test_every_channel_shares_the_service_area_rule(city):
    """The staff phone form and imports go through the same intake validation."""
    from cases.intake import ReportInput, submit_case
    from cases.workflow import WorkflowError

    with pytest.raises(WorkflowError, match="outside"):
        submit_case(ReportInput(category=city.air, description="北京的问题", latitude=39.9042, longitude=116.4074,
                                source="phone"))
    assert not Case.objects.exists()
