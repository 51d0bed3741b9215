"""Geocoder returning 500, timing out, or down (cases/geo.py through geopy).

What the citizen sees: the address search under the map answers at once with
"Address search is not available at the moment. Place the pin on the map, or
describe the place in the address field." The report itself never waits for the
geocoder (routing uses township boundaries, docs/architecture.md rule 8), so a report sent
during the outage is filed exactly once, and a double submit does not duplicate it.
"""

import json
import socket
from contextlib import contextmanager

import pytest
from werkzeug import Response

from cases.models import Case
from tests.net import closed_port
from tests.resilience.conftest import report_data

pytestmark = pytest.mark.django_db

UNAVAILABLE = "not available"


@contextmanager
def geocoder(mode: str, settings, httpserver):
    """Point the portal's geocoder at a failing Nominatim; yields the request log (or None)."""
    settings.PORTAL_GEOCODER_SCHEME = "http"
    settings.PORTAL_GEOCODER_TIMEOUT = 0.5
    if mode == "http_500":
        httpserver.expect_request("/search").respond_with_response(Response("upstream error", status=500))
        settings.PORTAL_GEOCODER_DOMAIN = f"{httpserver.host}:{httpserver.port}"
        yield httpserver.log
    elif mode == "timeout":
        with socket.socket() as silent:  # accepts the connection, never answers
            silent.bind(("127.0.0.1", 0))
            silent.listen(8)
            settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{silent.getsockname()[1]}"
            yield None
    else:  # down: nothing listens on the port
        settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{closed_port()}"
        yield None


@pytest.mark.parametrize("mode", ["http_500", "timeout", "down"])
def test_address_search_fails_politely_and_the_report_is_filed_once(mode, client, city, settings, httpserver):
    with geocoder(mode, settings, httpserver) as log:
        response = client.get("/en/report/geocode", {"q": "幸福路8号"})
        assert response.status_code == 200
        body = json.loads(response.content)
        assert body["ok"] is False and UNAVAILABLE in body["error"]  # the citizen's message

        data = report_data(city, latitude="", longitude="", address="幸福路8号")
        first = client.post("/en/report/", data)
        again = client.post("/en/report/", data)  # double click / retry with the same token
        assert first.status_code == 302 and again.status_code == 302
        assert Case.objects.count() == 1
        assert Case.objects.get().address == "幸福路8号"
        if log is not None:  # only the address search reached the geocoder, never the report
            assert [request.path for request, _ in log] == ["/search"]


def test_a_failure_is_not_cached_so_search_works_again_when_the_geocoder_is_back(client, city, settings,
                                                                                 httpserver):
    settings.PORTAL_GEOCODER_DOMAIN = f"{httpserver.host}:{httpserver.port}"
    httpserver.expect_ordered_request("/search").respond_with_response(Response("down", status=503))
    httpserver.expect_ordered_request("/search").respond_with_json(
        [{"place_id": 1, "lat": "36.551", "lon": "117.052", "display_name": "东湖街道 幸福路 8号",
          "boundingbox": ["36.55", "36.552", "117.05", "117.054"], "class": "place", "type": "house"}])
    assert json.loads(client.get("/en/report/geocode", {"q": "幸福路"}).content)["ok"] is False
    recovered = json.loads(client.get("/en/report/geocode", {"q": "幸福路"}).content)
    assert recovered["ok"] is True and recovered["results"][0]["label"] == "东湖街道 幸福路 8号"
