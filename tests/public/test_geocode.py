"""Address search through geopy against a local server speaking Nominatim's API
(cases/geo.py, /report/geocode): results, caching, failures, rate limit."""

import json
import socket

import pytest
from werkzeug import Response

from cases import geo
from cases.models import Case
from tests.net import closed_port
from tests.public.conftest import report_data

pytestmark = pytest.mark.django_db

PLACE_IN_CITY = {"place_id": 1, "lat": "36.551", "lon": "117.052", "display_name": "东湖街道 幸福路 8号",
                 "boundingbox": ["36.55", "36.552", "117.05", "117.054"], "class": "place", "type": "house"}
PLACE_FAR_AWAY = {"place_id": 2, "lat": "31.23", "lon": "121.47", "display_name": "上海市 幸福路",
                  "boundingbox": ["31.2", "31.3", "121.4", "121.5"], "class": "highway", "type": "residential"}


@pytest.fixture
def nominatim(httpserver, settings):
    settings.PORTAL_GEOCODER_DOMAIN = f"{httpserver.host}:{httpserver.port}"
    settings.PORTAL_GEOCODER_SCHEME = "http"
    return httpserver


def search(client, q="幸福路"):
    response = client.get("/en/report/geocode", {"q": q})
    return response.status_code, json.loads(response.content)


def test_results_come_from_the_geocoder_and_only_inside_the_service_area(client, city, nominatim):
    nominatim.expect_request("/search").respond_with_json([PLACE_IN_CITY, PLACE_FAR_AWAY])
    status, body = search(client)
    assert status == 200 and body["ok"] is True
    assert body["results"] == [{"label": "东湖街道 幸福路 8号", "lat": 36.551, "lng": 117.052}]
    request, _ = nominatim.log[0]
    assert request.args["q"] == "幸福路" and request.args["format"] == "json"
    assert request.args["countrycodes"] == "cn" and "viewbox" in request.args
    assert request.headers["User-Agent"].startswith("rectification-portal")


def test_answers_are_cached(client, city, nominatim):
    nominatim.expect_request("/search").respond_with_json([PLACE_IN_CITY])
    search(client)
    status, body = search(client)
    assert body["ok"] and len(body["results"]) == 1
    assert len(nominatim.log) == 1


def test_no_match_is_an_empty_list(client, city, nominatim):
    nominatim.expect_request("/search").respond_with_json([])
    assert search(client) == (200, {"ok": True, "results": []})


def test_server_error_gives_a_failure_value(client, city, nominatim):
    nominatim.expect_request("/search").respond_with_response(Response("boom", status=500))
    status, body = search(client)
    assert status == 200 and body["ok"] is False and "not available" in body["error"]


def test_garbage_answer_gives_a_failure_value(client, city, nominatim):
    nominatim.expect_request("/search").respond_with_data("<html>maintenance</html>", content_type="text/html")
    assert search(client)[1]["ok"] is False


def test_timeout_gives_a_failure_value(client, city, settings):
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{silent.getsockname()[1]}"
        settings.PORTAL_GEOCODER_TIMEOUT = 0.3
        result = geo.geocode("幸福路")
    assert isinstance(result, geo.GeoFailure)


def test_geocoder_down_gives_a_failure_value(client, city, settings):
    settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{closed_port()}"
    status, body = search(client)
    assert status == 200 and body == {"ok": False, "error": body["error"]} and body["error"]


def test_failures_are_not_cached(client, city, nominatim):
    nominatim.expect_ordered_request("/search").respond_with_response(Response("boom", status=503))
    nominatim.expect_ordered_request("/search").respond_with_json([PLACE_IN_CITY])
    assert search(client)[1]["ok"] is False
    assert search(client)[1]["ok"] is True


def test_too_short_a_query_does_not_reach_the_geocoder(client, city, nominatim):
    status, body = search(client, q=" x ")
    assert body["ok"] is False and "two characters" in body["error"]
    assert nominatim.log == []


def test_the_report_still_goes_through_while_the_geocoder_is_down(client, city, settings):
    settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{closed_port()}"
    assert search(client)[1]["ok"] is False
    response = client.post("/en/report/", report_data(city, latitude="", longitude="", address="幸福路8号"))
    assert response.status_code == 302 and Case.objects.get().address == "幸福路8号"


def test_the_search_is_rate_limited_per_client(client, city, nominatim, settings):
    settings.PORTAL_RATELIMIT_GEOCODE = "3/m"
    nominatim.expect_request("/search").respond_with_json([PLACE_IN_CITY])
    codes = [client.get("/en/report/geocode", {"q": f"幸福路{i}"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    body = json.loads(client.get("/en/report/geocode", {"q": "x"}).content)
    assert body["ok"] is False and "Too many requests" in body["error"]
