"""The Tianditu geocoder (cases/maps/tianditu.py) through the address search, against a
local server speaking Tianditu's API (real HTTP through geopy, no mocks)."""

import json
import socket

import pytest
from django.core.cache import caches
from werkzeug import Response

from cases import geo
from tests.cases.conftest import city  # noqa: F401

pytestmark = pytest.mark.django_db

FOUND = {"msg": "ok", "status": "0", "searchVersion": "6.4.9V",
         "location": {"score": 100, "level": "门址", "lon": "117.052", "lat": "36.551", "keyWord": "东湖街道幸福路8号"}}
FAR_AWAY = {"msg": "ok", "status": "0",
            "location": {"score": 90, "level": "道路", "lon": "121.47", "lat": "31.23", "keyWord": "上海市幸福路"}}
REVERSE = {"msg": "ok", "status": "0", "result": {
    "formatted_address": "清河市东湖街道幸福路8号", "location": {"lon": 117.052, "lat": 36.551},
    "addressComponent": {"address": "幸福路8号", "city": "清河市", "road": "幸福路", "poi": "", "poi_distance": 10}}}


@pytest.fixture
def tianditu(httpserver, settings):
    settings.PORTAL_GEOCODER = "tianditu"
    settings.PORTAL_GEOCODER_KEY = "test-key"
    settings.PORTAL_GEOCODER_DOMAIN = f"{httpserver.host}:{httpserver.port}"
    settings.PORTAL_GEOCODER_SCHEME = "http"
    settings.PORTAL_GEOCODER_TIMEOUT = 2
    caches["default"].clear()
    caches["ratelimit"].clear()
    return httpserver


def search(client, q="幸福路8号"):
    response = client.get("/en/report/geocode", {"q": q})
    assert response.status_code == 200
    return response.json()


def test_forward_search_sends_the_keyword_and_key_and_returns_the_place(client, city, tianditu):  # noqa: F811
    tianditu.expect_request("/geocoder").respond_with_json(FOUND)
    assert search(client) == {"ok": True, "results": [{"label": "东湖街道幸福路8号", "lat": 36.551, "lng": 117.052}]}
    request, _ = tianditu.log[0]
    assert json.loads(request.args["ds"]) == {"keyWord": "幸福路8号"}
    assert request.args["tk"] == "test-key"
    assert request.headers["User-Agent"].startswith("rectification-portal")


def test_a_place_outside_the_city_is_not_offered(client, city, tianditu):  # noqa: F811
    tianditu.expect_request("/geocoder").respond_with_json(FAR_AWAY)
    assert search(client) == {"ok": True, "results": []}


def test_no_result_is_an_empty_list(client, city, tianditu):  # noqa: F811
    tianditu.expect_request("/geocoder").respond_with_json({"msg": "无结果", "status": "101"})
    assert search(client) == {"ok": True, "results": []}


def test_reverse_gives_the_address_of_a_point(city, tianditu):  # noqa: F811
    tianditu.expect_request("/geocoder", method="GET").respond_with_json(REVERSE)
    result = geo.reverse(36.551, 117.052)
    assert isinstance(result, geo.GeoResult)
    assert [p.as_dict() for p in result.places] == [{"label": "清河市东湖街道幸福路8号", "lat": 36.551, "lng": 117.052}]
    request, _ = tianditu.log[0]
    post = request.args["postStr"]
    assert "'lon':117.052" in post and "'lat':36.551" in post and "'ver':1" in post
    assert request.args["tk"] == "test-key" and request.args["type"] == "geocode"


def test_reverse_with_nothing_there_is_empty(city, tianditu):  # noqa: F811
    tianditu.expect_request("/geocoder").respond_with_json({"msg": "ok", "status": "0"})
    result = geo.reverse(36.551, 117.052)
    assert isinstance(result, geo.GeoResult) and result.places == ()


@pytest.mark.parametrize("answer", [
    Response(json.dumps({"msg": "非法key", "code": 1, "resolve": "请到天地图官网申请新key"}), status=403,
             content_type="application/json"),
    Response(json.dumps({"msg": "参数错误", "status": "1"}), status=200, content_type="application/json"),
    Response(json.dumps({"msg": "服务出错", "status": "404"}), status=200, content_type="application/json"),
    Response("<html>维护中</html>", status=502, content_type="text/html"),
], ids=["key-refused", "status-1", "status-404", "bad-gateway"])
def test_an_error_answer_gives_a_clear_message_to_the_citizen(client, city, tianditu, answer):  # noqa: F811
    tianditu.expect_request("/geocoder").respond_with_response(answer)
    body = search(client)
    assert body["ok"] is False and "not available at the moment" in body["error"]
    assert isinstance(geo.reverse(36.551, 117.052), geo.GeoFailure)


def test_a_timeout_gives_a_clear_message_in_chinese(client, city, settings, tianditu):  # noqa: F811
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.PORTAL_GEOCODER_DOMAIN = f"127.0.0.1:{silent.getsockname()[1]}"
        settings.PORTAL_GEOCODER_TIMEOUT = 0.3
        body = client.get("/report/geocode", {"q": "幸福路8号"}).json()
    assert body["ok"] is False and body["error"].startswith("地址搜索暂不可用")


def test_without_a_key_tianditu_counts_as_not_configured(client, city, tianditu, settings):  # noqa: F811
    settings.PORTAL_GEOCODER_KEY = ""
    body = search(client)
    assert body["ok"] is False and "not configured" in body["error"]
    assert tianditu.log == []
