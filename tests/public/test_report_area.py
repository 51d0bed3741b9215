"""`/report/area`: whether a pin is outside the city, asked as soon as it is placed
(the rule intake applies on sending, cases.geo.service_area)."""

import json

import pytest

pytestmark = pytest.mark.django_db


def area(client, **params):
    response = client.get("/en/report/area", params)
    return response.status_code, json.loads(response.content)


def test_a_point_in_the_city_is_inside(client, city):
    assert area(client, lat=36.55, lng=117.05) == (200, {"ok": True, "outside": False, "message": ""})


def test_a_point_inside_the_box_but_outside_every_township_is_not_outside(client, city):
    assert area(client, lat=36.62, lng=117.05)[1]["outside"] is False  # the same as intake: dispatch desk


def test_a_point_far_away_is_outside_with_the_intakes_message(client, city):
    status, body = area(client, lat=39.9, lng=116.4)  # Beijing
    assert status == 200 and body["outside"] is True and "outside" in body["message"]


def test_gcj02_input_is_converted_first(client, city):
    assert area(client, lat=36.549, lng=117.056, crs="gcj02")[1]["outside"] is False


@pytest.mark.parametrize("params", [{"lat": "x", "lng": 117}, {"lat": 91, "lng": 117}, {"lng": 117}])
def test_a_bad_point_is_refused(client, city, params):
    status, body = area(client, **params)
    assert status == 400 and body["ok"] is False


def test_it_counts_against_the_lookup_limit(client, city, settings):
    settings.PORTAL_RATELIMIT_LOOKUP = "2/m"
    codes = [client.get("/en/report/area", {"lat": 36.55, "lng": 117.05}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
