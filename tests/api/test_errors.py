"""Every failure answers in the spec's error format with the spec's status."""

import pytest
from django.test import override_settings

from cases.api import keys
from tests.api.conftest import BASE, assert_errors
from tests.api.test_post import form

pytestmark = pytest.mark.django_db
FORMATS = ["xml", "json"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_api_key_is_403(client, api_city, fmt):
    data = form("")
    (text,) = assert_errors(client.post(f"{BASE}/requests.{fmt}", data), 403, fmt)
    assert "api_key" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_invalid_api_key_is_403(client, api_city, api_key, fmt):
    assert_errors(client.post(f"{BASE}/requests.{fmt}", form(api_key + "x")), 403, fmt)
    assert_errors(client.get(f"{BASE}/services.{fmt}", {"api_key": "wrong_key"}), 403, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_disabled_api_key_is_403(client, api_city, api_client_key, fmt):
    api_client, key = api_client_key
    keys.set_active(api_client, False)
    (text,) = assert_errors(client.post(f"{BASE}/requests.{fmt}", form(key)), 403, fmt)
    assert "disabled" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_service_code_on_post_is_404_and_missing_is_400(client, api_city, api_key, fmt):
    assert_errors(client.post(f"{BASE}/requests.{fmt}", form(api_key, service_code="nope")), 404, fmt)
    assert_errors(client.post(f"{BASE}/requests.{fmt}", form(api_key, service_code=None)), 400, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("change, words", [
    ({"lat": None, "long": None}, "location"),
    ({"lat": None}, "both"),
    ({"lat": "91", "long": "117"}, "WGS-84"),
    ({"lat": "abc"}, "WGS-84"),
    ({"lat": None, "long": None, "address_id": "545483"}, "address_id"),
    ({"description": None}, "description"),
    ({"description": "x" * 4001}, "4000"),
    ({"attribute[odour_kind]": None}, "attribute[odour_kind]"),
    ({"attribute[odour_kind]": "flowery"}, "listed values"),
    ({"attribute[hours]": "many"}, "number"),
    ({"attribute[times][]": ["morning", "noon"]}, "noon"),
])
def test_invalid_post_fields_are_400(client, api_city, api_key, fmt, change, words):
    texts = assert_errors(client.post(f"{BASE}/requests.{fmt}", form(api_key, **change)), 400, fmt)
    assert any(words in text for text in texts), texts


def test_several_problems_are_reported_together(client, api_city, api_key):
    texts = assert_errors(client.post(f"{BASE}/requests.xml", form(
        api_key, description=None, lat=None, long=None, **{"attribute[odour_kind]": None})), 400)
    assert len(texts) == 3


@pytest.mark.parametrize("path", ["services.csv", "requests.html", "discovery.yaml"])
def test_unsupported_format_is_400_in_xml(client, api_city, path):
    (text,) = assert_errors(client.get(f"{BASE}/{path}"), 400)
    assert "not supported" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_method_not_allowed(client, api_city, fmt):
    response = client.post(f"{BASE}/services.{fmt}")
    assert_errors(response, 405, fmt)
    assert response["Allow"] == "GET, HEAD"
    assert_errors(client.delete(f"{BASE}/requests.{fmt}"), 405, fmt)


@pytest.mark.parametrize("path, fmt", [("nothing.json", "json"), ("nothing", "xml"), ("", "xml"),
                                       ("services/a/b.xml", "xml")])
def test_unknown_paths_are_404_in_the_spec_format(client, db, path, fmt):
    assert_errors(client.get(f"{BASE}/{path}"), 404, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_rate_limit_per_key_is_429(client, api_city, api_client_key, fmt):
    api_client, key = api_client_key
    api_client.rate_limit = "2/m"
    api_client.save()
    other, other_key = keys.create_client("other")
    for _ in range(2):
        assert client.get(f"{BASE}/services.{fmt}", {"api_key": key}).status_code == 200
    assert_errors(client.post(f"{BASE}/requests.{fmt}", form(key)), 429, fmt)
    assert client.get(f"{BASE}/services.{fmt}", {"api_key": other_key}).status_code == 200  # per key


@override_settings(OPEN311_ANONYMOUS_RATE="1/m")
def test_anonymous_calls_are_limited_by_address(client, api_city):
    assert client.get(f"{BASE}/services.json").status_code == 200
    assert_errors(client.get(f"{BASE}/services.json"), 429, "json")


@pytest.mark.parametrize("fmt", FORMATS)
def test_unexpected_exception_is_500_in_the_spec_format(client, api_city, monkeypatch, fmt):
    from cases.api import catalogue

    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(catalogue, "service_list", broken)
    (text,) = assert_errors(client.get(f"{BASE}/services.{fmt}"), 500, fmt)
    assert "boom" not in text


def test_post_without_csrf_token_is_accepted(api_city, api_key):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    assert strict.post(f"{BASE}/requests.json", form(api_key)).status_code == 200
