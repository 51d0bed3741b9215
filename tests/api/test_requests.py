"""GET Service Requests, GET Service Request, tokens and the public photo."""

from datetime import timedelta

import pytest

from cases.models import Clock, Photo
from tests.api.conftest import (
    BASE,
    NOW,
    PUBLIC_SUMMARY,
    REPLY,
    REQUEST_FIELDS,
    TOKEN_FIELDS,
    assert_errors,
    json_body,
    make_public,
    tags,
    xml_root,
)

pytestmark = pytest.mark.django_db


def refs(body) -> list[str]:
    return [item["service_request_id"] for item in body]


def test_list_xml_has_the_spec_structure(client, cases):
    root = xml_root(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests" and set(tags(root)) == {"request"}
    assert all(tags(request) == REQUEST_FIELDS for request in root)
    closed = next(r for r in root if r.findtext("service_request_id") == cases.closed.reference)
    assert closed.findtext("status") == "closed"
    assert closed.findtext("service_code") == "odour" and closed.findtext("service_name") == "异味"
    assert closed.findtext("agency_responsible") == "市生态环境局"
    assert closed.findtext("requested_datetime") == "2026-05-22T10:00:00+08:00"


def test_list_json_default_window_is_the_last_90_days_newest_first(client, cases):
    body = json_body(client.get(f"{BASE}/requests.json"))
    assert all(list(item) == REQUEST_FIELDS for item in body)
    assert refs(body) == [cases.merged.reference, cases.rejected.reference, cases.submitted.reference,
                          cases.assigned.reference, cases.in_progress.reference, cases.closed.reference]
    assert cases.old.reference not in refs(body)


def test_non_public_case_shows_only_state_service_agency_and_dates(client, cases):
    (item,) = json_body(client.get(f"{BASE}/requests/{cases.closed.reference}.json"))
    assert item["status"] == "closed" and item["agency_responsible"] == "市生态环境局"
    assert item["requested_datetime"] and item["updated_datetime"] == "2026-05-25T10:00:00+08:00"
    for hidden in ("status_notes", "description", "address", "address_id", "zipcode", "lat", "long", "media_url"):
        assert item[hidden] is None, hidden


def test_public_case_shows_summary_coarse_location_and_photo_but_never_the_reply(client, cases):
    case = make_public(cases.closed)
    response = client.get(f"{BASE}/requests/{case.reference}.json")
    (item,) = json_body(response)
    assert item["description"] == PUBLIC_SUMMARY
    assert item["status_notes"] is None and REPLY not in response.content.decode()
    # A citizen's case: the public map's cell centre (about 1 km), never the pin or photo GPS.
    assert (item["lat"], item["long"]) == (36.55, 117.05)
    assert item["address"] == "东湖街道"
    photo = Photo.objects.get(case=case)
    assert item["media_url"] == f"http://testserver/open311/v2/media/{photo.pk}.jpg"
    media = client.get(item["media_url"])
    assert media.status_code == 200 and media["Content-Type"] == "image/jpeg"
    assert media["X-Content-Type-Options"] == "nosniff"
    assert b"".join(media.streaming_content) == photo.image.open("rb").read()


def test_sensitive_public_case_is_coarsened(client, cases):
    case = make_public(cases.closed, sensitive=True)
    root = xml_root(client.get(f"{BASE}/requests/{case.reference}.xml"))
    request = root.find("request")
    assert (request.findtext("lat"), request.findtext("long")) == ("36.55", "117.05")  # as on the public map
    assert request.findtext("address") == "东湖街道"


def test_photo_is_served_only_when_photo_and_case_are_public(client, cases):
    photo = Photo.objects.get(case=cases.closed)
    url = f"{BASE}/media/{photo.pk}.jpg"
    assert_errors(client.get(url), 404)  # neither public
    make_public(cases.closed, photo_public=False)
    assert_errors(client.get(url), 404)
    (item,) = client.get(f"{BASE}/requests/{cases.closed.reference}.json").json()
    assert item["media_url"] is None
    Photo.objects.update(is_public=True)
    assert client.get(url).status_code == 200
    type(cases.closed).objects.filter(pk=cases.closed.pk).update(is_public=False)
    assert_errors(client.get(url), 404)


def test_expected_datetime_is_the_leads_handling_clock_else_next_due(client, cases):
    handling = Clock.objects.get(case=cases.in_progress, kind="handling", stopped_at__isnull=True)
    body = {i["service_request_id"]: i for i in client.get(f"{BASE}/requests.json").json()}
    assert body[cases.in_progress.reference]["expected_datetime"] == handling.due_at.astimezone(
        NOW.tzinfo).isoformat()
    assert body[cases.assigned.reference]["expected_datetime"] == cases.assigned.next_due_at.astimezone(
        NOW.tzinfo).isoformat()
    assert body[cases.closed.reference]["expected_datetime"] is None
    assert body[cases.in_progress.reference]["service_notice"]


def test_rejected_and_merged_are_closed_with_notes(client, cases):
    make_public(cases.rejected)
    body = {i["service_request_id"]: i for i in client.get(f"{BASE}/requests.json").json()}
    rejected, merged = body[cases.rejected.reference], body[cases.merged.reference]
    assert rejected["status"] == "closed" and "不属于生态环境问题" in rejected["status_notes"]
    assert merged["status"] == "closed" and cases.in_progress.reference in merged["status_notes"]
    assert body[cases.submitted.reference]["status"] == "open"
    assert body[cases.assigned.reference]["status"] == "open"


def test_service_request_id_list_overrides_other_arguments(client, cases):
    ids = f"{cases.old.reference},{cases.closed.reference.lower()},HB2000-999999"
    body = client.get(f"{BASE}/requests.json", {"service_request_id": ids, "status": "open",
                                                "start_date": "2026-05-30T00:00:00Z"}).json()
    assert set(refs(body)) == {cases.old.reference, cases.closed.reference}


def test_filters_by_service_code_status_and_dates(client, cases):
    get = lambda **q: refs(client.get(f"{BASE}/requests.json", q).json())  # noqa: E731
    assert get(service_code="odour") == [cases.closed.reference]
    assert set(get(service_code="air,noise")) == {cases.in_progress.reference, cases.assigned.reference,
                                                  cases.submitted.reference, cases.rejected.reference,
                                                  cases.merged.reference}
    assert set(get(status="closed")) == {cases.closed.reference, cases.rejected.reference,
                                         cases.merged.reference}
    assert set(get(status="open,closed")) == set(get())
    assert get(start_date="2026-05-27T00:00:00+08:00", end_date="2026-05-29T12:00:00+08:00") == [
        cases.assigned.reference, cases.in_progress.reference]
    assert get(start_date="2026-01-01T00:00:00Z") == [cases.old.reference]  # start + 90 days
    assert get(end_date="2026-05-23") == [cases.closed.reference]  # end - 90 days
    assert get(start_date="2026-05-27 00:00:00 08:00", end_date="2026-05-28T00:00:00Z") == [
        cases.in_progress.reference]  # an unencoded "+" arrives as a space


def test_page_and_page_size(client, cases):
    everything = refs(client.get(f"{BASE}/requests.json").json())
    pages = [refs(client.get(f"{BASE}/requests.json", {"page": p, "page_size": 4}).json()) for p in (1, 2, 3)]
    assert pages[0] + pages[1] == everything and pages[2] == []


@pytest.mark.parametrize("query", [
    {"start_date": "yesterday"}, {"end_date": "2026-13-01T00:00:00Z"},
    {"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-06-01T00:00:00Z"},  # more than 90 days
    {"start_date": "2026-06-01T00:00:00Z", "end_date": "2026-05-01T00:00:00Z"},  # end before start
    {"status": "pending"}, {"page": "0"}, {"page_size": "abc"}, {"page_size": "1001"}, {"page": "-1"},
])
@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_bad_query_arguments_are_400(client, cases, query, fmt):
    assert_errors(client.get(f"{BASE}/requests.{fmt}", query), 400, fmt)


def test_single_request_xml_and_json(client, cases):
    root = xml_root(client.get(f"{BASE}/requests/{cases.in_progress.reference}.xml"))
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root.find("request")) == REQUEST_FIELDS
    body = json_body(client.get(f"{BASE}/requests/{cases.in_progress.reference}.json"))
    assert len(body) == 1 and list(body[0]) == REQUEST_FIELDS and body[0]["status"] == "open"


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_request_is_404(client, cases, fmt):
    (text,) = assert_errors(client.get(f"{BASE}/requests/HB2026-999999.{fmt}"), 404, fmt)
    assert "HB2026-999999" in text


def test_token_resolves_to_the_request(client, cases):
    root = xml_root(client.get(f"{BASE}/tokens/{cases.closed.reference}.xml"))
    assert root.tag == "service_requests" and tags(root) == ["request"]
    assert tags(root.find("request")) == TOKEN_FIELDS
    body = json_body(client.get(f"{BASE}/tokens/{cases.closed.reference}.json"))
    assert body == [{"service_request_id": cases.closed.reference, "token": cases.closed.reference}]
    assert_errors(client.get(f"{BASE}/tokens/nope.json"), 404, "json")


def test_list_query_count_does_not_grow_with_cases(client, cases, new_case, django_assert_max_num_queries):
    client.get(f"{BASE}/requests.json")  # warm caches (content types, sessions)
    with django_assert_max_num_queries(12) as few:
        client.get(f"{BASE}/requests.json")
    for offset in range(8):
        new_case(now=NOW - timedelta(hours=offset + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(f"{BASE}/requests.json").json()
    assert len(body) == 14
