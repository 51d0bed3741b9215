"""The service request updates extension (FixMyStreet): public events only."""

import pytest

from cases.models import CaseEvent
from tests.api.conftest import (
    BASE,
    INTERNAL,
    REPLY,
    UPDATE_FIELDS,
    assert_errors,
    json_body,
    make_public,
    tags,
    xml_root,
)

pytestmark = pytest.mark.django_db


def test_updates_xml_structure(client, cases):
    root = xml_root(client.get(f"{BASE}/servicerequestupdates.xml"))
    assert root.tag == "service_requests_updates" and set(tags(root)) == {"request_update"}
    assert all(tags(update) == UPDATE_FIELDS for update in root)


def test_updates_are_public_events_with_extended_statuses(client, cases):
    make_public(cases.closed)
    body = json_body(client.get(f"{BASE}/servicerequestupdates.json"))
    assert all(list(item) == UPDATE_FIELDS for item in body)
    public_ids = set(CaseEvent.objects.filter(is_public=True, case__received_at__gte=cases.closed.received_at)
                     .values_list("pk", flat=True))
    assert {int(item["update_id"]) for item in body} == public_ids
    closed = [item for item in body if item["service_request_id"] == cases.closed.reference]
    assert [item["status"] for item in closed] == ["open", "investigating", "in_progress", "fixed"]
    assert closed[-1]["description"] == "" and REPLY not in str(body)  # the reply is the reporter's
    assert closed[-1]["updated_datetime"] == "2026-05-25T10:00:00+08:00"
    merged = [item for item in body if item["service_request_id"] == cases.merged.reference]
    assert merged[-1]["status"] == "duplicate" and merged[-1]["description"] == ""  # not public
    rejected = [item for item in body if item["service_request_id"] == cases.rejected.reference]
    assert rejected[-1]["status"] == "not_councils_responsibility"
    assert INTERNAL["note"] not in str(body)


def test_updates_window_and_errors(client, cases):
    body = client.get(f"{BASE}/servicerequestupdates.json", {"start_date": "2026-05-31T00:00:00+08:00",
                                                             "end_date": "2026-06-01T12:00:00+08:00"}).json()
    # received 2026-05-31 (merged) and rejected at NOW; the others happened before the window
    assert {item["service_request_id"] for item in body} == {cases.merged.reference, cases.rejected.reference}
    assert_errors(client.get(f"{BASE}/servicerequestupdates.json", {"start_date": "soon"}), 400, "json")


@pytest.mark.parametrize("params", [{"start_date": "9999-12-31"}, {"end_date": "0001-01-01"},
                                    {"start_date": "0001-01-01T00:00:00+14:00"},
                                    {"start_date": "9999-12-31T23:59:59-12:00", "end_date": "9999-12-31"}])
@pytest.mark.parametrize("resource", ["requests", "servicerequestupdates"])
def test_dates_at_the_ends_of_the_calendar_are_a_spec_400_not_a_crash(client, cases, params, resource):
    assert_errors(client.get(f"{BASE}/{resource}.json", params), 400, "json")
    assert_errors(client.get(f"{BASE}/{resource}.xml", params), 400, "xml")
