"""Discovery, service list and service definitions, against the spec's examples."""

import pytest

from tests.api.conftest import (
    ATTRIBUTE_FIELDS,
    BASE,
    DISCOVERY_FIELDS,
    ENDPOINT_FIELDS,
    SERVICE_FIELDS,
    VALUE_FIELDS,
    assert_errors,
    json_body,
    tags,
    xml_root,
)

pytestmark = pytest.mark.django_db


def test_discovery_xml_has_the_spec_structure(client, api_city):
    root = xml_root(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert tags(root) == DISCOVERY_FIELDS
    endpoints = root.find("endpoints")
    assert tags(endpoints) == ["endpoint"]
    endpoint = endpoints.find("endpoint")
    assert tags(endpoint) == ENDPOINT_FIELDS
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == "http://testserver/open311/v2"
    assert endpoint.findtext("type") == "production"
    assert [f.text for f in endpoint.find("formats")] == ["text/xml", "application/json"]
    assert set(tags(endpoint.find("formats"))) == {"format"}


def test_discovery_json_has_the_spec_structure(client, api_city):
    body = json_body(client.get(f"{BASE}/discovery.json"))
    assert list(body) == DISCOVERY_FIELDS
    (endpoint,) = body["endpoints"]
    assert list(endpoint) == ENDPOINT_FIELDS
    assert endpoint["formats"] == ["text/xml", "application/json"]
    assert all(isinstance(body[k], str) and body[k] for k in ("changeset", "contact", "key_service"))


def test_services_xml_lists_every_category_and_sub_type(client, api_city):
    root = xml_root(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and set(tags(root)) == {"service"}
    by_code = {s.findtext("service_code"): s for s in root}
    assert set(by_code) == {"air", "odour", "water", "noise", "other"}
    odour = by_code["odour"]
    assert tags(odour) == SERVICE_FIELDS
    assert odour.findtext("service_name") == "异味"
    assert odour.findtext("group") == "大气污染"  # the parent category
    assert odour.findtext("metadata") == "true"
    assert odour.findtext("type") == "realtime"
    assert odour.findtext("keywords") == "臭味, 异味, 刺鼻"
    assert odour.findtext("description") == "Smells from factories, drains or waste."
    assert by_code["air"].findtext("group") == "大气污染"
    assert by_code["air"].findtext("metadata") == "false"


def test_services_json_is_an_array_of_the_spec_fields(client, api_city):
    body = json_body(client.get(f"{BASE}/services.json"))
    assert isinstance(body, list)
    assert all(list(item) == SERVICE_FIELDS for item in body)
    odour = next(s for s in body if s["service_code"] == "odour")
    assert odour["metadata"] is True and odour["type"] == "realtime" and odour["group"] == "大气污染"


def test_inactive_categories_and_their_sub_types_are_not_offered(client, api_city):
    api_city.air.is_active = False
    api_city.air.save()
    codes = {s["service_code"] for s in json_body(client.get(f"{BASE}/services.json"))}
    assert "air" not in codes and "odour" not in codes
    assert_errors(client.get(f"{BASE}/services/odour.xml"), 404)


def test_english_service_names_follow_accept_language(client, api_city):
    api_city.odour.name_en = "Odour"
    api_city.odour.save()
    body = json_body(client.get(f"{BASE}/services.json", HTTP_ACCEPT_LANGUAGE="en"))
    assert next(s for s in body if s["service_code"] == "odour")["service_name"] == "Odour"


def test_service_definition_xml(client, api_city):
    root = xml_root(client.get(f"{BASE}/services/odour.xml"))
    assert root.tag == "service_definition"
    assert tags(root) == ["service_code", "attributes"]
    assert root.findtext("service_code") == "odour"
    attributes = root.find("attributes")
    assert set(tags(attributes)) == {"attribute"}
    first = attributes[0]
    assert tags(first) == ATTRIBUTE_FIELDS
    assert first.findtext("variable") == "true"
    assert first.findtext("code") == "odour_kind"
    assert first.findtext("datatype") == "singlevaluelist"
    assert first.findtext("required") == "true"
    assert first.findtext("order") == "1"
    values = first.find("values")
    assert set(tags(values)) == {"value"}
    assert [tags(v) for v in values] == [VALUE_FIELDS, VALUE_FIELDS]
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [("chemical", "化学品味"),
                                                                          ("rotten", "腐臭味")]
    assert [a.findtext("code") for a in attributes] == ["odour_kind", "hours", "times"]  # by order


def test_service_definition_json(client, api_city):
    body = json_body(client.get(f"{BASE}/services/odour.json"))
    assert list(body) == ["service_code", "attributes"]
    assert all(list(a) == ATTRIBUTE_FIELDS for a in body["attributes"])
    kind = body["attributes"][0]
    assert kind["variable"] is True and kind["required"] is True and kind["order"] == 1
    assert kind["datatype_description"] is None
    assert kind["values"] == [{"key": "chemical", "name": "化学品味"}, {"key": "rotten", "name": "腐臭味"}]
    assert body["attributes"][1]["values"] == []


@pytest.mark.parametrize("fmt", ["xml", "json"])
def test_unknown_service_code_is_404(client, api_city, fmt):
    (text,) = assert_errors(client.get(f"{BASE}/services/nope.{fmt}"), 404, fmt)
    assert "nope" in text
